import { afterAll, describe, expect, it } from 'vitest';
import type { MatmulParams } from '../../src/backend/backend.js';
import { jsBackend } from '../../src/backends/js/index.js';
import type { DType, TypedArray } from '../../src/tensor/dtype.js';
import { ALL_ISAS, EPS, ISAS, Rng, SIZES, addon, expectSame, native, useIsa } from './native-helpers.js';

// Every matrix product of the native backend against the js one: all four transpose flags,
// batches with and without broadcast (stride 0), sizes that leave partial register tiles and
// partial cache blocks, on every instruction-set path this CPU runs and on 1, 2 and 3 threads.

const best = addon.isa();
const defaultThreads = addon.threads();
afterAll(() => {
  addon.setIsa(best);
  addon.setThreads(defaultThreads);
});

function absOf(x: TypedArray): Float64Array {
  return Float64Array.from(x, Math.abs);
}

/**
 * The product on js and native, and the bound a correct float result meets: each entry within
 * 2k·eps·Σ|a||b| of js (both sum k products in some order, each rounding by at most eps).
 */
function check(rng: Rng, dtype: DType, p: MatmulParams, what: string, threads: readonly number[] = [defaultThreads]): void {
  const lenA = p.batch === 0 ? 0 : (p.batch - 1) * p.strideA + p.m * p.k;
  const lenB = p.batch === 0 ? 0 : (p.batch - 1) * p.strideB + p.k * p.n;
  const a = rng.array(dtype, Math.max(lenA, 1));
  const b = rng.array(dtype, Math.max(lenB, 1));
  const expected = jsBackend.matmul(a, b, p, dtype);
  const scale = dtype === 'int32' ? null : jsBackend.matmul(absOf(a), absOf(b), p, 'float64');
  for (const t of threads) {
    addon.setThreads(t);
    const actual = native.matmul(a, b, p, dtype);
    const label = `${what}${threads.length > 1 ? ` on ${t} threads` : ''}`;
    if (scale === null) {
      expectSame(actual, expected, label);
    } else {
      expectSame(actual, expected, label, { scale, ulps: 2 * Math.max(p.k, 1) * EPS[dtype] });
    }
  }
  addon.setThreads(defaultThreads);
}

function shapeCase(rng: Rng, sizes: readonly number[]): MatmulParams {
  const m = rng.pick(sizes), n = rng.pick(sizes), k = rng.pick(sizes);
  const batch = rng.pick([1, 1, 2, 3]);
  const broadcast = rng.int(0, 2); // 0: none, 1: A repeated, 2: B repeated
  return {
    batch, m, n, k,
    transA: rng.next() < 0.5,
    transB: rng.next() < 0.5,
    strideA: batch > 1 && broadcast === 1 ? 0 : m * k,
    strideB: batch > 1 && broadcast === 2 ? 0 : k * n,
  };
}

const describeName = (p: MatmulParams): string =>
  `batch ${p.batch} (strides ${p.strideA}, ${p.strideB}) ${p.m}×${p.k}${p.transA ? 'ᵀ' : ''} · ${p.k}×${p.n}${p.transB ? 'ᵀ' : ''}`;

