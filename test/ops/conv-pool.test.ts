import { describe, expect, it } from 'vitest';
import {
  Generator, avgPool1d, avgPool2d, conv1d, conv2d, describeGradcheck, grad, gradgradcheck, maxPool1d, maxPool2d, noGrad, randn,
  tensor, type Tensor,
} from '../../src/index.js';
import { expectAllClose } from '../helpers/close.js';
import { TOLERANCE } from '../helpers/spec-inputs.js';

const gen = new Generator(4242);
const f64 = (...shape: number[]): Tensor => randn(shape, { dtype: 'float64', generator: gen });

// Finite differences cannot see these conventions, so they are pinned exactly (as PyTorch).
describe('max pooling at ties', () => {
  it('the first maximum of a window (row-major) takes the whole gradient', () => {
    const x = tensor([[[[1, 3], [3, 3]]]], { requiresGrad: true });
    const y = maxPool2d(x, 2);
    expect(y.toArray()).toEqual([[[[3]]]]);
    y.backward(tensor([[[[5]]]]));
    expect(x.grad?.toArray()).toEqual([[[[0, 5], [0, 0]]]]);
  });

  it('overlapping windows that share a maximum add their gradients there', () => {
    const x = tensor([[[0, 4, 1, 2]]], { requiresGrad: true });
    const y = maxPool1d(x, 2, { stride: 1 });
    expect(y.toArray()).toEqual([[[4, 4, 2]]]);
    y.backward(tensor([[[1, 10, 100]]]));
    expect(x.grad?.toArray()).toEqual([[[0, 11, 0, 100]]]);
  });

  it('padding is −∞: an all-negative window ignores it', () => {
    const y = maxPool1d(tensor([[[-3, -1, -2]]]), 3, { stride: 1, padding: 1 });
    expect(y.toArray()).toEqual([[[-1, -1, -1]]]);
  });

  it('NaN propagates, as PyTorch', () => {
    const y = maxPool1d(tensor([[[1, NaN, 3, 0]]]), 2);
    expect(Number.isNaN(y.data[0])).toBe(true);
    expect(y.data[1]).toBe(3);
  });

  it('the values are the same with and without a graph', () => {
    const x = f64(2, 3, 7, 6);
    const withGraph = maxPool2d(x.detach().requiresGrad_(), 3, { stride: 2, padding: 1, dilation: [1, 2] });
    const without = noGrad(() => maxPool2d(x.detach().requiresGrad_(), 3, { stride: 2, padding: 1, dilation: [1, 2] }));
    expect(withGraph.gradFn?.op.name).toBe('maxPool2d');
    expect(without.gradFn).toBeNull();
    expect(Array.from(withGraph.data)).toEqual(Array.from(without.data));
  });
});

describe('average pooling divisors', () => {
  const x = tensor([[[1, 2, 3, 4, 5]]]);
  it('countIncludePad counts the zeros of the padding (PyTorch default)', () => {
    expect(avgPool1d(x, 3, { stride: 2, padding: 1 }).toArray()).toEqual([[[1, 3, 3]]]);
  });

  it('countIncludePad false divides by the positions inside the input', () => {
    expect(avgPool1d(x, 3, { stride: 2, padding: 1, countIncludePad: false }).toArray()).toEqual([[[1.5, 3, 4.5]]]);
  });

  it('ceilMode keeps a last partial window, clipped at the padded end', () => {
    // Windows start at 0, 2, 4; the last covers 4..5, where position 5 is beyond input and padding.
    expect(avgPool1d(x, 2, { ceilMode: true }).toArray()).toEqual([[[1.5, 3.5, 5]]]);
    expect(maxPool1d(x, 2, { ceilMode: true }).toArray()).toEqual([[[2, 4, 5]]]);
  });
});

describe('layouts', () => {
  it('unbatched input gives the batched result without the batch dimension', () => {
    const x = f64(3, 6, 5);
    const w = f64(4, 3, 3, 2);
    expectAllClose(conv2d(x, w, null, { padding: 1 }), conv2d(x.unsqueeze(0), w, null, { padding: 1 }).squeeze(0), { atol: 0 });
    expectAllClose(maxPool2d(x, 2), maxPool2d(x.unsqueeze(0), 2).squeeze(0), { atol: 0 });
    expectAllClose(avgPool1d(x.flatten(1), 3), avgPool1d(x.flatten(1).unsqueeze(0), 3).squeeze(0), { atol: 0 });
  });

  it('conv1d is conv2d with a height of 1', () => {
    const x = f64(2, 3, 9);
    const w = f64(4, 3, 3);
    const opts = { stride: 2, padding: 2, dilation: 2 };
    expectAllClose(conv1d(x, w, null, opts).unsqueeze(2), conv2d(x.unsqueeze(2), w.unsqueeze(2), null, { stride: [1, 2], padding: [0, 2], dilation: [1, 2] }), { atol: 0 });
  });

  it("'same' keeps the size, with the odd padding of an even kernel after the input", () => {
    const x = tensor([[[1, 2, 3, 4]]]);
    // Total padding 1 for k = 2: none before, one after, so y[i] = x[i] + 10·x[i+1].
    expect(conv1d(x, tensor([[[1, 10]]]), null, { padding: 'same' }).toArray()).toEqual([[[21, 32, 43, 4]]]);
    expect(conv2d(f64(1, 2, 5, 6), f64(3, 2, 4, 3), null, { padding: 'same', dilation: [1, 2] }).shape).toEqual([1, 3, 5, 6]);
  });
});

describe('second derivatives through convolution and pooling', () => {
  const check = (f: (...xs: Tensor[]) => Tensor, inputs: Tensor[]): void => {
    const report = gradgradcheck(f, inputs, { ...TOLERANCE, seed: 7 });
    expect(report.ok, describeGradcheck(report, inputs)).toBe(true);
  };

  it('a small CNN: conv → tanh → average pool → strided grouped conv → sigmoid', () => {
    check(
      (x, w1, b1, w2) => conv2d(avgPool2d(conv2d(x, w1, b1, { padding: 'same' }).tanh(), 2, { stride: 1 }), w2, null, { stride: 2, groups: 2 }).sigmoid(),
      [f64(2, 2, 6, 5), f64(4, 2, 3, 2), f64(4), f64(2, 2, 2, 2)],
    );
  });

  it('conv1d → max pool → square, off the ties', () => {
    check((x, w) => maxPool1d(conv1d(x, w, null, { dilation: 2 }), 2).square(), [f64(2, 2, 9), f64(3, 2, 2)]);
  });

  it('∂²/∂w² of Σ conv(x, w)² is 2·Σ over windows of the input patches’ outer product', () => {
    // f(w) = Σ_p (x_p · w)², so ∂²f/∂wᵢ∂wⱼ = 2 Σ_p x_p[i] x_p[j]; the row sums are what
    // grad(v ↦ Σ grad(f)(v)) returns.
    const x = f64(1, 1, 6);
    const w = f64(1, 1, 3);
    const hessianRows = grad((v: Tensor) => grad((u: Tensor) => conv1d(x, u).square().sum())(v).sum())(w);
    const xs = Array.from(x.data);
    const expected = [0, 1, 2].map((i) => [0, 1, 2, 3].reduce((s, p) => s + 2 * xs[p + i] * (xs[p] + xs[p + 1] + xs[p + 2]), 0));
    expectAllClose(hessianRows as Tensor, [[expected]], { atol: 1e-12, rtol: 1e-12 });
  });
});
