import { describe, expect, it } from 'vitest';
import { Generator, describeGradcheck, gradcheck, gradients, noGrad, randn, tensor, type Tensor } from '../../src/index.js';

// A long expression in which nodes are reused many times (s = a + a, p = s·s, then s and p feed
// later nodes again), so a gradient reaches them along several paths and must be added up,
// in the right order, by the engine. The expression is written once over a small arithmetic
// interface and evaluated two ways: on tensors (reverse mode) and on dual numbers (forward
// mode, an independent oracle with no finite-difference error).

interface Arith<T> {
  add(x: T, y: T | number): T;
  sub(x: T, y: T | number): T;
  mul(x: T, y: T | number): T;
  div(x: T, y: T | number): T;
  pow(x: T, p: number): T;
  relu(x: T): T;
}

/** Returns the value and the arguments of every relu, so a test can check they avoid 0. */
function expression<T>(o: Arith<T>, a: T, b: T, w: T): { y: T; kinks: T[] } {
  const s = o.add(a, a);
  const p = o.mul(s, s);
  const q = o.mul(o.add(p, s), b);
  const k1 = o.sub(q, a);
  const r = o.relu(k1);
  const t = o.div(r, o.add(p, 1));
  const u = o.sub(o.add(o.pow(t, 2), o.mul(q, 0.5)), o.div(s, o.add(o.pow(b, 2), 2)));
  const k2 = o.sub(o.mul(u, w), s);
  const v = o.add(o.relu(k2), o.mul(u, s));
  const y = o.add(o.div(o.mul(v, v), o.add(o.pow(p, 1.5), 1)), o.mul(t, o.sub(s, o.mul(p, w))));
  return { y, kinks: [k1, k2] };
}

const tensorArith: Arith<Tensor> = {
  add: (x, y) => x.add(y), sub: (x, y) => x.sub(y), mul: (x, y) => x.mul(y), div: (x, y) => x.div(y),
  pow: (x, p) => x.pow(p), relu: (x) => x.relu(),
};

/** A dual number v + d·ε with ε² = 0: d carries the derivative along. */
interface Dual { v: number; d: number }
const lift = (y: Dual | number): Dual => (typeof y === 'number' ? { v: y, d: 0 } : y);
const dualArith: Arith<Dual> = {
  add: (x, y) => { const z = lift(y); return { v: x.v + z.v, d: x.d + z.d }; },
  sub: (x, y) => { const z = lift(y); return { v: x.v - z.v, d: x.d - z.d }; },
  mul: (x, y) => { const z = lift(y); return { v: x.v * z.v, d: x.d * z.v + x.v * z.d }; },
  div: (x, y) => { const z = lift(y); return { v: x.v / z.v, d: (x.d * z.v - x.v * z.d) / (z.v * z.v) }; },
  pow: (x, p) => ({ v: x.v ** p, d: p * x.v ** (p - 1) * x.d }),
  relu: (x) => (x.v > 0 ? x : { v: 0, d: 0 }),
};

const scalar = (v: number): Tensor => tensor(v, { dtype: 'float64', requiresGrad: true });

describe('a long expression with reused nodes', () => {
  const inputs = [0.5, 1.2, -0.7];

  it('has both relus away from their kink at the chosen point, and one of them cut', () => {
    const { kinks } = expression(dualArith, ...(inputs.map((v) => ({ v, d: 0 })) as [Dual, Dual, Dual]));
    expect(kinks.map((k) => Math.abs(k.v) > 0.1)).toEqual([true, true]);
    expect(kinks.some((k) => k.v < 0) && kinks.some((k) => k.v > 0)).toBe(true);
  });

  it('backward() gives exactly the derivative forward mode gives, for each input', () => {
    const [a, b, w] = inputs.map(scalar);
    const { y } = expression(tensorArith, a, b, w);
    y.backward();
    inputs.forEach((_, which) => {
      const duals = inputs.map((v, i) => ({ v, d: i === which ? 1 : 0 })) as [Dual, Dual, Dual];
      const expected = expression(dualArith, ...duals).y;
      expect(y.item()).toBeCloseTo(expected.v, 12);
      expect([a, b, w][which].grad?.item()).toBeCloseTo(expected.d, 10);
    });
  });

  it('passes gradcheck on scalars', () => {
    const xs = inputs.map((v) => tensor(v, { dtype: 'float64' }));
    const report = gradcheck((a, b, w) => expression(tensorArith, a, b, w).y, xs);
    expect(report.ok, describeGradcheck(report, xs)).toBe(true);
  });

  it('passes gradcheck on broadcast tensors, with a random upstream gradient', () => {
    const gen = new Generator(7);
    const xs = [randn([2, 3], { dtype: 'float64', generator: gen }), randn([3], { dtype: 'float64', generator: gen }), randn([2, 1], { dtype: 'float64', generator: gen })];
    // Finite differences need every relu argument away from 0.
    const { kinks } = noGrad(() => expression(tensorArith, xs[0], xs[1], xs[2]));
    const nearest = Math.min(...kinks.flatMap((k) => Array.from(k.data, Math.abs)));
    expect(nearest).toBeGreaterThan(1e-3);
    const report = gradcheck((a, b, w) => expression(tensorArith, a, b, w).y, xs, { seed: 3 });
    expect(report.ok, describeGradcheck(report, xs)).toBe(true);
  });

  it('accumulates into .grad over two backward passes through a retained graph', () => {
    const [a, b, w] = inputs.map(scalar);
    const { y } = expression(tensorArith, a, b, w);
    const [once] = gradients([y], [a], null, { retainGraph: true }) as Tensor[];
    y.backward({ retainGraph: true });
    y.backward();
    expect(a.grad?.item()).toBeCloseTo(2 * once.item(), 12);
  });

  it('sends a + a twice the gradient of a, and a·a twice a', () => {
    const a = scalar(3);
    a.add(a).backward();
    expect(a.grad?.item()).toBe(2);
    const c = scalar(3);
    c.mul(c).backward();
    expect(c.grad?.item()).toBe(6);
  });
});
