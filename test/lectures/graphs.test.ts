// The computational-graph examples of lecture 001, reproduced through the public API in float64:
// Example I, f = (x + y)·z; Example II, the sigmoid neuron, both as a staged graph of primitive
// gates and as one sigmoid; "backprop as flat code"; and the gate patterns (add distributes,
// mul switches, a copy adds, max routes). Expectations are derived by hand in the comments and
// computed here from those formulas with Math, then cross-checked with finite differences.
import { describe, expect, it } from 'vitest';
import { describeGradcheck, gradcheck, maximum, noGrad, tensor, Tensor } from '../../src/index.js';
import { expectAllClose } from '../helpers/close.js';

const f64 = { dtype: 'float64', requiresGrad: true } as const;
const scalar = (v: number): Tensor => tensor(v, f64);
const exact = { atol: 1e-15, rtol: 1e-15 };

function expectGradcheck(f: (...xs: Tensor[]) => Tensor, inputs: Tensor[]): void {
  const report = gradcheck(f, inputs);
  expect(report.ok, describeGradcheck(report, inputs)).toBe(true);
}

describe('Example I: f(x, y, z) = (x + y)·z at x = −2, y = 5, z = −4', () => {
  // q = x + y = 3, f = q·z = −12.
  // ∂f/∂q = z = −4; ∂f/∂x = ∂f/∂q·∂q/∂x = z·1 = −4; ∂f/∂y = z·1 = −4; ∂f/∂z = q = 3.
  const build = () => {
    const x = scalar(-2);
    const y = scalar(5);
    const z = scalar(-4);
    const q = x.add(y).retainGrad();
    const f = q.mul(z);
    return { x, y, z, q, f };
  };

  it('computes the forward values q = 3 and f = −12', () => {
    const { q, f } = build();
    expect(q.item()).toBe(3);
    expect(f.item()).toBe(-12);
    expect(f.dtype).toBe('float64');
  });

  it('backpropagates ∂f/∂x = −4, ∂f/∂y = −4, ∂f/∂z = 3 and the upstream ∂f/∂q = −4', () => {
    const { x, y, z, q, f } = build();
    f.backward();
    expect(x.grad!.item()).toBe(-4);
    expect(y.grad!.item()).toBe(-4);
    expect(z.grad!.item()).toBe(3);
    // q is an intermediate: it keeps its gradient only because retainGrad() asked for it.
    expect(q.isLeaf).toBe(false);
    expect(q.grad!.item()).toBe(-4);
    expect(f.grad).toBeNull();
  });

  it('forgets an intermediate gradient that nobody asked to retain', () => {
    const x = scalar(-2);
    const q = x.add(scalar(5));
    q.mul(scalar(-4)).backward();
    expect(q.grad).toBeNull();
    expect(x.grad!.item()).toBe(-4);
  });

  it('agrees with central finite differences', () => {
    expectGradcheck((x, y, z) => x.add(y).mul(z), [scalar(-2), scalar(5), scalar(-4)]);
  });
});

// Example II: f(w, x) = 1/(1 + e^−(w0·x0 + w1·x1 + w2)) with w = (2, −3, −3), x = (−1, −2).
// s = 2·(−1) + (−3)·(−2) + (−3) = 1, so f = σ(1) = 1/(1 + e⁻¹) ≈ 0.7311.
// σ'(s) = σ(s)(1 − σ(s)) ≈ 0.1966 (the lecture's sigmoid local gradient), and then
// ∂f/∂w0 = σ'·x0, ∂f/∂w1 = σ'·x1, ∂f/∂w2 = σ', ∂f/∂x0 = σ'·w0, ∂f/∂x1 = σ'·w1.
const W = [2, -3, -3];
const X = [-1, -2];
const S = W[0] * X[0] + W[1] * X[1] + W[2];
const SIG = 1 / (1 + Math.exp(-S));
const DSIG = SIG * (1 - SIG);
const DW = [DSIG * X[0], DSIG * X[1], DSIG];
const DX = [DSIG * W[0], DSIG * W[1]];

