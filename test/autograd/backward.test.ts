// tensor.backward() semantics, PyTorch's: .grad accumulates, non-scalar outputs need a
// gradient, the graph is freed unless retainGraph, createGraph records the backward pass, and
// retainGrad/detach/noGrad/isLeaf/gradFn behave as users of PyTorch expect.
import { describe, expect, it } from 'vitest';
import { enableGrad, isGradEnabled, noGrad, ones, tensor, type Tensor } from '../../src/index.js';
import { expectAllClose } from '../helpers/close.js';

const f64 = { dtype: 'float64', requiresGrad: true } as const;

describe('.grad accumulation', () => {
  it('adds the gradients of successive backward calls on fresh graphs', () => {
    const x = tensor([1, -2, 3], f64);
    // d/dx Σ x² = 2x; twice gives 4x.
    x.mul(x).sum().backward();
    expectAllClose(x.grad!, [2, -4, 6]);
    x.mul(x).sum().backward();
    expectAllClose(x.grad!, [4, -8, 12]);
  });

  it('starts again from zero once the user clears .grad', () => {
    const x = tensor([1, 2], f64);
    x.mul(3).sum().backward();
    x.grad = null;
    x.mul(5).sum().backward();
    expectAllClose(x.grad!, [5, 5]);
  });

  it('gives every leaf a gradient of its own shape and dtype, also when broadcast', () => {
    const w = tensor([[1, 2, 3], [4, 5, 6]], f64);
    const b = tensor([10, 20, 30], f64);
    const s = tensor(2, f64);
    // y = (w + b)·s summed: ∂/∂w = s everywhere, ∂/∂b = 2 rows × s, ∂/∂s = Σ(w + b).
    w.add(b).mul(s).sum().backward();
    expect(w.grad!.shape).toEqual([2, 3]);
    expect(b.grad!.shape).toEqual([3]);
    expect(s.grad!.shape).toEqual([]);
    expect(b.grad!.dtype).toBe('float64');
    expectAllClose(w.grad!, [[2, 2, 2], [2, 2, 2]]);
    expectAllClose(b.grad!, [4, 4, 4]);
    expectAllClose(s.grad!, [21 + 120]);
  });

  it('leaves .grad of tensors that do not require grad null', () => {
    const x = tensor([1, 2], f64);
    const c = tensor([3, 4], { dtype: 'float64' });
    x.mul(c).sum().backward();
    expect(c.grad).toBeNull();
    expectAllClose(x.grad!, [3, 4]);
  });
});

describe('backward(gradient) for non-scalar outputs', () => {
  it('computes the vector–Jacobian product vᵀ·∂y/∂x', () => {
    const x = tensor([1, 2, 3], f64);
    const y = x.mul(x);                   // ∂yᵢ/∂xᵢ = 2xᵢ, so vᵀJ = 2x·v
    y.backward(tensor([1, 0.5, -1], { dtype: 'float64' }));
    expectAllClose(x.grad!, [2, 2, -6]);
  });

  it('accepts a gradient of another float dtype and converts it', () => {
    const x = tensor([[1, 2], [3, 4]], f64);
    x.mul(2).backward(ones([2, 2]));       // float32 ones for a float64 output
    expect(x.grad!.dtype).toBe('float64');
    expectAllClose(x.grad!, [[2, 2], [2, 2]]);
  });

  it('on a scalar, an explicit gradient scales the result', () => {
    const x = tensor([1, 2], f64);
    x.sum().backward(tensor(3, { dtype: 'float64' }));
    expectAllClose(x.grad!, [3, 3]);
  });
});

describe('retainGraph', () => {
  it('a second backward through a freed graph throws, naming the op and the fix', () => {
    const x = tensor([1, 2], f64);
    const y = x.exp().sum();
    y.backward();
    expect(() => y.backward()).toThrow(/freed by an earlier backward\(\).*retainGraph: true/);
  });

  it('with retainGraph the second backward works and accumulates', () => {
    const x = tensor([0.5, -1], f64);
    const y = x.exp().sum();
    y.backward({ retainGraph: true });
    y.backward();
    expectAllClose(x.grad!, [2 * Math.exp(0.5), 2 * Math.exp(-1)], { atol: 1e-15, rtol: 1e-14 });
    // The second call did not retain, so a third fails.
    expect(() => y.backward()).toThrow(/retainGraph/);
  });

  it('also works with options after an explicit gradient', () => {
    const x = tensor([1, 2], f64);
    const y = x.mul(3);
    const g = tensor([1, 1], { dtype: 'float64' });
    y.backward(g, { retainGraph: true });
    y.backward(g);
    expectAllClose(x.grad!, [6, 6]);
  });
});

