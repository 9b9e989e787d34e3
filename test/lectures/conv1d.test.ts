import { describe, expect, it } from 'vitest';
import { concat, conv1d, gradcheck, describeGradcheck, tensor, zeros, type DType, type Tensor } from '../../src/index.js';
import { expectAllClose } from '../helpers/close.js';

// Lecture 002, "CNN": the backward pass of a convolutional layer also uses convolutions.
// X = [1 0 1 0 1 0 1 0], label y = 1, kernel K = [1 −1], stride 1, no padding;
// a = X ⋆ K, h = ReLU(a), ŷ = mean(h), L = ½(ŷ − y)².
//
// Worked by hand:
//   a = [1 −1 1 −1 1 −1 1]       (each window is X[i] − X[i+1])
//   h = [1 0 1 0 1 0 1],  ŷ = 4/7,  L = ½(3/7)² = 9/98 ≈ 0.0918 (the slide's 0.09, rounded)
//   ∂L/∂ŷ = ŷ − y = −3/7;  ∂ŷ/∂hᵢ = 1/7;  ∂hᵢ/∂aᵢ = 1 where aᵢ = 1, 0 where aᵢ = −1, so
//   ∂L/∂a = [−3/49 0 −3/49 0 −3/49 0 −3/49]
//   ∂L/∂Kⱼ = Σᵢ X[i + j]·∂L/∂aᵢ   (the slide's ∂L/∂K = X ⋆ ∂L/∂F: a correlation of the input
//                                  with the output gradient)
//   ∂L/∂K₀ = X₀g₀ + X₂g₂ + X₄g₄ + X₆g₆ = 4·(−3/49) = −12/49;  ∂L/∂K₁ = Σ X_odd·gᵢ = 0.
//
// The slide prints ∂L/∂K = [−3/7, 0]. −3/7 is 7·(−3/49) (and is ∂L/∂ŷ itself): seven windows'
// worth of −3/49, as if every window contributed. Only four do: in windows 1, 3 and 5 the ReLU is
// off (a = −1), so ∂L/∂a is 0 there, and the first tap sits on a 0 of X there besides. The true
// value, which PyTorch also gives, is [−12/49, 0] ≈ [−0.244898, 0].

const X = [1, 0, 1, 0, 1, 0, 1, 0];

function lecture(dtype: DType) {
  const x = tensor([[X]], { dtype, requiresGrad: true });          // [N=1, C=1, L=8]
  const k = tensor([[[1, -1]]], { dtype, requiresGrad: true });    // [outC=1, inC=1, k=2]
  const a = conv1d(x, k).retainGrad();
  const yHat = a.relu().mean();
  const loss = yHat.sub(1).square().mul(0.5);
  loss.backward();
  return { x, k, a, yHat, loss };
}

describe('lecture 002: the 1-D convolution example', () => {
  for (const dtype of ['float64', 'float32'] as const) {
    const tol = dtype === 'float64' ? { atol: 1e-15, rtol: 1e-14 } : { atol: 1e-7, rtol: 1e-6 };

    it(`${dtype}: forward values a, ŷ and L`, () => {
      const { a, yHat, loss } = lecture(dtype);
      expect(a.toArray()).toEqual([[[1, -1, 1, -1, 1, -1, 1]]]);
      expectAllClose(yHat, [4 / 7], tol);
      expectAllClose(loss, [9 / 98], tol);
      expect(loss.item()).toBeCloseTo(0.09, 2);   // the slide's rounded value
    });

    it(`${dtype}: ∂L/∂a and the true ∂L/∂K = [−12/49, 0], not the slide's [−3/7, 0]`, () => {
      const { a, k } = lecture(dtype);
      expectAllClose(a.grad as Tensor, [[[-3 / 49, 0, -3 / 49, 0, -3 / 49, 0, -3 / 49]]], tol);
      expectAllClose(k.grad as Tensor, [[[-12 / 49, 0]]], tol);
      expect(Math.abs((k.grad as Tensor).data[0] - -3 / 7)).toBeGreaterThan(0.1);
      // The slide's second question: the sum of the gradients.
      expectAllClose((k.grad as Tensor).sum(), [-12 / 49], tol);
    });
  }

  it('∂L/∂K is the correlation of X with ∂L/∂a, computed with conv1d itself', () => {
    const { x, k, a } = lecture('float64');
    // X (one sample, one channel) correlated with ∂L/∂a as the kernel: one value per kernel tap.
    const viaConv = conv1d(x.detach(), (a.grad as Tensor).detach());
    expectAllClose(viaConv, k.grad as Tensor, { atol: 1e-15 });
  });

  it('∂L/∂X is the full convolution of ∂L/∂a with the flipped kernel', () => {
    const { x, a } = lecture('float64');
    // Pad ∂L/∂a with k − 1 = 1 zero on each side and correlate with the flipped kernel [−1 1].
    const g = (a.grad as Tensor).detach();
    const padded = concat([zeros([1, 1, 1], { dtype: 'float64' }), g, zeros([1, 1, 1], { dtype: 'float64' })], 2);
    const viaConv = conv1d(padded, tensor([[[-1, 1]]], { dtype: 'float64' }));
    expectAllClose(viaConv, x.grad as Tensor, { atol: 1e-15 });
    // By hand: ∂L/∂Xᵢ = g[i]·K₀ + g[i−1]·K₁.
    expectAllClose(x.grad as Tensor, [[[-3 / 49, 3 / 49, -3 / 49, 3 / 49, -3 / 49, 3 / 49, -3 / 49, 3 / 49]]], { atol: 1e-15 });
  });

  it('agrees with finite differences', () => {
    const f = (x: Tensor, k: Tensor): Tensor => conv1d(x, k).relu().mean().sub(1).square().mul(0.5);
    const inputs = [tensor([[X]], { dtype: 'float64' }), tensor([[[1, -1]]], { dtype: 'float64' })];
    const report = gradcheck(f, inputs);
    expect(report.ok, describeGradcheck(report, inputs)).toBe(true);
  });
});