describe('Example II: the sigmoid neuron σ(w0·x0 + w1·x1 + w2)', () => {
  it('the hand-derived values round to the numbers of the lecture figure', () => {
    // Guards the derivation above against a typo: these are the printed, rounded values.
    expect(S).toBe(1);
    expectAllClose([SIG], [0.7311], { atol: 5e-5, rtol: 0 });
    expectAllClose(DW, [-0.1966, -0.3932, 0.1966], { atol: 5e-5, rtol: 0 });
    expectAllClose(DX, [0.3932, -0.5898], { atol: 5e-5, rtol: 0 });
  });

  it('as a staged graph of primitive gates: *, *, +, +, ·(−1), exp, +1, 1/x', () => {
    const [w0, w1, w2] = W.map(scalar);
    const [x0, x1] = X.map(scalar);
    const dot = w0.mul(x0).add(w1.mul(x1)).add(w2).retainGrad();
    const e = dot.neg().exp().retainGrad();
    const denom = e.add(1).retainGrad();
    const f = tensor(1, { dtype: 'float64' }).div(denom);
    expectAllClose([e.item(), denom.item(), f.item()], [Math.exp(-1), 1 + Math.exp(-1), SIG], exact);
    f.backward();
    // 1/x gate: ∂f/∂denom = −1/denom² ≈ −0.53, the one number the lecture prints.
    expectAllClose([denom.grad!.item()], [-1 / (1 + Math.exp(-1)) ** 2], exact);
    expect(denom.grad!.item()).toBeCloseTo(-0.53, 2);
    // +1 gate passes it on; exp gate multiplies by e^(−s); ·(−1) flips the sign.
    expectAllClose([e.grad!.item()], [denom.grad!.item()], exact);
    expectAllClose([dot.grad!.item()], [DSIG], { atol: 1e-15, rtol: 1e-12 });
    expectAllClose([w0.grad!.item(), w1.grad!.item(), w2.grad!.item()], DW, { atol: 1e-15, rtol: 1e-12 });
    expectAllClose([x0.grad!.item(), x1.grad!.item()], DX, { atol: 1e-15, rtol: 1e-12 });
  });

  it('as one sigmoid gate over vectors, with the same gradients (the graph is not unique, the gradient is)', () => {
    const w = tensor(W, f64);
    const x = tensor(X, f64);
    const f = w.slice(0, 0, 2).mul(x).sum().add(w.slice(0, 2, 3).sum()).sigmoid();
    expectAllClose([f.item()], [SIG], exact);
    f.backward();
    expectAllClose(w.grad!, DW, { atol: 1e-15, rtol: 1e-12 });
    expectAllClose(x.grad!, DX, { atol: 1e-15, rtol: 1e-12 });
  });

  it('agrees with central finite differences', () => {
    expectGradcheck(
      (w0, x0, w1, x1, w2) => w0.mul(x0).add(w1.mul(x1)).add(w2).sigmoid(),
      [W[0], X[0], W[1], X[1], W[2]].map(scalar),
    );
  });
});