describe('createGraph: gradients that are differentiable', () => {
  it('backward again through x.grad gives the second derivative', () => {
    const x = tensor([1, 2, -0.5], f64);
    x.pow(3).sum().backward({ createGraph: true });
    const g = x.grad!;                     // 3x², recorded
    expectAllClose(g, [3, 12, 0.75]);
    expect(g.requiresGrad).toBe(true);
    expect(g.gradFn).not.toBeNull();
    x.grad = null;
    g.sum().backward();                    // d/dx Σ 3x² = 6x
    expectAllClose(x.grad!, [6, 12, -3]);
  });

  it('without createGraph the gradient carries no history', () => {
    const x = tensor([1, 2], f64);
    x.pow(3).sum().backward();
    expect(x.grad!.requiresGrad).toBe(false);
    expect(x.grad!.gradFn).toBeNull();
  });
});

describe('leaves, gradFn, retainGrad, detach', () => {
  it('a user tensor is a leaf without gradFn; an op result on it is neither', () => {
    const x = tensor([1, 2], f64);
    expect(x.isLeaf).toBe(true);
    expect(x.gradFn).toBeNull();
    const y = x.mul(2).add(1);
    expect(y.isLeaf).toBe(false);
    expect(y.requiresGrad).toBe(true);
    expect(y.gradFn!.op.name).toBe('add');
    expect(y.gradFn!.inputs[0].gradFn!.op.name).toBe('mul');
  });

  it('results of ops on tensors that do not require grad are leaves with no history', () => {
    const y = tensor([1, 2]).mul(2);
    expect(y.requiresGrad).toBe(false);
    expect(y.isLeaf).toBe(true);
    expect(y.gradFn).toBeNull();
  });

  it('retainGrad keeps .grad on a non-leaf; without it a non-leaf gets none', () => {
    const x = tensor([1, 2], f64);
    const h = x.mul(x).retainGrad();
    const k = h.mul(3);
    k.sum().backward();
    expectAllClose(h.grad!, [3, 3]);
    expect(k.grad).toBeNull();
    expectAllClose(x.grad!, [6, 12]);
  });

  it('retainGrad on a tensor that does not require grad is refused', () => {
    expect(() => tensor([1]).retainGrad()).toThrow(/retainGrad: .*does not require grad/);
  });

  it('detach shares the data but cuts the history: no gradient flows through it', () => {
    const x = tensor([2, 3], f64);
    const d = x.detach();
    expect(d.data).toBe(x.data);
    expect(d.requiresGrad).toBe(false);
    expect(d.isLeaf).toBe(true);
    // y = x·stop(x): ∂y/∂x = stop(x) = x, not 2x.
    x.mul(d).sum().backward();
    expectAllClose(x.grad!, [2, 3]);
    expect(d.grad).toBeNull();
  });

  it('requiresGrad cannot be switched off on a non-leaf', () => {
    const y = tensor([1], f64).mul(2);
    expect(() => { y.requiresGrad = false; }).toThrow(/non-leaf.*detach/);
  });
});

describe('noGrad', () => {
  it('records no graph and its results do not require grad', () => {
    const x = tensor([1, 2], f64);
    const y = noGrad(() => x.mul(2).exp());
    expect(y.requiresGrad).toBe(false);
    expect(y.gradFn).toBeNull();
    expect(isGradEnabled()).toBe(true);
  });

  it('restores recording after the function throws', () => {
    expect(() => noGrad(() => { throw new Error('boom'); })).toThrow('boom');
    expect(isGradEnabled()).toBe(true);
    const y = tensor([1], f64).mul(2);
    expect(y.requiresGrad).toBe(true);
  });

  it('nests with enableGrad, restoring each mode on exit', () => {
    const x = tensor([1, 2], f64);
    noGrad(() => {
      expect(isGradEnabled()).toBe(false);
      const inner = enableGrad(() => x.mul(2));
      expect(inner.requiresGrad).toBe(true);
      expect(isGradEnabled()).toBe(false);
      expect(x.mul(2).requiresGrad).toBe(false);
    });
    expect(isGradEnabled()).toBe(true);
  });

  it('returns the value of the function', () => {
    expect(noGrad(() => 42)).toBe(42);
  });
});

describe('deep graphs', () => {
  it('backpropagates through 100 000 chained ops without overflowing the stack', () => {
    const x = tensor(0.5, f64);
    let y: Tensor = x;
    // Each step y ← y·1 + 0.001 is two ops and keeps ∂y/∂x = 1: a chain 100 000 nodes deep,
    // far beyond what a recursive graph walk survives.
    for (let i = 0; i < 50_000; i++) y = y.mul(1).add(0.001);
    expect(y.item()).toBeCloseTo(0.5 + 50, 6);
    y.backward();
    expect(x.grad!.item()).toBe(1);
  });
});
