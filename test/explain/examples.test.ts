// runExample: the lectures' worked examples through the library, their ledgers checked against the
// chain rule written out with Math in this file (the lectures' δ recursion), independent of the
// library, and their verdicts on the lectures' printed numbers checked against the known errata.
import { describe, expect, it } from 'vitest';
import { exampleNames, listExamples, runExample, type ExampleResult, type Ledger } from '../../src/index.js';
import { expectAllClose } from '../helpers/close.js';

const tight = { atol: 1e-12, rtol: 1e-12 };
const sigma = (z: number): number => 1 / (1 + Math.exp(-z));

function nodeValue(ledger: Ledger, name: string): number[] {
  const n = ledger.nodes.find((x) => x.name === name) ?? ledger.leaves.find((x) => x.name === name);
  if (n === undefined) throw new Error(`no '${name}' in the ledger`);
  return n.value.data;
}

function upstream(ledger: Ledger, name: string): number[] {
  const n = ledger.nodes.find((x) => x.name === name);
  if (n?.upstream == null) throw new Error(`no upstream at '${name}'`);
  return n.upstream.data;
}

function local(ledger: Ledger, name: string, input: string): number[] {
  const e = ledger.nodes.find((x) => x.name === name)?.inputs.find((x) => x.name === input);
  if (e?.local == null) throw new Error(`no local ∂${name}/∂${input}`);
  return e.local.data;
}

function grad(ledger: Ledger, name: string): number[] {
  const l = ledger.leaves.find((x) => x.name === name);
  if (l?.grad == null) throw new Error(`no gradient of '${name}'`);
  return l.grad.data;
}

function updated(ledger: Ledger, name: string): number {
  const r = ledger.update?.rows.find((x) => x.name === name);
  if (r === undefined) throw new Error(`no update of '${name}'`);
  return r.new.data[0];
}

function status(result: ExampleResult, label: string): string {
  const c = result.checks.find((x) => x.label === label);
  if (c === undefined) throw new Error(`no check '${label}'`);
  return c.status;
}

/**
 * A sigmoid network with E = ½ Σ (y − t)², by hand: z = W·h + b, h' = σ(z); backward
 * δ_out = (y − t)·y(1 − y), ∂E/∂h = Wᵀδ, δ = ∂E/∂h·h(1 − h), ∂E/∂W = δ·hᵀ, ∂E/∂b = δ.
 */
function sigmoidNet(W: number[][][], B: (number[] | null)[], x: number[], t: number[]) {
  const z: number[][] = [];
  const h: number[][] = [x];
  W.forEach((Wl, l) => {
    z.push(Wl.map((row, j) => row.reduce((acc, w, k) => acc + w * h[l][k], B[l]?.[j] ?? 0)));
    h.push(z[l].map(sigma));
  });
  const y = h[W.length];
  const E = 0.5 * y.reduce((acc, v, j) => acc + (v - t[j]) ** 2, 0);
  const dh: number[][] = [];
  const dz: number[][] = [];
  const gW: number[][][] = [];
  dh[W.length] = y.map((v, j) => v - t[j]);
  for (let l = W.length - 1; l >= 0; l--) {
    dz[l] = h[l + 1].map((v, j) => dh[l + 1][j] * v * (1 - v));
    gW[l] = dz[l].map((d) => h[l].map((v) => d * v));
    dh[l] = h[l].map((_, k) => W[l].reduce((acc, row, j) => acc + row[k] * dz[l][j], 0));
  }
  return { z, h, y, E, dh, dz, gW, gB: dz };
}

