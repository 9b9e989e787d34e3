import { describe, expect, it } from 'vitest';
import { Generator, manualSeed, nn, randn, tensor, type Tensor } from '../../src/index.js';
import { expectAllClose } from '../helpers/close.js';

const f64 = { dtype: 'float64' } as const;

/** erf by its Maclaurin series: exact to double precision for the |x| ≤ 3 used here. */
function erf(x: number): number {
  let term = x;
  let sum = x;
  for (let n = 1; n < 100; n++) {
    term *= (-x * x) / n;
    sum += term / (2 * n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

const xs = [-2.5, -1, -0.3, 0.2, 0.7, 1.5, 3];
const mapped = (f: (v: number) => number) => xs.map(f);

describe('Linear', () => {
  it('computes x·Wᵀ + b with weight [out, in]', () => {
    const fc = new nn.Linear(3, 2, { dtype: 'float64' });
    fc.loadStateDict({ weight: tensor([[1, 2, 3], [-1, 0, 4]], f64), bias: tensor([0.5, -2], f64) });
    expect(fc.weight.shape).toEqual([2, 3]);
    expect(fc.bias!.shape).toEqual([2]);
    const x = tensor([[1, 1, 1], [2, 0, -1]], f64);
    // Row 1: [1+2+3+0.5, −1+0+4−2] = [6.5, 1]; row 2: [2+0−3+0.5, −2+0−4−2] = [−0.5, −8].
    expectAllClose(fc.forward(x), [[6.5, 1], [-0.5, -8]], { atol: 0, rtol: 0 });
    // A single sample [in] gives [out]; extra leading dimensions are kept.
    expectAllClose(fc.forward(tensor([1, 1, 1], f64)), [6.5, 1], { atol: 0, rtol: 0 });
    const batch = fc.forward(tensor([[[1, 1, 1], [2, 0, -1]], [[0, 0, 0], [1, 0, 0]]], f64));
    expect(batch.shape).toEqual([2, 2, 2]);
    expectAllClose(batch, [[[6.5, 1], [-0.5, -8]], [[0.5, -2], [1.5, -3]]], { atol: 0, rtol: 0 });
  });

  it('can leave out the bias', () => {
    const fc = new nn.Linear(2, 1, { bias: false });
    expect(fc.bias).toBeNull();
    expect(fc.namedParameters().map(([n]) => n)).toEqual(['weight']);
    fc.weight.data.set([2, -3]);
    expectAllClose(fc.forward(tensor([[1, 1]])), [[-1]]);
  });

  it('starts from U(−1/√in, 1/√in) for weight and bias, drawn from the seeded generator', () => {
    manualSeed(11);
    const fc = new nn.Linear(64, 200);
    const bound = 1 / 8;
    for (const t of [fc.weight, fc.bias!]) {
      const values = Array.from(t.data);
      expect(Math.max(...values)).toBeLessThanOrEqual(bound);
      expect(Math.min(...values)).toBeGreaterThanOrEqual(-bound);
      // Spread over the whole interval, not a narrower one.
      expect(Math.max(...values)).toBeGreaterThan(0.9 * bound);
      expect(Math.min(...values)).toBeLessThan(-0.9 * bound);
    }
    // A uniform on [−b, b] has variance b²/3: 12,800 samples give it within a few percent.
    const w = Array.from(fc.weight.data);
    const mean = w.reduce((s, v) => s + v, 0) / w.length;
    const variance = w.reduce((s, v) => s + (v - mean) ** 2, 0) / w.length;
    expect(Math.abs(mean)).toBeLessThan(0.005);
    expect(variance / (bound * bound / 3)).toBeGreaterThan(0.95);
    expect(variance / (bound * bound / 3)).toBeLessThan(1.05);
  });

  it('repeats its initial values under the same seed, or the same generator seed', () => {
    manualSeed(5);
    const a = new nn.Linear(3, 4);
    manualSeed(5);
    const b = new nn.Linear(3, 4);
    const c = new nn.Linear(3, 4);
    expectAllClose(b.weight, a.weight, { atol: 0, rtol: 0 });
    expectAllClose(b.bias!, a.bias!, { atol: 0, rtol: 0 });
    expect(Array.from(c.weight.data)).not.toEqual(Array.from(a.weight.data));
    const d = new nn.Linear(3, 4, { generator: new Generator(9) });
    const e = new nn.Linear(3, 4, { generator: new Generator(9) });
    expectAllClose(e.weight, d.weight, { atol: 0, rtol: 0 });
  });

  it('makes float64 parameters on request', () => {
    const fc = new nn.Linear(2, 2, { dtype: 'float64' });
    expect(fc.weight.dtype).toBe('float64');
    expect(fc.bias!.dtype).toBe('float64');
    expect(() => new nn.Linear(2, 2, { dtype: 'int32' })).toThrow(/dtype must be 'float32' or 'float64'/);
  });

  it('explains shape errors', () => {
    const fc = new nn.Linear(3, 2);
    expect(() => fc.forward(tensor([[1, 2]]))).toThrow(/input of shape \[1, 2\] does not fit weight \[2, 3\]: the last input dimension must be 3/);
    expect(() => new nn.Linear(-1, 2)).toThrow(/inFeatures must be a non-negative integer/);
  });
});

describe('activation modules', () => {
  const x = tensor(xs, f64);
  const exact = { atol: 1e-14, rtol: 1e-14 };

  it('ReLU, LeakyReLU, Sigmoid, Tanh follow their formulas', () => {
    expectAllClose(new nn.ReLU().forward(x), mapped((v) => Math.max(v, 0)), exact);
    expectAllClose(new nn.LeakyReLU(0.2).forward(x), mapped((v) => (v > 0 ? v : 0.2 * v)), exact);
    expectAllClose(new nn.LeakyReLU().forward(x), mapped((v) => (v > 0 ? v : 0.01 * v)), exact);
    expectAllClose(new nn.Sigmoid().forward(x), mapped((v) => 1 / (1 + Math.exp(-v))), exact);
    expectAllClose(new nn.Tanh().forward(x), mapped(Math.tanh), exact);
  });

  it('GELU is x·Φ(x), or its tanh approximation', () => {
    expectAllClose(new nn.GELU().forward(x), mapped((v) => 0.5 * v * (1 + erf(v / Math.SQRT2))), { atol: 1e-12, rtol: 1e-12 });
    const c = Math.sqrt(2 / Math.PI);
    expectAllClose(new nn.GELU({ approximate: 'tanh' }).forward(x), mapped((v) => 0.5 * v * (1 + Math.tanh(c * (v + 0.044715 * v ** 3)))), exact);
    expect(() => new nn.GELU({ approximate: 'fast' as 'tanh' })).toThrow(/approximate must be 'none' or 'tanh'/);
  });

  it('Softmax and LogSoftmax work along the given dimension', () => {
    const m = tensor([[1, 2, 3], [0, 0, 1000]], f64);
    const rows = [[1, 2, 3], [0, 0, 1000]];
    const lse = rows.map((r) => Math.max(...r) + Math.log(r.reduce((s, v) => s + Math.exp(v - Math.max(...r)), 0)));
    expectAllClose(new nn.LogSoftmax(1).forward(m), rows.map((r, i) => r.map((v) => v - lse[i])), exact);
    expectAllClose(new nn.Softmax(1).forward(m), rows.map((r, i) => r.map((v) => Math.exp(v - lse[i]))), exact);
    // Along dim 0 each column sums to one.
    const cols = new nn.Softmax(0).forward(m).sum(0);
    expectAllClose(cols, [1, 1, 1], exact);
    expect(() => new nn.Softmax(undefined as unknown as number)).toThrow(/dim is required/);
  });
});

describe('Flatten, Identity and Sequential', () => {
  it('Flatten keeps the batch dimension by default', () => {
    const x = randn([2, 3, 4, 5]);
    expect(new nn.Flatten().forward(x).shape).toEqual([2, 60]);
    expect(new nn.Flatten(0).forward(x).shape).toEqual([120]);
    expect(new nn.Flatten(1, 2).forward(x).shape).toEqual([2, 12, 5]);
    expectAllClose(new nn.Flatten().forward(x), x.data);
  });

  it('Identity returns its input', () => {
    const x = randn([3]);
    expect(new nn.Identity().forward(x)).toBe(x);
  });

  it('Sequential applies its modules in order', () => {
    manualSeed(2);
    const a = new nn.Linear(3, 4);
    const b = new nn.Linear(4, 2);
    const seq = new nn.Sequential(a, new nn.Tanh(), b);
    const x = randn([5, 3]);
    expectAllClose(seq.forward(x), b.forward(a.forward(x).tanh()), { atol: 0, rtol: 0 });
    expect(new nn.Sequential().forward(x)).toBe(x);
    const grown = new nn.Sequential().append(new nn.ReLU());
    expect(grown.length).toBe(1);
    expect(() => new nn.Sequential({} as unknown as nn.TensorModule)).toThrow(/item 0 must be an nn.Module/);
  });

  it('lets a user-defined module use layers as properties', () => {
    class Mlp extends nn.Module {
      fc1 = new nn.Linear(2, 3, { dtype: 'float64' });
      fc2 = new nn.Linear(3, 1, { dtype: 'float64' });
      forward(x: Tensor): Tensor {
        return this.fc2.forward(this.fc1.forward(x).relu());
      }
    }
    const net = new Mlp();
    const y = net.forward(tensor([[1, 2]], f64));
    y.sum().backward();
    expect(net.namedParameters().map(([n, p]) => [n, p.grad?.shape])).toEqual([
      ['fc1.weight', [3, 2]], ['fc1.bias', [3]], ['fc2.weight', [1, 3]], ['fc2.bias', [1]],
    ]);
  });
});
