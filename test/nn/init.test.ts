import { describe, expect, it } from 'vitest';
import { Generator, manualSeed, nn, tensor, zeros, type Tensor } from '../../src/index.js';
import { expectAllClose } from '../helpers/close.js';

const init = nn.init;

function stats(t: Tensor): { mean: number; std: number; min: number; max: number } {
  const v = Array.from(t.data);
  const mean = v.reduce((s, x) => s + x, 0) / v.length;
  const std = Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length);
  return { mean, std, min: Math.min(...v), max: Math.max(...v) };
}

describe('calculateGain and fans', () => {
  it("uses PyTorch's gains", () => {
    expect(init.calculateGain('linear')).toBe(1);
    expect(init.calculateGain('conv2d')).toBe(1);
    expect(init.calculateGain('sigmoid')).toBe(1);
    expect(init.calculateGain('tanh')).toBeCloseTo(5 / 3, 15);
    expect(init.calculateGain('relu')).toBeCloseTo(Math.sqrt(2), 15);
    expect(init.calculateGain('leakyRelu')).toBeCloseTo(Math.sqrt(2 / (1 + 0.01 ** 2)), 15);
    expect(init.calculateGain('leakyRelu', Math.sqrt(5))).toBeCloseTo(Math.sqrt(1 / 3), 15);
    expect(init.calculateGain('selu')).toBe(0.75);
    expect(() => init.calculateGain('swish' as 'relu')).toThrow(/unsupported nonlinearity "swish"/);
  });

  it('computes fans of [out, in] and [out, in, k…] weights', () => {
    expect(init.calculateFanInAndFanOut(zeros([3, 5]))).toEqual({ fanIn: 5, fanOut: 3 });
    expect(init.calculateFanInAndFanOut(zeros([8, 4, 3, 3]))).toEqual({ fanIn: 36, fanOut: 72 });
    expect(() => init.calculateFanInAndFanOut(zeros([5]))).toThrow(/shape \[5\]; it needs at least 2 dimensions/);
  });
});

describe('initialisers', () => {
  it('uniform_ and normal_ fill with the requested distribution', () => {
    manualSeed(0);
    const u = stats(init.uniform_(zeros([20000], { dtype: 'float64' }), -2, 3));
    expect(u.min).toBeGreaterThanOrEqual(-2);
    expect(u.max).toBeLessThan(3);
    expect(u.mean).toBeCloseTo(0.5, 1);
    expect(u.std).toBeCloseTo(5 / Math.sqrt(12), 1);
    const n = stats(init.normal_(zeros([20000], { dtype: 'float64' }), 1, 0.5));
    expect(n.mean).toBeCloseTo(1, 1);
    expect(n.std).toBeCloseTo(0.5, 1);
  });

  it('constant_, zeros_ and ones_ fill and return the same tensor', () => {
    const t = tensor([1, 2, 3]);
    expect(init.constant_(t, 7)).toBe(t);
    expectAllClose(t, [7, 7, 7]);
    expectAllClose(init.zeros_(t), [0, 0, 0]);
    expectAllClose(init.ones_(t), [1, 1, 1]);
  });

  it('xavierUniform_ bounds by gain·√(6/(fanIn + fanOut))', () => {
    manualSeed(1);
    const w = init.xavierUniform_(zeros([100, 200], { dtype: 'float64' }), 2);
    const bound = 2 * Math.sqrt(6 / 300);
    const s = stats(w);
    expect(s.max).toBeLessThanOrEqual(bound);
    expect(s.min).toBeGreaterThanOrEqual(-bound);
    expect(s.std / (bound / Math.sqrt(3))).toBeCloseTo(1, 1);
  });

  it('xavierNormal_ has std gain·√(2/(fanIn + fanOut))', () => {
    manualSeed(2);
    const s = stats(init.xavierNormal_(zeros([100, 200], { dtype: 'float64' })));
    expect(s.std / Math.sqrt(2 / 300)).toBeCloseTo(1, 1);
  });

  it('kaimingUniform_ and kaimingNormal_ use gain/√fan for the chosen mode', () => {
    manualSeed(3);
    const relu = init.kaimingNormal_(zeros([50, 400], { dtype: 'float64' }), { nonlinearity: 'relu' });
    expect(stats(relu).std / (Math.sqrt(2) / Math.sqrt(400))).toBeCloseTo(1, 1);
    const fanOut = init.kaimingNormal_(zeros([400, 50], { dtype: 'float64' }), { nonlinearity: 'relu', mode: 'fanOut' });
    expect(stats(fanOut).std / (Math.sqrt(2) / Math.sqrt(400))).toBeCloseTo(1, 1);
    // The default (leaky ReLU, a = 0) has gain √2: bound √3·√2/√fanIn.
    const u = stats(init.kaimingUniform_(zeros([50, 400], { dtype: 'float64' })));
    const bound = Math.sqrt(3) * Math.sqrt(2) / 20;
    expect(u.max).toBeLessThanOrEqual(bound);
    expect(u.max).toBeGreaterThan(0.95 * bound);
    // a = √5 gives nn.Linear's U(−1/√fanIn, 1/√fanIn).
    const linear = stats(init.kaimingUniform_(zeros([50, 400], { dtype: 'float64' }), { a: Math.sqrt(5) }));
    expect(linear.max).toBeLessThanOrEqual(1 / 20);
    expect(linear.max).toBeGreaterThan(0.95 / 20);
    expect(() => init.kaimingUniform_(zeros([2, 2]), { mode: 'fan_in' as 'fanIn' })).toThrow(/mode must be 'fanIn' or 'fanOut'/);
  });

  it('repeat with the same seed or generator', () => {
    const a = init.xavierUniform_(zeros([3, 4]), 1, { generator: new Generator(4) });
    const b = init.xavierUniform_(zeros([3, 4]), 1, { generator: new Generator(4) });
    expectAllClose(b, a, { atol: 0, rtol: 0 });
    manualSeed(9);
    const c = init.normal_(zeros([5]));
    manualSeed(9);
    expectAllClose(init.normal_(zeros([5])), c, { atol: 0, rtol: 0 });
  });

  it('refuse integer tensors for random fills', () => {
    expect(() => init.uniform_(zeros([2], { dtype: 'int32' }))).toThrow(/uniform_: needs a float tensor, got int32/);
  });
});