describe('runExample', () => {
  it('knows the six examples, and refuses an unknown one by listing them', () => {
    expect(exampleNames()).toEqual(['graph', 'neuron', 'net-2-2-1', 'net-3-2-2', 'net-3-3-3-softmax', 'conv1d']);
    expect(listExamples().map((e) => e.name)).toEqual(exampleNames());
    expect(listExamples()[0]).toEqual({ name: 'graph', title: 'Example I: f(x, y, z) = (x + y)·z at x = −2, y = 5, z = −4', source: 'lecture 001, backpropagation with computational graphs' });
    expect(() => runExample('net-4-4' as 'graph')).toThrow(/no example 'net-4-4'; the examples are 'graph', 'neuron'/);
  });

  it('graph: ∂f/∂x = ∂f/∂y = −4 and ∂f/∂z = 3, as printed', () => {
    const r = runExample('graph');
    expect([grad(r.ledger, 'x'), grad(r.ledger, 'y'), grad(r.ledger, 'z')]).toEqual([[-4], [-4], [3]]);
    expect(r.checks.every((c) => c.status === 'match')).toBe(true);
    expect(r.after).toBeNull();
  });

  it('neuron: the staged gates give σ′(1)·(x0, w0, x1, w1, 1) and the printed −0.53', () => {
    const r = runExample('neuron');
    const d = sigma(1) * (1 - sigma(1));
    expectAllClose(['w0', 'x0', 'w1', 'x1', 'w2'].flatMap((n) => grad(r.ledger, n)), [-d, 2 * d, -2 * d, -3 * d, d], tight);
    expectAllClose(upstream(r.ledger, 'd'), [-1 / (1 + Math.exp(-1)) ** 2], tight);
    expect(status(r, '∂f/∂d (the 1/x gate)')).toBe('match');
  });
});

describe('runExample: the 2-2-1 network, one step with η = 0.7', () => {
  const W = [[[0.1, 0.4], [0.5, 0.3]], [[0.2, 0.6]]];
  const ref = sigmoidNet(W, [null, null], [0.23, 0.82], [1]);
  const r = runExample('net-2-2-1');
  const L = r.ledger;
  const names: [string, number, number, number][] = [['w1', 0, 0, 0], ['w3', 0, 0, 1], ['w2', 0, 1, 0], ['w4', 0, 1, 1], ['w5', 1, 0, 0], ['w6', 1, 0, 1]];

  it('the forward values, neuron by neuron', () => {
    expect(L.view).toBe('scalar');
    expectAllClose(['z_a', 'z_b', 'h_a', 'h_b', 'z_c', 'y', 'E'].flatMap((n) => nodeValue(L, n)), [...ref.z[0], ...ref.h[1], ref.z[1][0], ref.y[0], ref.E], tight);
  });

  it('the upstream and local gradients the slides write out', () => {
    expectAllClose(upstream(L, 'y'), [ref.dh[2][0]], tight);
    expectAllClose(local(L, 'y', 'z_c'), [ref.y[0] * (1 - ref.y[0])], tight);
    expectAllClose([...upstream(L, 'h_a'), ...upstream(L, 'h_b')], ref.dh[1], tight);
    expectAllClose(local(L, 'h_a', 'z_a'), [ref.h[1][0] * (1 - ref.h[1][0])], tight);
  });

  it('the six gradients, the update, and the error after the step', () => {
    for (const [n, l, j, k] of names) {
      expectAllClose(grad(L, n), [ref.gW[l][j][k]], tight);
      expectAllClose([updated(L, n)], [W[l][j][k] - 0.7 * ref.gW[l][j][k]], tight);
    }
    const after = sigmoidNet(W.map((Wl, l) => Wl.map((row, j) => row.map((w, k) => w - 0.7 * ref.gW[l][j][k]))), [null, null], [0.23, 0.82], [1]);
    expectAllClose([r.after!.E, r.after!.y], [after.E, after.y[0]], tight);
    expectAllClose([r.after!.E], [0.0698461275915492], tight);
  });

  it('finds the slides\' last-digit drift and nothing wrong', () => {
    expect(status(r, 'h_a')).toBe('last digit');
    expect(status(r, '∂E/∂w5')).toBe('last digit');
    expect(status(r, 'w5 (new)')).toBe('last digit');
    expect(status(r, '∂E/∂w1')).toBe('match');
    expect(r.checks.filter((c) => c.status === 'wrong')).toEqual([]);
  });
});

