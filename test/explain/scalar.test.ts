// The scalar view (expand: 'scalar') replays a graph one number per element; its output and the
// gradients of its scalar leaves, put back together per tensor, must equal the tensor view's.
import { describe, expect, it } from 'vitest';
import { concat, conv2d, explain, manualSeed, randn, tensor, where, type Ledger, type Tensor } from '../../src/index.js';
import { EXAMPLES } from '../../src/explain/examples/catalog.js';
import { expectAllClose } from '../helpers/close.js';

const close = { atol: 1e-12, rtol: 1e-10 };

/** The gradients of the scalar view's leaves, gathered into one flat array per tensor of the tensor view. */
function gathered(scalar: Ledger, tensorView: Ledger): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const leaf of tensorView.leaves) if (leaf.grad !== null) out.set(leaf.name, new Array<number>(leaf.grad.data.length).fill(NaN));
  for (const leaf of scalar.leaves) {
    if (leaf.grad === null || leaf.element === null) continue;
    const shape = tensorView.leaves.find((l) => l.name === leaf.element!.of)!.value.shape;
    let at = 0;
    leaf.element.index.forEach((v, d) => { at = at * shape[d] + v; });
    out.get(leaf.element.of)![at] = leaf.grad.data[0];
  }
  return out;
}

function expectSameTotals(loss: Tensor, options: Parameters<typeof explain>[1] = {}): { scalar: Ledger; tensorView: Ledger } {
  const tensorView = explain(loss, { ...options, expand: 'tensor' });
  const scalar = explain(loss, { ...options, expand: 'scalar' });
  expect(scalar.view).toBe('scalar');
  expect(scalar.nodes.every((n) => n.value.shape.length === 0)).toBe(true);
  expectAllClose([scalar.value], [tensorView.value], close);
  const grads = gathered(scalar, tensorView);
  expect(grads.size).toBeGreaterThan(0);
  for (const leaf of tensorView.leaves) {
    if (leaf.grad !== null) expectAllClose(grads.get(leaf.name)!, leaf.grad.data, close);
  }
  return { scalar, tensorView };
}

describe('expand: scalar', () => {
  for (const spec of EXAMPLES) {
    it(`gives the tensor view's output and gradients for the example '${spec.name}'`, () => {
      const built = spec.build();
      expectSameTotals(built.loss, { ...built.explain });
    });
  }

  it('a linear layer, a logSoftmax and a gather of labels (cross-entropy)', () => {
    manualSeed(1);
    const x = randn([2, 3], { dtype: 'float64' });
    const W = randn([4, 3], { dtype: 'float64', requiresGrad: true });
    const b = randn([4], { dtype: 'float64', requiresGrad: true });
    const logits = x.matmul(W.T).add(b).tanh();
    const labels = tensor([[1], [3]], { dtype: 'int32' });
    const loss = logits.logSoftmax(1).gather(1, labels).mean().neg();
    const { scalar } = expectSameTotals(loss, { names: { x, W, b } });
    expect(scalar.nodes.some((n) => n.op === 'exp')).toBe(true);
  });

  it('batched products, transposes, slices, concatenation, broadcasting and where', () => {
    manualSeed(2);
    const a = randn([2, 3, 4], { dtype: 'float64', requiresGrad: true });
    const m = randn([4, 2], { dtype: 'float64', requiresGrad: true });
    const c = randn([1, 2], { dtype: 'float64', requiresGrad: true });
    const p = a.matmul(m).permute(0, 2, 1);                    // [2, 2, 3]
    const q = concat([p.slice(2, 0, 2), p.slice(2, 1, 3).mul(c.reshape(1, 2, 1))], 2);
    const r = where(q.gt(0), q.pow(2), q.exp().sub(1)).div(c.square().add(1).unsqueeze(2)).maximum(p.slice(2, 0, 1).expand(2, 2, 4).mul(0.5));
    expectSameTotals(r.sum(), { names: { a, m, c } });
  });

  it('a strided, padded, dilated, grouped 2-D convolution with a bias', () => {
    manualSeed(3);
    const x = randn([2, 2, 5, 6], { dtype: 'float64', requiresGrad: true });
    const w = randn([4, 1, 3, 2], { dtype: 'float64', requiresGrad: true });
    const b = randn([4], { dtype: 'float64', requiresGrad: true });
    const y = conv2d(x, w, b, { stride: [2, 1], padding: 1, dilation: [1, 2], groups: 2 });
    expectSameTotals(y.sigmoid().mean(), { names: { x, w, b }, limit: 5000 });
  });

  it('a softmax of large values, shifted by their maximum so that exp does not overflow', () => {
    const x = tensor([[300, 310, 305]], { dtype: 'float64', requiresGrad: true });
    const y = x.softmax(1).mul(tensor([1, 2, 3], { dtype: 'float64' })).sum();
    const { scalar } = expectSameTotals(y, { names: { x } });
    expect(Number.isFinite(scalar.value)).toBe(true);
  });

  it('maps params to scalar leaves for the SGD step', () => {
    const w = tensor([[0.5, -1]], { dtype: 'float64', requiresGrad: true });
    const v = tensor([2, 3], { dtype: 'float64', requiresGrad: true });
    const L = w.mul(v).sum().square();
    const tensorView = explain(L, { names: { w, v }, lr: 0.1, params: [w] });
    const scalar = explain(L, { names: { w, v }, lr: 0.1, params: [w], expand: 'scalar', elementNames: new Map([[w, ['w1', 'w2']]]) });
    expect(scalar.update!.rows.map((r) => r.name)).toEqual(['w1', 'w2']);
    expectAllClose(scalar.update!.rows.flatMap((r) => r.new.data), tensorView.update!.rows[0].new.data, close);
  });

  it('refuses a graph larger than the limit before building anything, naming the largest part', () => {
    manualSeed(4);
    const x = randn([8, 64], { dtype: 'float64' });
    const W = randn([64, 64], { dtype: 'float64', requiresGrad: true });
    const L = x.matmul(W).sum();
    expect(() => explain(L, { expand: 'scalar' })).toThrow(/about \d+ scalar nodes and leaves, more than the limit of 2000 \(the largest part: 'matmul' with output shape \[8, 64\]/);
    expect(() => explain(L, { expand: 'scalar', limit: 10 })).toThrow(/limit of 10/);
  });

  it('says which op has no scalar form', () => {
    const x = tensor([1, 5, 2], { dtype: 'float64', requiresGrad: true });
    expect(() => explain(x.max(), { expand: 'scalar' })).toThrow(/no scalar form for the op 'max'.*tensor view/);
    expect(explain(x.max()).nodes[0].op).toBe('max');
  });
});
