// The functional API: grad, valueAndGrad, vjp (JAX's names) and gradients (PyTorch's
// torch.autograd.grad): argnums, several arguments, unused arguments, nesting for higher
// derivatives, and that none of them touches the .grad of the tensors passed in.
import { describe, expect, it } from 'vitest';
import { describeGradcheck, grad, gradcheck, gradients, isGradEnabled, noGrad, tensor, valueAndGrad, vjp, type Tensor } from '../../src/index.js';
import { expectAllClose } from '../helpers/close.js';

const f64 = { dtype: 'float64' } as const;
const close = { atol: 1e-12, rtol: 1e-12 };

describe('grad', () => {
  it('returns ∂f/∂x for a scalar-valued f, without touching x', () => {
    const x = tensor([1, -2, 0.5], f64);
    const g = grad((t: Tensor) => t.pow(3).sum())(x);   // 3x²
    expectAllClose(g, [3, 12, 0.75], close);
    expect(g.requiresGrad).toBe(false);
    expect(x.requiresGrad).toBe(false);
    expect(x.grad).toBeNull();
  });

  it('differentiates with respect to the argument named by argnums', () => {
    const f = (a: Tensor, b: Tensor): Tensor => a.mul(b).sum().add(a.mul(a).sum());
    const a = tensor([1, 2], f64);
    const b = tensor([3, -4], f64);
    // ∂f/∂a = b + 2a, ∂f/∂b = a.
    expectAllClose(grad(f)(a, b), [5, 0], close);
    expectAllClose(grad(f, { argnums: 1 })(a, b), [1, 2], close);
    const [ga, gb] = grad(f, { argnums: [0, 1] })(a, b);
    expectAllClose(ga, [5, 0], close);
    expectAllClose(gb, [1, 2], close);
    const [onlyB] = grad(f, { argnums: [1] })(a, b);     // a list gives a list, even of one
    expectAllClose(onlyB, [1, 2], close);
  });

  it('of a function of three arguments, agreeing with finite differences', () => {
    const f = (x: Tensor, y: Tensor, z: Tensor): Tensor => x.mul(y).tanh().add(z.exp().mul(x)).sum();
    const x = tensor([0.3, -0.7], f64);
    const y = tensor([1.1, 0.4], f64);
    const z = tensor([-0.2, 0.9], f64);
    const [gx, gy, gz] = grad(f, { argnums: [0, 1, 2] })(x, y, z);
    // ∂f/∂x = y(1 − tanh²(xy)) + eᶻ, ∂f/∂y = x(1 − tanh²(xy)), ∂f/∂z = x·eᶻ.
    const sech2 = [0, 1].map((i) => 1 - Math.tanh(x.data[i] * y.data[i]) ** 2);
    expectAllClose(gx, [0, 1].map((i) => y.data[i] * sech2[i] + Math.exp(z.data[i])), close);
    expectAllClose(gy, [0, 1].map((i) => x.data[i] * sech2[i]), close);
    expectAllClose(gz, [0, 1].map((i) => x.data[i] * Math.exp(z.data[i])), close);
    const report = gradcheck(f, [x, y, z]);
    expect(report.ok, describeGradcheck(report, [x, y, z])).toBe(true);
  });

  it('gives zeros for an argument the function does not use', () => {
    const [ga, gb] = grad((a: Tensor, _b: Tensor) => a.sum(), { argnums: [0, 1] })(tensor([1, 2], f64), tensor([[1, 2], [3, 4]], f64));
    expectAllClose(ga, [1, 1], close);
    expect(gb.shape).toEqual([2, 2]);
    expect(gb.dtype).toBe('float64');
    expectAllClose(gb, [[0, 0], [0, 0]], close);
    // A function that ignores all its arguments: a constant, gradient zero.
    const gc = grad((_a: Tensor) => tensor(7, f64))(tensor([1, 2, 3], f64));
    expectAllClose(gc, [0, 0, 0], close);
  });

  it('grad(grad(f)) is the second derivative and grad(grad(grad(f))) the third, for x⁴', () => {
    const f = (x: Tensor): Tensor => x.pow(4);
    const x = tensor(1.5, f64);
    // f' = 4x³, f'' = 12x², f''' = 24x, f'''' = 24.
    expectAllClose(grad(f)(x), [4 * 1.5 ** 3], close);
    expectAllClose(grad(grad(f))(x), [12 * 1.5 ** 2], close);
    expectAllClose(grad(grad(grad(f)))(x), [24 * 1.5], close);
    expectAllClose(grad(grad(grad(grad(f))))(x), [24], close);
  });

  it('grad of a gradient sum gives the diagonal of the Hessian for a vector input', () => {
    // f = Σ x³: ∂f/∂x = 3x², and ∂(Σ 3x²)/∂x = 6x.
    const inner = grad((x: Tensor) => x.pow(3).sum());
    const d2 = grad((x: Tensor) => inner(x).sum())(tensor([1, -2], f64));
    expectAllClose(d2, [6, -12], close);
  });

  it('mixed second derivatives across arguments', () => {
    // f(a, b) = a²·b: ∂f/∂a = 2ab, ∂²f/∂b∂a = 2a.
    const dfda = grad((a: Tensor, b: Tensor) => a.mul(a).mul(b).sum());
    const d2 = grad((a: Tensor, b: Tensor) => dfda(a, b).sum(), { argnums: 1 })(tensor([3], f64), tensor([5], f64));
    expectAllClose(d2, [6], close);
  });

  it('an inner grad over a tensor captured from an outer grad stays differentiable', () => {
    // g(b) = ∂/∂a (a²·b) at a = 3 = 6b, with b reaching the inner function by closure: dg/db = 6.
    const outer = grad((b: Tensor) => grad((a: Tensor) => a.mul(a).mul(b).sum())(tensor([3], f64)).sum());
    expectAllClose(outer(tensor([5], f64)), [6], close);
  });

  it('a gradient of a function of a parameter can be backpropagated to the parameter', () => {
    // The meta-learning pattern: ∂L/∂x = 2w²x depends on the parameter w; Σ of it has ∂/∂w = 4wΣx.
    const w = tensor([1.5], { ...f64, requiresGrad: true });
    const gx = grad((x: Tensor) => x.mul(w).pow(2).sum())(tensor([1, 2], f64));
    expectAllClose(gx, [2 * 1.5 ** 2, 4 * 1.5 ** 2], close);
    gx.sum().backward();
    expectAllClose(w.grad!, [4 * 1.5 * 3], close);
  });

  it('refuses a function with a non-scalar output, pointing to vjp', () => {
    expect(() => grad((x: Tensor) => x.mul(2))(tensor([1, 2], f64))).toThrow(/grad: the function must return a scalar.*shape \[2\].*vjp/);
  });

  it('refuses argnums out of range, naming them and the number of arguments', () => {
    expect(() => grad((x: Tensor) => x.sum(), { argnums: 2 })(tensor([1], f64))).toThrow(/grad: argnums 2 is out of range for 1 argument/);
  });
});