describe('runExample: the 3-2-2 network with biases, one step with η = 0.01', () => {
  const W = [[[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]], [[0.7, 0.9], [0.8, 0.1]]];
  const B = [[0.5, 0.5], [0.5, 0.5]];
  const x = [1, 4, 5];
  const t = [0.1, 0.05];
  const ref = sigmoidNet(W, B, x, t);
  const r = runExample('net-3-2-2');
  const L = r.ledger;
  const wiring: [string, number, number, number][] = [
    ['w1', 0, 0, 0], ['w3', 0, 0, 1], ['w5', 0, 0, 2], ['w2', 0, 1, 0], ['w4', 0, 1, 1], ['w6', 0, 1, 2],
    ['w7', 1, 0, 0], ['w9', 1, 0, 1], ['w8', 1, 1, 0], ['w10', 1, 1, 1],
  ];
  const biases: [string, number, number][] = [['b1', 0, 0], ['b2', 0, 1], ['b3', 1, 0], ['b4', 1, 1]];

  it('the forward values and the 14 gradients', () => {
    expectAllClose(['z_a', 'z_b', 'z_c', 'z_d', 'y1', 'y2', 'E'].flatMap((n) => nodeValue(L, n)), [...ref.z[0], ...ref.z[1], ...ref.y, ref.E], tight);
    for (const [n, l, j, k] of wiring) expectAllClose(grad(L, n), [ref.gW[l][j][k]], tight);
    for (const [n, l, j] of biases) expectAllClose(grad(L, n), [ref.gB[l][j]], tight);
    // h_a feeds z_c and z_d: its gradient is the sum of two contributions (the copy gate).
    const hEdges = L.nodes.flatMap((n) => n.inputs.filter((e) => e.name === 'h_a'));
    expect(hEdges.map((e) => e.shared)).toEqual([true, true]);
    expectAllClose([hEdges[0].downstream!.data[0] + hEdges[1].downstream!.data[0]], upstream(L, 'h_a'), tight);
  });

  it('the step and the new error 0.5926384 (the slides print 0.5924)', () => {
    const newW = W.map((Wl, l) => Wl.map((row, j) => row.map((w, k) => w - 0.01 * ref.gW[l][j][k])));
    const newB = B.map((b, l) => b.map((v, j) => v - 0.01 * ref.gB[l][j]));
    for (const [n, l, j, k] of wiring) expectAllClose([updated(L, n)], [newW[l][j][k]], tight);
    for (const [n, l, j] of biases) expectAllClose([updated(L, n)], [newB[l][j]], tight);
    const after = sigmoidNet(newW, newB, x, t);
    expectAllClose([r.after!.E, r.after!.y1, r.after!.y2], [after.E, ...after.y], tight);
    expectAllClose([r.after!.E], [0.5926384296475543], tight);
  });

  it('finds every hidden-layer gradient of the slides wrong, the output layer\'s a digit low, and the new error wrong', () => {
    for (const p of ['w1', 'w2', 'w3', 'w4', 'w5', 'w6', 'b1', 'b2']) expect(status(r, `∂E/∂${p}`), p).toBe('wrong');
    for (const p of ['w7', 'w8', 'w9', 'w10', 'b3', 'b4']) expect(status(r, `∂E/∂${p}`), p).toBe('last digit');
    expect(status(r, 'E after the step')).toBe('wrong');
    expectAllClose(grad(L, 'w1'), [0.0019839118724015213], tight);
    expect(r.text).toContain('0.0012');
    expect(r.text).toMatch(/∂E\/∂w1 +│ 0\.0012 +│ 0\.0020 +│ 0\.00198391 +│ ✗ wrong/);
  });
});

