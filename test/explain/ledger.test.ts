// explain() on the lectures' computational graphs: every row of the ledger, upstream × local =
// downstream, checked against the chain rule written out by hand in this file.
import { describe, expect, it } from 'vitest';
import { conv1d, explain, nn, tensor, type Ledger, type LedgerNode, type Tensor } from '../../src/index.js';
import { expectAllClose } from '../helpers/close.js';

const leaf = { dtype: 'float64', requiresGrad: true } as const;
const s = (v: number): Tensor => tensor(v, leaf);

function node(ledger: Ledger, name: string): LedgerNode {
  const n = ledger.nodes.find((x) => x.name === name);
  if (n === undefined) throw new Error(`no node ${name} in ${ledger.nodes.map((x) => x.name).join(', ')}`);
  return n;
}

function edge(ledger: Ledger, nodeName: string, input: string) {
  const e = node(ledger, nodeName).inputs.find((x) => x.name === input);
  if (e === undefined) throw new Error(`no input ${input} of ${nodeName}`);
  return e;
}

function gradOf(ledger: Ledger, name: string): number[] {
  const l = ledger.leaves.find((x) => x.name === name);
  if (l === undefined || l.grad === null) throw new Error(`no gradient for leaf ${name}`);
  return l.grad.data;
}

describe('explain: Example I, f = (x + y)·z at x = −2, y = 5, z = −4', () => {
  const build = () => {
    const x = s(-2);
    const y = s(5);
    const z = s(-4);
    const q = x.add(y);
    const f = q.mul(z);
    return { x, y, z, q, f, ledger: explain(f, { names: { x, y, z, q, f } }) };
  };

  it('lists the nodes in topological order with their ops, expressions and forward values', () => {
    const { ledger } = build();
    expect(ledger.nodes.map((n) => [n.name, n.op, n.expression, n.value.data[0]])).toEqual([
      ['q', 'add', 'q = x + y', 3],
      ['f', 'mul', 'f = q · z', -12],
    ]);
    expect(ledger.output).toBe('f');
    expect(ledger.value).toBe(-12);
    expect(ledger.view).toBe('tensor');
    expect(ledger.leaves.map((l) => [l.name, l.kind, l.value.data[0]])).toEqual([['x', 'variable', -2], ['y', 'variable', 5], ['z', 'variable', -4]]);
  });

  it('the mul node: upstream ∂f/∂f = 1; local ∂f/∂q = z = −4, ∂f/∂z = q = 3; downstream −4 and 3', () => {
    const { ledger } = build();
    const f = node(ledger, 'f');
    expect(f.upstream!.data).toEqual([1]);
    expect(f.localKind).toBe('gradient');
    expect(edge(ledger, 'f', 'q')).toMatchObject({ formula: 'z', local: { data: [-4] }, downstream: { data: [-4] }, shared: false });
    expect(edge(ledger, 'f', 'z')).toMatchObject({ formula: 'q', local: { data: [3] }, downstream: { data: [3] } });
  });

  it('the add node: upstream ∂f/∂q = z = −4; local 1 and 1; downstream ∂f/∂x = ∂f/∂y = −4 (add distributes)', () => {
    const { ledger } = build();
    expect(node(ledger, 'q').upstream!.data).toEqual([-4]);
    for (const input of ['x', 'y']) {
      expect(edge(ledger, 'q', input)).toMatchObject({ formula: '1', local: { data: [1] }, downstream: { data: [-4] } });
    }
  });

  it('every row is upstream × local = downstream, and the leaves get ∂f/∂x = −4, ∂f/∂y = −4, ∂f/∂z = 3', () => {
    const { ledger } = build();
    for (const n of ledger.nodes) {
      for (const e of n.inputs) expect(e.downstream!.data[0]).toBe(n.upstream!.data[0] * e.local!.data[0]);
    }
    expect([gradOf(ledger, 'x'), gradOf(ledger, 'y'), gradOf(ledger, 'z')]).toEqual([[-4], [-4], [3]]);
  });

  it('names what the user did not: the output L, operands by value, nodes by op', () => {
    const x = s(2);
    const y = x.mul(3).add(1).sigmoid();
    const ledger = explain(y);
    expect(ledger.nodes.map((n) => n.expression)).toEqual(['mul1 = leaf1 · 3', 'add1 = mul1 + 1', 'L = σ(add1)']);
    expect(ledger.leaves.map((l) => [l.name, l.kind])).toEqual([['leaf1', 'variable'], ['3', 'constant'], ['1', 'constant']]);
  });
});