describe('grad in other settings', () => {
  it('works inside noGrad, and keeps float32 inputs float32', () => {
    const g = noGrad(() => grad((t: Tensor) => t.pow(2).sum())(tensor([3, -1])));
    expect(g.dtype).toBe('float32');
    expect(g.toArray()).toEqual([6, -2]);
    expect(isGradEnabled()).toBe(true);
  });

  it('differentiates through a function 100 000 ops deep', () => {
    const chain = (t: Tensor): Tensor => {
      let u = t;
      for (let i = 0; i < 50_000; i++) u = u.mul(1).add(0.001);
      return u;
    };
    expect(grad(chain)(tensor(0.5, f64)).item()).toBe(1);
  });
});

describe('valueAndGrad', () => {
  it('returns f(x) and ∂f/∂x from one call', () => {
    const x = tensor([1, 2, 3], f64);
    const [value, g] = valueAndGrad((t: Tensor) => t.mul(t).sum())(x);
    expect(value.item()).toBe(14);
    expect(value.requiresGrad).toBe(false);
    expectAllClose(g, [2, 4, 6], close);
  });

  it('with an argnums list returns a list of gradients', () => {
    const [value, [ga, gb]] = valueAndGrad((a: Tensor, b: Tensor) => a.mul(b).sum(), { argnums: [0, 1] })(tensor([2], f64), tensor([5], f64));
    expect(value.item()).toBe(10);
    expectAllClose(ga, [5], close);
    expectAllClose(gb, [2], close);
  });
});

