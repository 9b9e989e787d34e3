import { expect } from 'vitest';
import type { NestedArray } from '../../src/index.js';
import { Tensor } from '../../src/index.js';

export interface CloseOptions {
  atol?: number;
  rtol?: number;
}

function flat(value: Tensor | NestedArray | ArrayLike<number>): number[] {
  if (value instanceof Tensor) return Array.from(value.data);
  if (typeof value === 'number') return [value];
  if (Array.isArray(value)) return (value as NestedArray[]).flatMap((v) => flat(v));
  return Array.from(value as ArrayLike<number>);
}

/**
 * Asserts |actual − expected| ≤ atol + rtol·|expected| elementwise (NaN equals NaN), and that the
 * shapes agree when both are tensors; the failure names the worst index and both values.
 */
export function expectAllClose(actual: Tensor | NestedArray | ArrayLike<number>, expected: Tensor | NestedArray | ArrayLike<number>, options: CloseOptions = {}): void {
  const atol = options.atol ?? 1e-6;
  const rtol = options.rtol ?? 1e-5;
  if (actual instanceof Tensor && expected instanceof Tensor) {
    expect(actual.shape, 'shape').toEqual(expected.shape);
  }
  const a = flat(actual);
  const e = flat(expected);
  expect(a.length, 'number of elements').toBe(e.length);
  let worst = -1;
  let worstRatio = 0;
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(a[i]) && Number.isNaN(e[i])) continue;
    if (a[i] === e[i]) continue;
    const err = Math.abs(a[i] - e[i]);
    const ratio = Number.isNaN(err) ? Infinity : err / (atol + rtol * Math.abs(e[i]));
    if (ratio > worstRatio) {
      worstRatio = ratio;
      worst = i;
    }
  }
  if (worstRatio > 1) {
    expect.fail(`not close at flat index ${worst}: got ${a[worst]}, expected ${e[worst]} (|diff| ${Math.abs(a[worst] - e[worst]).toExponential(3)}, atol ${atol}, rtol ${rtol}; ${a.length} elements)`);
  }
}
