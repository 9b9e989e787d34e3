import { describe, expect, it } from 'vitest';
import { concat, describeGradcheck, grad, gradgradcheck, randn, tensor, Generator, type Tensor } from '../../src/index.js';
import { expectAllClose } from '../helpers/close.js';
import { SPECS } from '../helpers/op-specs.js';
import { TOLERANCE, caseLabel, caseSeed, specInputs } from '../helpers/spec-inputs.js';

function expectSecondOrder(f: (...xs: Tensor[]) => Tensor, inputs: Tensor[], seed = 0): void {
  const report = gradgradcheck(f, inputs, { ...TOLERANCE, seed });
  expect(report.ok, describeGradcheck(report, inputs)).toBe(true);
  expect(report.checked).toBeGreaterThan(0);
}

// Every differentiable spec: smooth ops everywhere, piecewise ones (relu, abs, max…) inside
// their domain, away from the kinks. A linear or piecewise-linear op has a locally constant
// gradient, so its second derivative is zero and checks nothing; squaring its output makes the
// backward pass depend on the inputs, so gradgradcheck then differentiates the op's VJP itself
// (slice's VJP is unslice, for one).
for (const s of SPECS) {
  if (!s.differentiable) continue;
  describe(`gradgradcheck ${s.name}${s.smooth ? '' : ' (piecewise, off the kinks)'}`, () => {
    s.cases.forEach((c, i) => {
      it(caseLabel(c), () => {
        const f = s.linear || !s.smooth ? (...xs: Tensor[]) => s.call(xs, c.attrs).square() : (...xs: Tensor[]) => s.call(xs, c.attrs);
        const inputs = specInputs(s, c, caseSeed(s, i));
        const report = gradgradcheck(f, inputs, { ...TOLERANCE, eps: s.eps ?? TOLERANCE.eps, seed: caseSeed(s, i) });
        expect(report.ok, describeGradcheck(report, inputs)).toBe(true);
      });
    });
  });
}

const gen = new Generator(20260801);
const f64 = (shape: number[]): Tensor => randn(shape, { dtype: 'float64', generator: gen });

describe('gradgradcheck of compositions', () => {
  it('a matmul chain x·W₁·W₂ with a nonlinearity between', () => {
    expectSecondOrder((x, w1, w2) => x.matmul(w1).tanh().matmul(w2), [f64([3, 4]), f64([4, 5]), f64([5, 2])]);
  });

  it('a batched matmul chain with a transposed operand', () => {
    expectSecondOrder((a, b) => a.matmul(b.mT).matmul(b).sigmoid(), [f64([2, 3, 4]), f64([2, 5, 4])]);
  });

  it('tanh(x·W + b).pow(2).mean(), one layer and its loss', () => {
    expectSecondOrder((x, w, b) => x.matmul(w).add(b).tanh().pow(2).mean(), [f64([4, 3]), f64([3, 2]), f64([2])]);
  });

  it('softmax cross-entropy by hand: −mean(logSoftmax(x·W) ⊙ t)', () => {
    const t = tensor([[1, 0, 0], [0, 0, 1]], { dtype: 'float64' });
    expectSecondOrder((x, w) => x.matmul(w).logSoftmax(1).mul(t).sum(1).mean().neg(), [f64([2, 4]), f64([4, 3])]);
  });

  it('reshape, permute, slice and concat feeding products', () => {
    expectSecondOrder((x, y) => {
      const a = x.reshape(3, 4).permute(1, 0);          // [4, 3]
      const b = concat([a.slice(0, 1, null, 2), y], 0);  // [2, 3] ++ [1, 3]
      return b.mul(b.exp()).sum(1).div(a.slice(1, 0, 3).pow(2).add(1).sum());
    }, [f64([2, 6]), f64([1, 3])]);
  });

  it('a value reused along several paths: x·exp(x)/(1 + x²)', () => {
    expectSecondOrder((x) => x.mul(x.exp()).div(x.square().add(1)), [f64([5])]);
  });
});