describe('backprop as flat code (the sigmoid neuron)', () => {
  it('each intermediate of the forward pass, and the gradients of the flat backward pass', () => {
    const [w0, w1, w2] = W.map(scalar);
    const [x0, x1] = X.map(scalar);
    // Forward pass, one line per variable, as on the slide.
    const s0 = w0.mul(x0).retainGrad();
    const s1 = w1.mul(x1).retainGrad();
    const s2 = s0.add(s1).retainGrad();
    const s3 = s2.add(w2).retainGrad();
    const L = s3.sigmoid();
    expect([s0.item(), s1.item(), s2.item(), s3.item()]).toEqual([-2, 6, 4, 1]);
    expectAllClose([L.item()], [SIG], exact);

    // The slide's backward pass, step by step, computed with ops but without recording.
    const flat = noGrad(() => {
      const gradL = tensor(1.0, { dtype: 'float64' });                      // base case
      const gradS3 = gradL.mul(tensor(1, { dtype: 'float64' }).sub(L)).mul(L); // sigmoid
      const gradW2 = gradS3;                                                 // add gate
      const gradS2 = gradS3;
      const gradS0 = gradS2;                                                 // add gate
      const gradS1 = gradS2;
      const gradW1 = gradS1.mul(x1);                                         // multiply gate
      const gradX1 = gradS1.mul(w1);
      const gradW0 = gradS0.mul(x0);                                         // multiply gate
      const gradX0 = gradS0.mul(w0);
      return { gradS3, gradS2, gradS1, gradS0, gradW2, gradW1, gradX1, gradW0, gradX0 };
    });
    expect(flat.gradS3.requiresGrad).toBe(false);

    L.backward();
    const close = { atol: 1e-15, rtol: 1e-12 };
    expectAllClose(s3.grad!, flat.gradS3, close);
    expectAllClose(s2.grad!, flat.gradS2, close);
    expectAllClose(s1.grad!, flat.gradS1, close);
    expectAllClose(s0.grad!, flat.gradS0, close);
    expectAllClose(w2.grad!, flat.gradW2, close);
    expectAllClose(w1.grad!, flat.gradW1, close);
    expectAllClose(x1.grad!, flat.gradX1, close);
    expectAllClose(w0.grad!, flat.gradW0, close);
    expectAllClose(x0.grad!, flat.gradX0, close);
    // And both agree with the hand-derived values of Example II.
    expectAllClose([w0.grad!.item(), w1.grad!.item(), w2.grad!.item()], DW, close);
    expectAllClose([x0.grad!.item(), x1.grad!.item()], DX, close);
  });

  it('the flat-code function passes gradcheck', () => {
    const flatF = (w0: Tensor, x0: Tensor, w1: Tensor, x1: Tensor, w2: Tensor): Tensor => {
      const s0 = w0.mul(x0);
      const s1 = w1.mul(x1);
      const s2 = s0.add(s1);
      const s3 = s2.add(w2);
      return s3.sigmoid();
    };
    expectGradcheck(flatF, [W[0], X[0], W[1], X[1], W[2]].map(scalar));
  });
});

describe('patterns in gradient flow', () => {
  const upstream = () => tensor([0.5, -2, 3], { dtype: 'float64' });

  it('add gate: distributes the upstream gradient unchanged to both inputs', () => {
    const a = tensor([1, 2, 3], f64);
    const b = tensor([-4, 5, 0.25], f64);
    a.add(b).backward(upstream());
    expect(a.grad!.toArray()).toEqual([0.5, -2, 3]);
    expect(b.grad!.toArray()).toEqual([0.5, -2, 3]);
  });

  it('mul gate: switches, each input gets upstream × the other input', () => {
    const a = tensor([1, 2, 3], f64);
    const b = tensor([-4, 5, 0.25], f64);
    a.mul(b).backward(upstream());
    expect(a.grad!.toArray()).toEqual([0.5 * -4, -2 * 5, 3 * 0.25]);
    expect(b.grad!.toArray()).toEqual([0.5 * 1, -2 * 2, 3 * 3]);
  });

  it('copy gate: a value used twice adds the gradients of both uses', () => {
    // y = 3a + a·a uses a three times: ∂y/∂a = 3 + 2a.
    const a = scalar(1.5);
    a.mul(3).add(a.mul(a)).backward();
    expect(a.grad!.item()).toBe(3 + 2 * 1.5);
    // micrograd's case: b = a + a, so ∂b/∂a = 2, not 1.
    const c = scalar(-7);
    c.add(c).backward();
    expect(c.grad!.item()).toBe(2);
  });

  it('max gate (maximum): routes the whole gradient to the larger input', () => {
    const a = tensor([4, -1, 2], f64);
    const b = tensor([1, 3, 2], f64);
    maximum(a, b).backward(upstream());
    // a wins at 0, b wins at 1; at 2 they tie and the gradient is split evenly (PyTorch's rule).
    // (A masked-out entry may be −0: upstream × 0 keeps the sign, as in PyTorch.)
    expectAllClose(a.grad!, [0.5, 0, 1.5], exact);
    expectAllClose(b.grad!, [0, -2, 1.5], exact);
  });

  it('max reduction: routes the gradient to the largest element only', () => {
    const v = tensor([0.5, 9, -3, 2], f64);
    v.max().mul(2).backward();
    expect(v.grad!.toArray()).toEqual([0, 2, 0, 0]);
  });
});