describe('explain: Example II, the sigmoid neuron, gate by gate', () => {
  // w = (2, −3, −3), x = (−1, −2): s = w0x0 + w1x1 + w2 = 1, f = 1/(1 + e^−s).
  const e1 = Math.exp(-1);
  const d = 1 + e1;
  const f = 1 / d;
  const dsig = f * (1 - f);

  const ledger = (() => {
    const [w0, x0, w1, x1, w2] = [2, -1, -3, -2, -3].map(s);
    const s3 = w0.mul(x0).add(w1.mul(x1)).add(w2);
    const u = s3.mul(-1);
    const e = u.exp();
    const den = e.add(1);
    const out = tensor(1, { dtype: 'float64' }).div(den);
    return explain(out, { names: { w0, x0, w1, x1, w2, s3, u, e, d: den, f: out } });
  })();

  it('the 1/x gate: upstream 1, local −1/d², downstream −0.53 (the one number the notes print)', () => {
    expect(edge(ledger, 'f', 'd').formula).toBe('−1/d²');
    expectAllClose(edge(ledger, 'f', 'd').local!.data, [-1 / (d * d)], { atol: 1e-15 });
    expectAllClose(node(ledger, 'd').upstream!.data, [-1 / (d * d)], { atol: 1e-15 });
    expect(node(ledger, 'd').upstream!.data[0]).toBeCloseTo(-0.53, 2);
  });

  it('the +1 gate passes it on, the exp gate multiplies by e^u, the ·(−1) gate flips it', () => {
    expectAllClose(edge(ledger, 'd', 'e').local!.data, [1], { atol: 0 });
    expectAllClose(edge(ledger, 'e', 'u').local!.data, [e1], { atol: 1e-15 });
    expectAllClose(node(ledger, 'u').upstream!.data, [-e1 / (d * d)], { atol: 1e-15 });
    expectAllClose(edge(ledger, 'u', 's3').local!.data, [-1], { atol: 0 });
    expectAllClose(node(ledger, 's3').upstream!.data, [dsig], { atol: 1e-15 });
  });

  it('the mul gates switch: ∂f/∂w0 = σ′·x0, ∂f/∂x0 = σ′·w0, …', () => {
    expectAllClose(['w0', 'x0', 'w1', 'x1', 'w2'].map((n) => gradOf(ledger, n)[0]), [-dsig, 2 * dsig, -2 * dsig, -3 * dsig, dsig], { atol: 1e-15 });
  });
});

describe('explain: the copy gate, shapes and names', () => {
  it('marks a tensor used twice as shared and adds its contributions', () => {
    const a = s(1.5);
    const y = a.mul(a).add(a);   // ∂y/∂a = 2a + 1 = 4
    const ledger = explain(y, { names: { a, y } });
    const sq = ledger.nodes[0];
    expect(sq.inputs.map((e) => [e.name, e.shared, e.downstream!.data[0]])).toEqual([['a', true, 1.5], ['a', true, 1.5]]);
    expect(edge(ledger, 'y', 'a').shared).toBe(true);
    expect(gradOf(ledger, 'a')).toEqual([4]);
  });

  it('elementwise local gradients are per element; a matrix product is a Jacobian given by its rule', () => {
    const x = tensor([[1, 2]], { dtype: 'float64' });
    const layer = new nn.Linear(2, 3, { dtype: 'float64' });
    const h = layer.forward(x).tanh();
    const L = h.sum();
    const ledger = explain(L, { names: [['x', x], ...layer.namedParameters(), ['h', h]] });
    const tanh = node(ledger, 'h');
    expect(tanh.localKind).toBe('elementwise');
    expectAllClose(tanh.inputs[0].local!.data, Array.from(h.data).map((v) => 1 - v * v), { atol: 1e-15 });
    const mm = ledger.nodes.find((n) => n.op === 'matmul')!;
    expect(mm.localKind).toBe('jacobian');
    expect(mm.inputs.map((e) => e.name)).toEqual(['x', 'weight']);
    expect(mm.inputs[1].local).toBeNull();
    expect(mm.inputs[0].downstream).toBeNull();            // x does not require grad
    expect(mm.rule).toContain('∂(AB)');
    expect(ledger.leaves.map((l) => l.name)).toEqual(['x', 'weight', 'bias']);
  });

  it('hides reshapes by default, their values standing for their inputs, and shows them when asked', () => {
    const X = tensor([[[1, 0, 1, 0]]], { dtype: 'float64' });
    const K = tensor([[[1, -1]]], leaf);
    const a = conv1d(X, K);
    const L = a.relu().sum();
    const hidden = explain(L, { names: { X, K, a } });
    expect(hidden.nodes.map((n) => n.op)).toEqual(['conv2d', 'relu', 'sum']);
    expect(hidden.nodes[0].expression).toBe('a = X ⋆ K');   // the user's names, through the reshapes
    expect(hidden.leaves.map((l) => l.name)).toEqual(['X', 'K']);
    const shown = explain(L, { names: { X, K, a }, showReshapes: true });
    expect(shown.nodes.map((n) => n.op)).toEqual(['reshape', 'conv2d', 'reshape', 'relu', 'sum']);
    expect(gradOf(shown, 'K')).toEqual(gradOf(hidden, 'K'));
  });

  it('takes names as an object, a Map or pairs, and element names nested or flat', () => {
    const w = tensor([[1, 2], [3, 4]], leaf);
    const L = w.sum();
    expect(explain(L, { names: new Map([['W', w]]) }).leaves[0].name).toBe('W');
    const scalar = explain(L, { expand: 'scalar', elementNames: new Map([[w, [['a', 'b'], ['c', 'd']]]]) });
    expect(scalar.leaves.map((l) => l.name)).toEqual(['a', 'b', 'c', 'd']);
    const flat = explain(L, { expand: 'scalar', names: { W: w } });
    expect(flat.leaves.map((l) => [l.name, l.element])).toEqual([
      ['W[0,0]', { of: 'W', index: [0, 0] }], ['W[0,1]', { of: 'W', index: [0, 1] }],
      ['W[1,0]', { of: 'W', index: [1, 0] }], ['W[1,1]', { of: 'W', index: [1, 1] }],
    ]);
  });
});

