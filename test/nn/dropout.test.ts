import { describe, expect, it } from 'vitest';
import { Generator, manualSeed, nn, ones, rand, tensor } from '../../src/index.js';
import { expectAllClose } from '../helpers/close.js';

describe('Dropout', () => {
  it('repeats its mask under the same seed', () => {
    const drop = new nn.Dropout(0.5);
    const x = rand([1000]);
    manualSeed(42);
    const a = drop.forward(x);
    manualSeed(42);
    const b = drop.forward(x);
    const c = drop.forward(x);
    expectAllClose(b, a, { atol: 0, rtol: 0 });
    expect(Array.from(c.data)).not.toEqual(Array.from(a.data));
  });

  it('zeroes about p of the elements and scales the rest by 1/(1 − p)', () => {
    manualSeed(1);
    const p = 0.3;
    const x = rand([20000], { dtype: 'float64' }).add(1);   // no zeros of its own
    const y = new nn.Dropout(p).forward(x);
    let dropped = 0;
    let worst = 0;
    for (let i = 0; i < x.size; i++) {
      if (y.data[i] === 0) dropped++;
      else worst = Math.max(worst, Math.abs(y.data[i] - x.data[i] / (1 - p)));
    }
    expect(worst).toBeLessThan(1e-12);
    // Binomial(20000, 0.3): standard deviation of the fraction ≈ 0.0032.
    expect(Math.abs(dropped / x.size - p)).toBeLessThan(0.015);
  });

  it('is the identity in eval mode, and for p = 0', () => {
    const x = rand([50]);
    const drop = new nn.Dropout(0.9).eval();
    expect(drop.forward(x)).toBe(x);
    expect(new nn.Dropout(0).forward(x)).toBe(x);
  });

  it('drops everything for p = 1', () => {
    const y = new nn.Dropout(1).forward(ones([4]));
    expectAllClose(y, [0, 0, 0, 0]);
  });

  it('passes the gradient through the kept elements, scaled', () => {
    manualSeed(3);
    const x = ones([200], { dtype: 'float64', requiresGrad: true });
    const y = new nn.Dropout(0.25).forward(x);
    y.sum().backward();
    // The gradient equals the mask: 0 where dropped, 1/(1 − p) where kept.
    expectAllClose(x.grad!, y.data, { atol: 0, rtol: 0 });
    expect(new Set(Array.from(x.grad!.data))).toEqual(new Set([0, 1 / 0.75]));
  });

  it('can draw from its own generator, leaving the default one alone', () => {
    const x = ones([100]);
    const a = new nn.Dropout(0.5, { generator: new Generator(8) }).forward(x);
    const b = new nn.Dropout(0.5, { generator: new Generator(8) }).forward(x);
    expectAllClose(b, a, { atol: 0, rtol: 0 });
    manualSeed(0);
    const before = rand([3]);
    manualSeed(0);
    new nn.Dropout(0.5, { generator: new Generator(1) }).forward(x);
    expectAllClose(rand([3]), before, { atol: 0, rtol: 0 });
  });

  it('checks p', () => {
    expect(() => new nn.Dropout(1.5)).toThrow(/p must be in \[0, 1\], got 1.5/);
    expect(() => nn.functional.dropout(tensor([1]), -0.1)).toThrow(/p must be in \[0, 1\]/);
    expect(() => nn.functional.dropout(tensor([1], { dtype: 'int32' }))).toThrow(/input must be a float tensor/);
  });
});
