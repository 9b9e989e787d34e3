// explain() looks and does not touch: the user's .grad values, parameters and graph are as they
// were, and a backward() afterwards gives the gradients the ledger showed.
import { describe, expect, it } from 'vitest';
import { explain, nn, noGrad, tensor, type Tensor } from '../../src/index.js';
import { expectAllClose } from '../helpers/close.js';

function snapshot(ts: readonly Tensor[]): { data: number[]; grad: Tensor | null; gradData: number[] | null }[] {
  return ts.map((t) => ({ data: Array.from(t.data), grad: t.grad, gradData: t.grad === null ? null : Array.from(t.grad.data) }));
}

describe('explain leaves the user\'s tensors alone', () => {
  const build = () => {
    const layer = new nn.Linear(3, 2, { dtype: 'float64' });
    const x = tensor([[0.5, -1, 2]], { dtype: 'float64', requiresGrad: true });
    const h = layer.forward(x).retainGrad();
    const L = h.sigmoid().sum();
    return { layer, x, h, L, params: [x, layer.weight, layer.bias!] };
  };

  for (const expand of ['tensor', 'scalar'] as const) {
    it(`(${expand} view) keeps .grad, data and the graph; backward afterwards agrees with the ledger`, () => {
      const { x, h, L, params } = build();
      // Gradients already there from an earlier pass must stay as they are, object and values.
      L.backward({ retainGraph: true });
      const before = snapshot([...params, h]);
      const ledger = explain(L, { expand, lr: 0.5 });
      const after = snapshot([...params, h]);
      after.forEach((a, i) => {
        expect(a.grad).toBe(before[i].grad);
        expect(a.gradData).toEqual(before[i].gradData);
        expect(a.data).toEqual(before[i].data);
      });
      // The graph is still there: a second backward accumulates the same gradients again.
      const first = Array.from(x.grad!.data);
      L.backward();
      expectAllClose(x.grad!, first.map((g) => 2 * g), { atol: 1e-15 });
      if (expand === 'tensor') {
        expectAllClose(ledger.leaves.find((l) => l.name === 'leaf1')!.grad!.data, first, { atol: 1e-15 });
      }
    });
  }

  it('writes no .grad on leaves that had none, nor on intermediates', () => {
    const { L, h, params } = build();
    explain(L);
    explain(L, { expand: 'scalar' });
    for (const p of params) expect(p.grad).toBeNull();
    expect(h.grad).toBeNull();
    L.backward();
    expect(params.every((p) => p.grad !== null)).toBe(true);
  });

  it('works inside noGrad (the scalar replay records its own graph)', () => {
    const { L } = build();
    const tensorView = noGrad(() => explain(L));
    const scalar = noGrad(() => explain(L, { expand: 'scalar' }));
    expectAllClose([scalar.value], [tensorView.value], { atol: 1e-15 });
    expect(scalar.leaves.some((l) => l.grad !== null)).toBe(true);
  });
});