describe('runExample: the 3-layer softmax network of lecture 002', () => {
  const W1 = [[1, 0, 0], [1, 1, 1], [0, 1, 1]];
  const W2 = [[1, 1, 1], [1, 1, 1], [0, 0, 1]];
  const W3 = [[1, 0, 0], [1, 0, 0], [1, 1, 1]];
  const x = [1, 0, 1];
  const mv = (M: number[][], v: number[]) => M.map((row) => row.reduce((acc, w, k) => acc + w * v[k], 0));
  const mtv = (M: number[][], v: number[]) => M[0].map((_, k) => M.reduce((acc, row, j) => acc + row[k] * v[j], 0));
  const a1 = mv(W1, x);
  const h1 = a1.map(sigma);
  const a2 = mv(W2, h1);
  const h2 = a2.map(sigma);
  const a3 = mv(W3, h2);
  const ex = a3.map(Math.exp);
  const yhat = ex.map((v) => v / ex.reduce((p, q) => p + q, 0));
  const da3 = yhat.map((v, j) => v - (j === 2 ? 1 : 0));
  const dh2 = mtv(W3, da3);
  const da2 = dh2.map((g, j) => g * h2[j] * (1 - h2[j]));
  const dh1 = mtv(W2, da2);
  const da1 = dh1.map((g, j) => g * h1[j] * (1 - h1[j]));
  const outer = (a: number[], b: number[]) => a.flatMap((u) => b.map((v) => u * v));
  const r = runExample('net-3-3-3-softmax');
  const L = r.ledger;

  it('the tensor view: values, upstream gradients through the softmax, and ∂L/∂W', () => {
    expect(L.view).toBe('tensor');
    expectAllClose([...nodeValue(L, 'a1'), ...nodeValue(L, 'h1'), ...nodeValue(L, 'a2'), ...nodeValue(L, 'h2'), ...nodeValue(L, 'a3'), ...nodeValue(L, 'ŷ')], [...a1, ...h1, ...a2, ...h2, ...a3, ...yhat], tight);
    expectAllClose([L.value], [-Math.log(yhat[2])], tight);
    expectAllClose(upstream(L, 'a3'), da3, tight);
    expectAllClose(upstream(L, 'a2'), da2, tight);
    expectAllClose(upstream(L, 'a1'), da1, tight);
    expectAllClose(local(L, 'h2', 'a2'), h2.map((v) => v * (1 - v)), tight);
    expectAllClose(grad(L, 'W1'), outer(da1, x), tight);
    expectAllClose(grad(L, 'W2'), outer(da2, h1), tight);
    expectAllClose(grad(L, 'W3'), outer(da3, h2), tight);
    expect(L.nodes.find((n) => n.name === 'ŷ')!.localKind).toBe('jacobian');
  });

  it('flags the slide\'s loss 0.35 (true 0.34282) and its drifting roundings', () => {
    expect(status(r, 'L')).toBe('last digit');
    expectAllClose([L.value], [0.34281649695280797], tight);
    expect(status(r, 'h2[3]')).toBe('last digit');
    expect(status(r, '∂L/∂W3_11')).toBe('match');
    expect(r.notes.some((n) => n.startsWith('L: ') && n.includes('0.34282'))).toBe(true);
  });
});

describe('runExample: the 1-D convolution of lecture 002', () => {
  const r = runExample('conv1d');
  const L = r.ledger;

  it('∂L/∂a = (ŷ − y)/7 where the ReLU is on, and ∂L/∂K = X ⋆ ∂L/∂a = [−12/49, 0]', () => {
    const X = [1, 0, 1, 0, 1, 0, 1, 0];
    const a = [0, 1, 2, 3, 4, 5, 6].map((i) => X[i] - X[i + 1]);
    const yhat = a.reduce((acc, v) => acc + Math.max(v, 0), 0) / 7;
    const da = a.map((v) => (v > 0 ? (yhat - 1) / 7 : 0));
    expectAllClose(nodeValue(L, 'a'), a, tight);
    expectAllClose([L.value], [0.5 * (yhat - 1) ** 2], tight);
    expectAllClose(upstream(L, 'a'), da, tight);
    expectAllClose(grad(L, 'K'), [0, 1].map((j) => da.reduce((acc, g, i) => acc + X[i + j] * g, 0)), tight);
    expectAllClose(grad(L, 'K'), [-12 / 49, 0], tight);
  });

  it('prints fractions as the slide does, and flags its ∂L/∂K = [−3/7, 0]', () => {
    expect(status(r, '∂L/∂K[1]')).toBe('wrong');
    expect(status(r, 'ŷ')).toBe('match');
    expect(status(r, '∂L/∂a[1]')).toBe('match');
    expect(r.checks.find((c) => c.label === '∂L/∂K[1]')!.oursPrinted).toBe('-12/49');
    expect(r.text).toContain('∂L/∂K = [[[-12/49, 0]]]');
  });
});