for (const isa of ALL_ISAS) {
  describe.skipIf(!ISAS.includes(isa))(`native matmul on ${isa}${ISAS.includes(isa) ? '' : ' (this CPU cannot run it)'}`, () => {
    for (const dtype of ['float32', 'float64'] as const) {
      it(`${dtype}: every transpose flag, on sizes 1 … 97, batched and broadcast`, () => {
        useIsa(isa);
        const rng = new Rng(1234 + dtype.length);
        for (const transA of [false, true]) {
          for (const transB of [false, true]) {
            for (let t = 0; t < 40; t++) {
              const p = { ...shapeCase(rng, SIZES), transA, transB };
              check(rng, dtype, p, `${isa} ${dtype} ${describeName(p)}`);
            }
          }
        }
      });

      it(`${dtype}: sizes past the cache blocks (k > KC, n > NR panels, m > MC) and dot-product shapes on 1, 2 and 3 threads`, () => {
        useIsa(isa);
        const rng = new Rng(99);
        // [7, 9, 677], [61, 78, 401] and [130, 7, 99], with A·Bᵀ, take the dot-product kernel (a
        // narrow side and a long k), with partial 4×4 tiles and a k that is no multiple of any
        // vector width; the last three the packed kernel's narrow tile (m = 8 or 16), past its KC
        // and, for [9, 4100, 20], its NC. [150, 70, 1100] cuts k into three equal slices, none of
        // them KC deep.
        const cases: Array<[number, number, number]> = [
          [300, 70, 263], [130, 290, 301], [65, 1, 700], [1, 300, 513], [229, 229, 229], [14, 33, 520], [200, 200, 40], [150, 70, 1100],
          [7, 9, 677], [61, 78, 401], [130, 7, 99], [16, 121, 300], [8, 700, 9], [9, 4100, 20],
        ];
        const threads = [1, 2, 3];
        for (const [m, n, k] of cases) {
          for (const flags of [[false, false], [true, false], [false, true], [true, true]] as const) {
            const p: MatmulParams = { batch: 1, m, n, k, transA: flags[0], transB: flags[1], strideA: m * k, strideB: k * n };
            check(rng, dtype, p, `${isa} ${dtype} ${describeName(p)}`, threads);
          }
        }
        // Many small products (parallel over the batch), a stack of A's on one B (folded into one
        // taller product), and one A against a stack of B's.
        check(rng, dtype, { batch: 37, m: 9, n: 11, k: 13, transA: false, transB: true, strideA: 117, strideB: 143 }, `${isa} batch 37 small`, threads);
        check(rng, dtype, { batch: 5, m: 40, n: 70, k: 90, transA: false, transB: false, strideA: 3600, strideB: 0 }, `${isa} folded batch`, threads);
        check(rng, dtype, { batch: 4, m: 70, n: 40, k: 90, transA: true, transB: false, strideA: 0, strideB: 3600 }, `${isa} broadcast A`, threads);
      });
    }
  });
}

describe('native matmul, the rest', () => {
  it('int32 products store as the js backend stores them (wrapping past 2^31)', () => {
    const rng = new Rng(5);
    for (let t = 0; t < 30; t++) {
      const p = shapeCase(rng, [1, 2, 3, 7, 16, 33]);
      check(rng, 'int32', p, `int32 ${describeName(p)}`);
    }
    const big = new Int32Array([2 ** 30, 2 ** 30, 3, 2 ** 29]);
    const p: MatmulParams = { batch: 1, m: 2, n: 2, k: 2, transA: false, transB: false, strideA: 4, strideB: 4 };
    expectSame(native.matmul(big, big, p, 'int32'), jsBackend.matmul(big, big, p, 'int32'), 'int32 overflow');
  });

  it('k = 0 gives zeros; m or n = 0 gives an empty result', () => {
    const z = native.matmul(new Float32Array(0), new Float32Array(0), { batch: 2, m: 3, n: 4, k: 0, transA: false, transB: false, strideA: 0, strideB: 0 }, 'float32');
    expect(Array.from(z)).toEqual(new Array(24).fill(0));
    expect(native.matmul(new Float64Array(0), new Float64Array(6), { batch: 1, m: 0, n: 2, k: 3, transA: false, transB: false, strideA: 0, strideB: 6 }, 'float64').length).toBe(0);
  });

  it('mixed dtypes are promoted as the js backend promotes them', () => {
    const rng = new Rng(8);
    const a = rng.array('float32', 35 * 21);
    const b = rng.array('float64', 21 * 40);
    const p: MatmulParams = { batch: 1, m: 35, n: 40, k: 21, transA: false, transB: false, strideA: 0, strideB: 0 };
    expectSame(native.matmul(a, b, p, 'float64'), jsBackend.matmul(a, b, p, 'float64'), 'float32 · float64', { atol: 1e-12 });
  });

  it('NaN and Infinity propagate (no skipped zeros)', () => {
    const a = new Float32Array(64 * 64).fill(0);
    const b = new Float32Array(64 * 64).fill(1);
    b[5] = NaN;
    b[64 * 3 + 7] = Infinity;
    const p: MatmulParams = { batch: 1, m: 64, n: 64, k: 64, transA: false, transB: false, strideA: 0, strideB: 0 };
    const out = native.matmul(a, b, p, 'float32');
    expect(Number.isNaN(out[5])).toBe(true);
    expect(Number.isNaN(out[7])).toBe(true); // 0 · ∞ = NaN
    expectSame(out, jsBackend.matmul(a, b, p, 'float32'), 'special values');
  });
});
