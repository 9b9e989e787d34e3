import { expect } from 'vitest';
import type { Backend } from '../../src/backend/backend.js';
import { createNativeBackend, type NativeAddon, type NativeIsa } from '../../src/backends/native/index.js';
import { allocate, type DType, type TypedArray } from '../../src/tensor/dtype.js';
import { sizeOf, type Shape } from '../../src/tensor/shape.js';
import { nativeAddon, nativeLoadError } from '../../src/node/native.js';

/**
 * The addon, or a thrown error: CI builds it (npm ci runs native/build.js), so a missing addon
 * is a failure there, never a skip.
 */
export function requireAddon(): NativeAddon {
  const addon = nativeAddon();
  if (addon === null) {
    throw new Error(`the native addon did not load (${nativeLoadError() ?? 'unknown reason'}); build it with \`node native/build.js\` (npm install and npm ci do)`);
  }
  return addon;
}

export const addon = requireAddon();

/**
 * The native backend with every size threshold at 0, so that every call reaches C++. Outputs that
 * the backend does not zero (Node's uninitialised memory in use) arrive here filled with a poison
 * value instead, so that an element a kernel fails to write fails the comparison with js.
 */
export const native: Backend = createNativeBackend(addon, {
  thresholds: { elementwise: 0, transcendental: 0, reduce: 0, movement: 0, matmulMacs: 0, optimizer: 0 },
  allocateUninitialized: (dtype, size) => allocate(dtype, size).fill(dtype === 'int32' ? 0x5a5a5a5a : -1.2345e30),
});

export const ALL_ISAS: readonly NativeIsa[] = ['avx512', 'avx2', 'avx512-tiles', 'generic'];

/** The instruction sets this CPU runs; tests force each in turn. */
export const ISAS: readonly NativeIsa[] = addon.supportedIsas();

/** Sets the instruction set, failing the test if the CPU was said to support it and refuses. */
export function useIsa(isa: NativeIsa): void {
  expect(addon.setIsa(isa), `setIsa(${isa})`).toBe(true);
  expect(addon.isa()).toBe(isa);
}

/** A small seeded generator (mulberry32): the same inputs on every run and machine. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)];
  }
  /** Uniform in [lo, hi) (ints for int32: in [lo, hi]). */
  array(dtype: DType, n: number, lo = -2, hi = 2): TypedArray {
    const x = allocate(dtype, n);
    for (let i = 0; i < n; i++) x[i] = dtype === 'int32' ? this.int(lo, hi) : lo + (hi - lo) * this.next();
    return x;
  }
}

/** Sizes that catch edge tiles and remainders: 1, primes, odd sizes and a few round ones. */
export const SIZES = [1, 2, 3, 5, 7, 8, 13, 16, 17, 31, 33, 64, 97];

export const FLOAT_DTYPES: readonly DType[] = ['float32', 'float64'];
export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32'];

/** A random shape of the given rank with sizes from SIZES, capped so the tensor stays small. */
export function randomShape(rng: Rng, rank: number, maxSize = 20000): number[] {
  for (;;) {
    const shape = Array.from({ length: rank }, () => rng.pick(SIZES));
    if (sizeOf(shape) <= maxSize) return shape;
  }
}

/** `shape` with some dimensions set to 1 (and maybe leading ones dropped): broadcasts to it. */
export function broadcastable(rng: Rng, shape: Shape): number[] {
  const out = shape.map((d) => (rng.next() < 0.4 ? 1 : d));
  const drop = rng.int(0, out.length);
  return rng.next() < 0.3 ? out.slice(drop) : out;
}

export interface Tolerance {
  atol?: number;
  rtol?: number;
  /** Per-element scale: |actual − expected| ≤ atol + rtol·|expected| + ulps·scale[i]. */
  scale?: ArrayLike<number>;
  ulps?: number;
}

/**
 * Asserts two arrays agree elementwise (NaN equals NaN, infinities must match exactly) and have
 * one dtype and length; the failure names the worst index, both values and the case.
 */
export function expectSame(actual: TypedArray, expected: TypedArray, what: string, tol: Tolerance = {}): void {
  expect(actual.constructor.name, `${what}: dtype`).toBe(expected.constructor.name);
  expect(actual.length, `${what}: length`).toBe(expected.length);
  const atol = tol.atol ?? 0;
  const rtol = tol.rtol ?? 0;
  let worst = -1;
  let worstRatio = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Object.is(a, e) || a === e || (Number.isNaN(a) && Number.isNaN(e))) continue;
    const err = Math.abs(a - e);
    const allowed = atol + rtol * Math.abs(e) + (tol.scale ? (tol.ulps ?? 0) * tol.scale[i] : 0);
    const ratio = Number.isNaN(err) || !Number.isFinite(err) ? Infinity : allowed === 0 ? Infinity : err / allowed;
    if (ratio > worstRatio) {
      worstRatio = ratio;
      worst = i;
    }
  }
  if (worstRatio > 1) {
    expect.fail(`${what}: differs at flat index ${worst}: native ${actual[worst]}, js ${expected[worst]} (|diff| ${Math.abs(actual[worst] - expected[worst]).toExponential(3)}; ${actual.length} elements)`);
  }
}

export const EPS = { float32: 2 ** -23, float64: 2 ** -52, int32: 0 } as const;
