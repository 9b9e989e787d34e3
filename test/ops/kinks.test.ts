import { describe, expect, it } from 'vitest';
import { clamp, max, maximum, min, minimum, tensor, where, type Tensor } from '../../src/index.js';

// Finite differences straddle a kink and see the average slope, so the conventions chosen at
// kinks (PyTorch's) are pinned here with exact values instead.

const f64 = (v: number | number[] | number[][]): Tensor => tensor(v, { dtype: 'float64', requiresGrad: true });

/** The gradient of Σ f(x) with respect to each input, by backward(). */
function gradsOf(f: (...xs: Tensor[]) => Tensor, ...xs: Tensor[]): unknown[] {
  f(...xs).sum().backward();
  return xs.map((x) => (x.grad === null ? null : x.grad.toArray()));
}

describe('elementwise kinks', () => {
  it("relu'(0) = 0", () => {
    expect(gradsOf((x) => x.relu(), f64([-1, 0, 2]))).toEqual([[0, 0, 1]]);
  });

  it("abs'(0) = 0, and ±1 either side", () => {
    expect(gradsOf((x) => x.abs(), f64([-3, 0, 0.5]))).toEqual([[-1, 0, 1]]);
  });

  it("leakyRelu'(0) is the negative slope", () => {
    expect(gradsOf((x) => x.leakyRelu(0.2), f64([-1, 0, 1]))).toEqual([[0.2, 0.2, 1]]);
    expect(gradsOf((x) => x.leakyRelu(), f64([0]))).toEqual([[0.01]]);
  });

  it('sign has a zero gradient everywhere, 0 included (a tensor of zeros, not null)', () => {
    expect(gradsOf((x) => x.sign().mul(x), f64([-2, 0, 3]))).toEqual([[-1, 0, 1]]);
    expect(gradsOf((x) => x.sign(), f64([-2, 0, 3]))).toEqual([[0, 0, 0]]);
  });
});

describe('maximum and minimum split ties evenly', () => {
  it('maximum: the larger input takes the gradient, a tie gives ½ to each', () => {
    expect(gradsOf(maximum, f64([1, 2, 3]), f64([2, 2, 1]))).toEqual([[0, 0.5, 1], [1, 0.5, 0]]);
  });

  it('minimum: the smaller input takes the gradient, a tie gives ½ to each', () => {
    expect(gradsOf(minimum, f64([1, 2, 3]), f64([2, 2, 1]))).toEqual([[1, 0.5, 0], [0, 0.5, 1]]);
  });

  it('a broadcast scalar collects its halves from every tie', () => {
    // a = 1 against b = [1, 1, 0]: two ties (½ each) and one win for a.
    expect(gradsOf(maximum, f64(1), f64([1, 1, 0]))).toEqual([2, [0.5, 0.5, 0]]);
    expect(gradsOf(minimum, f64(1), f64([1, 1, 2]))).toEqual([2, [0.5, 0.5, 0]]);
  });

  it('maximum of a tensor with itself passes the whole gradient (two halves)', () => {
    expect(gradsOf((x) => maximum(x, x), f64([-1, 4]))).toEqual([[1, 1]]);
  });
});

describe('max and min reductions share the gradient among ties', () => {
  it('over everything', () => {
    expect(gradsOf((x) => max(x), f64([1, 3, 3, 2]))).toEqual([[0, 0.5, 0.5, 0]]);
    expect(gradsOf((x) => min(x), f64([[1, 3], [1, 1]]))).toEqual([[[1 / 3, 0], [1 / 3, 1 / 3]]]);
  });

  it('along a dimension, each row on its own, with and without keepdim', () => {
    const rows = [[1, 3, 3], [2, 2, 2], [5, 0, 1]];
    const expected = [[0, 0.5, 0.5], [1 / 3, 1 / 3, 1 / 3], [1, 0, 0]];
    expect(gradsOf((x) => x.max(1), f64(rows))).toEqual([expected]);
    expect(gradsOf((x) => x.max(-1, true), f64(rows))).toEqual([expected]);
    expect(gradsOf((x) => x.min(1), f64(rows))).toEqual([[[1, 0, 0], [1 / 3, 1 / 3, 1 / 3], [0, 1, 0]]]);
  });

  it('along the first dimension, per column', () => {
    expect(gradsOf((x) => x.max(0), f64([[4, 1], [4, 2]]))).toEqual([[[0.5, 0], [0.5, 1]]]);
  });

  it('weights the shares by the upstream gradient of each output', () => {
    const x = f64([[7, 7], [0, 1]]);
    x.max(1).backward(tensor([10, 3], { dtype: 'float64' }));
    expect(x.grad?.toArray()).toEqual([[5, 5], [0, 3]]);
  });
});

describe('clamp', () => {
  it('passes the gradient at the bounds (inclusive) and 0 outside', () => {
    expect(gradsOf((x) => clamp(x, -0.5, 0.5), f64([-1, -0.5, 0, 0.5, 1]))).toEqual([[0, 1, 1, 1, 0]]);
  });

  it('one-sided: only the given bound cuts', () => {
    expect(gradsOf((x) => x.clamp(0), f64([-1, 0, 5]))).toEqual([[0, 1, 1]]);
    expect(gradsOf((x) => clamp(x, null, 0), f64([-5, 0, 1]))).toEqual([[1, 1, 0]]);
  });

  it('min = max: the gradient passes only where x sits on the bound', () => {
    expect(gradsOf((x) => clamp(x, 1, 1), f64([0, 1, 2]))).toEqual([[0, 1, 0]]);
  });
});

describe('where routes the gradient to the chosen branch only', () => {
  it('elementwise, and the condition gets none', () => {
    const c = f64([1, -1, 2]);
    const [ga, gb] = gradsOf((a, b) => where(c.gt(0), a, b), f64([1, 2, 3]), f64([4, 5, 6]));
    expect([ga, gb]).toEqual([[1, 0, 1], [0, 1, 0]]);
    expect(c.grad).toBeNull();
  });

  it('a broadcast branch adds up the places it was chosen', () => {
    const mask = tensor([[1, 0], [1, 1]], { dtype: 'int32' });
    expect(gradsOf((a, b) => where(mask, a, b), f64(2), f64([[1, 2], [3, 4]]))).toEqual([3, [[0, 1], [0, 0]]]);
  });

  it('the same tensor on both branches gets the whole gradient', () => {
    expect(gradsOf((x) => where(x.gt(0), x, x), f64([-1, 2]))).toEqual([[1, 1]]);
  });
});