describe('explain: the SGD step', () => {
  it('computes w ← w − η·∂L/∂w for the parameters without changing them', () => {
    const w = tensor([0.5, -1], leaf);
    const b = s(0.25);
    const L = w.square().sum().add(b.mul(3));
    const ledger = explain(L, { names: { w, b, L }, lr: 0.1 });
    expect(ledger.update!.lr).toBe(0.1);
    expect(ledger.update!.rows.map((r) => [r.name, r.old.data, r.grad.data])).toEqual([['w', [0.5, -1], [1, -2]], ['b', [0.25], [3]]]);
    expectAllClose(ledger.update!.rows[0].new.data, [0.5 - 0.1 * 1, -1 + 0.1 * 2], { atol: 1e-15 });
    expectAllClose(ledger.update!.rows[1].new.data, [0.25 - 0.3], { atol: 1e-15 });
    expect(Array.from(w.data)).toEqual([0.5, -1]);
    expect(explain(L, { lr: 0.1, params: [b] }).update!.rows.map((r) => r.name)).toEqual(['leaf2']);
    expect(explain(L).update).toBeNull();
  });
});

describe('explain: errors', () => {
  it('names what is wrong before doing anything', () => {
    const x = tensor([1, 2], leaf);
    expect(() => explain(x.mul(2))).toThrow(/single number.*shape \[2\]/);
    expect(() => explain(tensor(3, { dtype: 'float64' }))).toThrow(/does not require grad/);
    expect(() => explain('loss' as unknown as Tensor)).toThrow(/must be a Tensor/);
    const L = x.sum();
    expect(() => explain(L, { expand: 'neuron' as 'scalar' })).toThrow(/expand must be 'tensor' or 'scalar'/);
    expect(() => explain(L, { lr: -1 })).toThrow(/lr must be/);
    expect(() => explain(L, { limit: 0 })).toThrow(/limit must be a positive integer/);
    expect(() => explain(L, { names: { x: 3 as unknown as Tensor } })).toThrow(/names\['x'\] must be a Tensor/);
    expect(() => explain(L, { elementNames: new Map([[x, ['a']]]) })).toThrow(/1 names for a tensor of 2 elements/);
    expect(() => explain(L, { lr: 0.1, params: [tensor([1], leaf)] })).toThrow(/params\[0\] is not a leaf of this graph/);
  });

  it('refuses a graph that backward() has freed, and says how to keep it', () => {
    const x = s(2);
    const L = x.mul(x);
    L.backward();
    expect(() => explain(L)).toThrow(/freed by a backward\(\) call.*retainGraph/);
  });
});
