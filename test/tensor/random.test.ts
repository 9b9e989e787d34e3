// The seeded generator behind rand, randn and randint: same seed, same numbers; different
// seeds, different numbers; and distributions that are roughly what their names promise.
import { describe, expect, it } from 'vitest';
import { Generator, manualSeed, rand, randint, randn } from '../../src/index.js';

function meanAndStd(values: ArrayLike<number>): [number, number] {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  const mean = sum / values.length;
  let sq = 0;
  for (let i = 0; i < values.length; i++) sq += (values[i] - mean) ** 2;
  return [mean, Math.sqrt(sq / (values.length - 1))];
}

describe('manualSeed', () => {
  it('the same seed gives bit-identical sequences from rand, randn and randint', () => {
    const draw = () => [rand([5]), randn([2, 3], { dtype: 'float64' }), randint(0, 100, [4])].map((t) => Array.from(t.data));
    manualSeed(42);
    const first = draw();
    manualSeed(42);
    const second = draw();
    expect(second).toEqual(first);
  });

  it('different seeds give different sequences', () => {
    manualSeed(1);
    const a = Array.from(randn([8]).data);
    manualSeed(2);
    const b = Array.from(randn([8]).data);
    expect(b).not.toEqual(a);
  });

  it('successive draws without reseeding differ', () => {
    manualSeed(7);
    const a = Array.from(rand([8]).data);
    const b = Array.from(rand([8]).data);
    expect(b).not.toEqual(a);
  });

  it('a Generator passed in options is independent of the default one', () => {
    const g1 = new Generator(5);
    const g2 = new Generator(5);
    manualSeed(0);
    const a = Array.from(randn([6], { generator: g1 }).data);
    randn([100]);                                      // advances only the default generator
    const b = Array.from(randn([6], { generator: g2 }).data);
    expect(b).toEqual(a);
  });

  it('a generator state can be saved and restored to continue the same sequence', () => {
    const g = new Generator(11);
    rand([3], { generator: g });
    const state = g.getState();
    const next = Array.from(randn([5], { generator: g }).data);
    g.setState(state);
    expect(Array.from(randn([5], { generator: g }).data)).toEqual(next);
  });
});

describe('distributions', () => {
  it('randn: 10 000 samples have mean ≈ 0 and standard deviation ≈ 1', () => {
    manualSeed(123);
    const x = randn([100, 100], { dtype: 'float64' });
    expect(x.shape).toEqual([100, 100]);
    expect(x.dtype).toBe('float64');
    const [mean, std] = meanAndStd(x.data);
    // The standard error of the mean is 1/√10000 = 0.01; 0.04 is four of them.
    expect(Math.abs(mean)).toBeLessThan(0.04);
    expect(Math.abs(std - 1)).toBeLessThan(0.04);
  });

  it('rand: uniform in [0, 1), mean ≈ 1/2 and variance ≈ 1/12', () => {
    manualSeed(9);
    const u = rand([10_000]);
    expect(u.dtype).toBe('float32');
    const data = Array.from(u.data);
    expect(Math.min(...data)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...data)).toBeLessThan(1);
    const [mean, std] = meanAndStd(data);
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.015);
    expect(Math.abs(std - Math.sqrt(1 / 12))).toBeLessThan(0.01);
  });

  it('randint: int32 values in [low, high), each one drawn', () => {
    manualSeed(3);
    const r = randint(-2, 3, [2000]);
    expect(r.dtype).toBe('int32');
    const seen = new Set(r.data);
    expect([...seen].sort((a, b) => a - b)).toEqual([-2, -1, 0, 1, 2]);
  });

  it('rand and randn take a float dtype and requiresGrad', () => {
    const t = rand([2], { dtype: 'float64', requiresGrad: true });
    expect(t.dtype).toBe('float64');
    expect(t.requiresGrad).toBe(true);
  });
});