// d/dx of Σ f(x) is f'(x) elementwise, so grad(x ↦ Σ grad(Σf)(x)) is f''(x) elementwise.
const second = (f: (x: Tensor) => Tensor) => grad((x: Tensor) => grad((y: Tensor) => f(y).sum())(x).sum());
const third = (f: (x: Tensor) => Tensor) => grad((x: Tensor) => second(f)(x).sum());
const xs = [-1.7, -0.4, 0.3, 1.1, 2.2];
const X = tensor(xs, { dtype: 'float64' });
const tol = { atol: 1e-12, rtol: 1e-10 };

describe('grad(grad(f)) against closed forms', () => {
  it('d²/dx² x³ = 6x', () => {
    expectAllClose(second((x) => x.pow(3))(X) as Tensor, xs.map((x) => 6 * x), tol);
  });

  it('d²/dx² x·x·x = 6x, through a reused node', () => {
    expectAllClose(second((x) => x.mul(x).mul(x))(X) as Tensor, xs.map((x) => 6 * x), tol);
  });

  it('d³/dx³ x⁴ = 24x', () => {
    expectAllClose(third((x) => x.pow(4))(X) as Tensor, xs.map((x) => 24 * x), tol);
  });

  it('d²/dx² exp(2x) = 4 exp(2x)', () => {
    expectAllClose(second((x) => x.mul(2).exp())(X) as Tensor, xs.map((x) => 4 * Math.exp(2 * x)), tol);
  });

  it("tanh'' = −2 tanh (1 − tanh²)", () => {
    expectAllClose(second((x) => x.tanh())(X) as Tensor, xs.map((x) => -2 * Math.tanh(x) * (1 - Math.tanh(x) ** 2)), tol);
  });

  it("sigmoid'' = σ(1 − σ)(1 − 2σ)", () => {
    const s = (x: number): number => 1 / (1 + Math.exp(-x));
    expectAllClose(second((x) => x.sigmoid())(X) as Tensor, xs.map((x) => s(x) * (1 - s(x)) * (1 - 2 * s(x))), tol);
  });

  it("log'' = −1/x² and sqrt'' = −¼ x^(−3/2), for x > 0", () => {
    const pos = X.abs();
    expectAllClose(second((x) => x.log())(pos) as Tensor, xs.map((x) => -1 / (x * x)), tol);
    expectAllClose(second((x) => x.sqrt())(pos) as Tensor, xs.map((x) => -0.25 * Math.abs(x) ** -1.5), tol);
  });

  it("erf'' = −(4/√π) x e^(−x²)", () => {
    expectAllClose(second((x) => x.erf())(X) as Tensor, xs.map((x) => (-4 / Math.sqrt(Math.PI)) * x * Math.exp(-x * x)), tol);
  });

  it("1/x: (1/x)'' = 2/x³", () => {
    expectAllClose(second((x) => x.pow(-1))(X) as Tensor, xs.map((x) => 2 / x ** 3), tol);
    expectAllClose(second((x) => x.square().add(1).div(x))(X) as Tensor, xs.map((x) => 2 / x ** 3), tol);
  });

  it('the mixed partial ∂²(x²y³)/∂x∂y = 6xy², both orders', () => {
    const x = tensor(1.5, { dtype: 'float64' });
    const y = tensor(-0.7, { dtype: 'float64' });
    const f = (a: Tensor, b: Tensor): Tensor => a.pow(2).mul(b.pow(3));
    const dxdy = grad((a: Tensor, b: Tensor) => grad(f, { argnums: 0 })(a, b), { argnums: 1 })(x, y);
    const dydx = grad((a: Tensor, b: Tensor) => grad(f, { argnums: 1 })(a, b), { argnums: 0 })(x, y);
    expect(dxdy.item()).toBeCloseTo(6 * 1.5 * 0.49, 12);
    expect(dydx.item()).toBeCloseTo(6 * 1.5 * 0.49, 12);
  });
});
