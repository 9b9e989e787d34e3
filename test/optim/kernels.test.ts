import { describe, expect, it } from 'vitest';
import { jsBackend } from '../../src/index.js';
import { expectAllClose } from '../helpers/close.js';

// The fused optimizer kernels of the js backend on hand-computed single steps. The optimizer
// trajectory tests check them against PyTorch; these pin down each branch's arithmetic.

const sgd = { lr: 0.1, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false, freshBuffer: false };
const adam = { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, maximize: false, step: 1 };
const rms = { lr: 0.01, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, maximize: false };

describe('sgdStep', () => {
  it('plain: p −= lr·g, in place', () => {
    const p = new Float64Array([1, -2]);
    jsBackend.sgdStep(p, new Float64Array([0.5, 1]), null, sgd);
    expect(Array.from(p)).toEqual([1 - 0.1 * 0.5, -2 - 0.1 * 1]);
  });

  it('a fresh momentum buffer takes the direction itself; later ones decay with dampening', () => {
    const p = new Float64Array([1]);
    const buf = new Float64Array([123]);
    const h = { ...sgd, momentum: 0.9, dampening: 0.5, weightDecay: 0.1 };
    jsBackend.sgdStep(p, new Float64Array([2]), buf, { ...h, freshBuffer: true });
    const d1 = 2 + 0.1 * 1;
    expect(buf[0]).toBe(d1);
    expect(p[0]).toBe(1 - 0.1 * d1);
    const p1 = p[0];
    jsBackend.sgdStep(p, new Float64Array([2]), buf, h);
    const d2 = 2 + 0.1 * p1;
    expect(buf[0]).toBe(0.9 * d1 + 0.5 * d2);
    expect(p[0]).toBe(p1 - 0.1 * buf[0]);
  });

  it('nesterov steps along g + momentum·buf; maximize ascends', () => {
    const p = new Float64Array([0]);
    const buf = new Float64Array([1]);
    jsBackend.sgdStep(p, new Float64Array([2]), buf, { ...sgd, momentum: 0.5, nesterov: true, maximize: true });
    // d = −2; buf = 0.5·1 + (−2) = −1.5; d = −2 + 0.5·(−1.5) = −2.75
    expect(buf[0]).toBe(-1.5);
    expect(p[0]).toBeCloseTo(0.275, 15);
  });
});

describe('adamStep', () => {
  it('the first step moves each element by about lr against the sign of g', () => {
    const p = new Float64Array([1, 1]);
    const m = new Float64Array(2);
    const v = new Float64Array(2);
    jsBackend.adamStep(p, new Float64Array([3, -0.001]), m, v, null, adam);
    expectAllClose(Array.from(m), [0.3, -0.0001], { atol: 0, rtol: 1e-15 });
    expectAllClose(Array.from(v), [0.001 * 9, 0.001 * 1e-6], { atol: 0, rtol: 1e-12 });
    // m̂ = g and √v̂ = |g|, so the step is lr·g/(|g| + eps).
    expectAllClose(Array.from(p), [1 - 0.1 * 3 / (3 + 1e-8), 1 + 0.1 * 0.001 / (0.001 + 1e-8)], { atol: 0, rtol: 1e-12 });
  });

  it('AMSGrad normalizes by the running maximum of v', () => {
    const p = new Float64Array([0]);
    const m = new Float64Array([0]);
    const v = new Float64Array([4]);
    const maxV = new Float64Array([9]);
    jsBackend.adamStep(p, new Float64Array([0]), m, v, maxV, { ...adam, beta1: 0.5, beta2: 0.5, step: 2, eps: 0 });
    expect(v[0]).toBe(2);
    expect(maxV[0]).toBe(9);
    expect(p[0]).toBe(0);
    m[0] = 1;
    jsBackend.adamStep(p, new Float64Array([0]), m, v, maxV, { ...adam, beta1: 0.5, beta2: 0.5, step: 2, eps: 0 });
    // m = 0.5; step size lr/(1 − 0.25); denominator √9/√(1 − 0.25)
    expectAllClose([p[0]], [-(0.1 / 0.75) * (0.5 / (3 / Math.sqrt(0.75)))], { atol: 0, rtol: 1e-14 });
  });

  it('Adam adds weightDecay·p to g; AdamW scales p by 1 − lr·weightDecay first', () => {
    const coupled = new Float64Array([2]);
    jsBackend.adamStep(coupled, new Float64Array([0]), new Float64Array(1), new Float64Array(1), null, { ...adam, weightDecay: 0.5 });
    expectAllClose([coupled[0]], [2 - 0.1], { atol: 0, rtol: 1e-8 });   // g = 1: a full lr step
    const decoupled = new Float64Array([2]);
    jsBackend.adamStep(decoupled, new Float64Array([0]), new Float64Array(1), new Float64Array(1), null, { ...adam, weightDecay: 0.5, decoupled: true });
    expect(decoupled[0]).toBe(2 * (1 - 0.1 * 0.5));   // g = 0: only the decay
  });
});

describe('rmspropStep', () => {
  it('plain, centered and with momentum', () => {
    const p = new Float64Array([1]);
    const s = new Float64Array([0]);
    jsBackend.rmspropStep(p, new Float64Array([2]), s, null, null, rms);
    expectAllClose([s[0]], [0.04], { atol: 0, rtol: 1e-14 });
    expectAllClose([p[0]], [1 - 0.01 * 2 / (0.2 + 1e-8)], { atol: 0, rtol: 1e-14 });

    const q = new Float64Array([1]);
    const s2 = new Float64Array([0]);
    const a = new Float64Array([0]);
    const buf = new Float64Array([1]);
    jsBackend.rmspropStep(q, new Float64Array([2]), s2, a, buf, { ...rms, alpha: 0.5, momentum: 0.5, eps: 0 });
    // s = 2, a = 1, denominator √(2 − 1) = 1; buf = 0.5 + 2
    expect([s2[0], a[0], buf[0]]).toEqual([2, 1, 2.5]);
    expect(q[0]).toBe(1 - 0.01 * 2.5);
  });
});

describe('float32', () => {
  it('each kernel updates float32 arrays in place and agrees with float64 to float32 precision', () => {
    const g = [0.3, -1.7, 2.5, 1e-3];
    const start = [0.5, -0.25, 1.5, -3];
    const run = <A extends Float32Array | Float64Array>(make: (xs: number[]) => A): number[][] => {
      const p1 = make(start); const b1 = make([0, 0, 0, 0]);
      jsBackend.sgdStep(p1, make(g), b1, { ...sgd, momentum: 0.9, freshBuffer: true });
      const p2 = make(start); const m = make([0.1, 0.1, 0.1, 0.1]); const v = make([0.2, 0.2, 0.2, 0.2]); const mx = make([0.3, 0, 0.3, 0]);
      jsBackend.adamStep(p2, make(g), m, v, mx, { ...adam, step: 3, weightDecay: 0.01, decoupled: true });
      const p3 = make(start); const s = make([0.5, 0.5, 0.5, 0.5]); const a = make([0.1, 0.1, 0.1, 0.1]); const b3 = make([0, 0, 0, 0]);
      jsBackend.rmspropStep(p3, make(g), s, a, b3, { ...rms, momentum: 0.9 });
      return [p1, b1, p2, m, v, mx, p3, s, a, b3].map((x) => Array.from(x));
    };
    const single = run((xs) => Float32Array.from(xs));
    const double = run((xs) => Float64Array.from(xs));
    single.forEach((xs, i) => expectAllClose(xs, double[i], { atol: 1e-7, rtol: 1e-6 }));
  });
});