describe('vjp', () => {
  it('returns the output and a function from a cotangent to vᵀJ for every primal', () => {
    const a = tensor([1, 2], f64);
    const b = tensor([3, 4], f64);
    const [y, back] = vjp((p: Tensor, q: Tensor) => p.mul(q), a, b);
    expectAllClose(y, [3, 8], close);
    expect(y.requiresGrad).toBe(false);
    const [da, db] = back(tensor([1, -1], f64));
    expectAllClose(da, [3, -4], close);                  // v·b
    expectAllClose(db, [1, -2], close);                  // v·a
    // The graph is kept: the pullback can be called again with another cotangent.
    const [da2] = back(tensor([2, 0], f64));
    expectAllClose(da2, [6, 0], close);
    expect(a.grad).toBeNull();
  });

  it('with a one-hot cotangent gives one row of the Jacobian', () => {
    const x = tensor([0.5, -1, 2], f64);
    const [, back] = vjp((t: Tensor) => t.softmax(0), x);
    const [row] = back(tensor([1, 0, 0], f64));
    // ∂s₀/∂xⱼ = s₀(δ₀ⱼ − sⱼ)
    const e = [0.5, -1, 2].map(Math.exp);
    const s = e.map((v) => v / (e[0] + e[1] + e[2]));
    expectAllClose(row, [s[0] * (1 - s[0]), -s[0] * s[1], -s[0] * s[2]], close);
  });
});

describe('gradients (torch.autograd.grad)', () => {
  it('returns the gradients instead of accumulating into .grad', () => {
    const x = tensor([1, 2], { ...f64, requiresGrad: true });
    const y = x.mul(x).sum();
    const [g] = gradients(y, [x]);
    expectAllClose(g!, [2, 4], close);
    expect(x.grad).toBeNull();
  });

  it('can take the gradient with respect to an intermediate tensor', () => {
    const x = tensor([1, 2], { ...f64, requiresGrad: true });
    const h = x.mul(3);
    const [gh, gx] = gradients(h.mul(h).sum(), [h, x]);
    expectAllClose(gh!, [6, 12], close);                 // 2h
    expectAllClose(gx!, [18, 36], close);                // 2h·3
  });

  it('an unused input is an error naming it, or null with allowUnused', () => {
    const x = tensor([1, 2], { ...f64, requiresGrad: true });
    const unused = tensor([[5]], { ...f64, requiresGrad: true });
    expect(() => gradients(x.sum(), [x, unused])).toThrow(/gradients: inputs\[1\] \(shape \[1, 1\]\) was not used.*allowUnused: true/);
    const [gx, gu] = gradients(x.sum(), [x, unused], null, { allowUnused: true });
    expectAllClose(gx!, [1, 1], close);
    expect(gu).toBeNull();
  });

  it('takes output gradients for non-scalar outputs and several outputs', () => {
    const x = tensor([1, 2], { ...f64, requiresGrad: true });
    const y1 = x.mul(2);
    const y2 = x.mul(x);
    // Σ over outputs of vᵢᵀJᵢ: 2·v1 + 2x·v2.
    const [g] = gradients([y1, y2], [x], [tensor([1, 1], f64), tensor([1, -1], f64)]);
    expectAllClose(g!, [4, -2], close);
  });

  it('with createGraph the result can be differentiated again', () => {
    const x = tensor([2], { ...f64, requiresGrad: true });
    const [g] = gradients(x.pow(3).sum(), [x], null, { createGraph: true });  // 3x²
    const [gg] = gradients(g!.sum(), [x]);                                    // 6x
    expectAllClose(gg!, [12], close);
  });

  it('refuses an input that does not require grad', () => {
    const x = tensor([1, 2], { ...f64, requiresGrad: true });
    expect(() => gradients(x.sum(), [tensor([1], f64)])).toThrow(/gradients: inputs\[0\] does not require grad/);
  });
});
