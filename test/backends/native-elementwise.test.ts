import { afterAll, describe, expect, it } from 'vitest';
import type { BinaryOp, UnaryOp } from '../../src/backend/backend.js';
import { jsBackend } from '../../src/backends/js/index.js';
import { BINARY_CODES, UNARY_CODES } from '../../src/backends/native/addon.js';
import { allocate, floatOf, promote, type DType, type TypedArray } from '../../src/tensor/dtype.js';
import { broadcastShapes, sizeOf } from '../../src/tensor/shape.js';
import { ALL_ISAS, DTYPES, ISAS, Rng, addon, broadcastable, expectSame, native, randomShape, useIsa, type Tolerance } from './native-helpers.js';

// Unary, binary (with broadcasting), where, clamp and cast of the native backend against the js
// backend, on every dtype combination the ops produce, on shapes from scalars to a few thousand
// elements, with NaN, ±Infinity and ±0 among the inputs.

const best = addon.isa();
afterAll(() => {
  addon.setIsa(best);
});

const UNARY = Object.keys(UNARY_CODES) as UnaryOp[];
const BINARY = Object.keys(BINARY_CODES) as BinaryOp[];
const FLOAT_ONLY_UNARY = new Set<UnaryOp>(['exp', 'log', 'sqrt', 'reciprocal', 'tanh', 'sigmoid', 'leakyRelu', 'gelu', 'erf']);
const TRANSCENDENTAL = new Set<string>(['exp', 'log', 'tanh', 'sigmoid', 'gelu', 'erf', 'pow']);

/** Sprinkles special values into a float array (about one in eight elements). */
function withSpecials(rng: Rng, x: TypedArray): TypedArray {
  if (x instanceof Int32Array) return x;
  const specials = [NaN, Infinity, -Infinity, 0, -0, 1, -1, 1e-30, -1e30, 0.5];
  for (let i = 0; i < x.length; i++) if (rng.next() < 0.125) x[i] = rng.pick(specials);
  return x;
}

/**
 * How far native may be from js: exact for arithmetic (float32 + − × ÷ √ round alike, and
 * int32 and mixed dtypes compute in double like js); a few ulps for transcendental functions
 * (float32 computes in float32, where js computes in double and rounds).
 */
function tolerance(op: string, dtype: DType): Tolerance {
  if (!TRANSCENDENTAL.has(op)) return {};
  if (dtype === 'float32') return { rtol: 4e-7, atol: op === 'gelu' ? 1e-13 : 1e-37 };
  // js's erf is its own series (a continued fraction in the tails), native uses libm's: both
  // within a few ulps of the correctly rounded value. Both compute gelu's far left tail with
  // erfc; nearer 0 js's 1 + erf(x/√2) cancels away a few ulps of the result.
  if (op === 'erf') return { rtol: 4e-15, atol: 1e-300 };
  if (op === 'gelu') return { rtol: 1e-14, atol: 1e-300 };
  return { rtol: 1e-14, atol: 1e-300 };
}

for (const isa of ALL_ISAS) {
  describe.skipIf(!ISAS.includes(isa))(`native elementwise on ${isa}${ISAS.includes(isa) ? '' : ' (this CPU cannot run it)'}`, () => {
    it('unary: every op on every dtype, with special values', () => {
      useIsa(isa);
      const rng = new Rng(11);
      for (const op of UNARY) {
        for (const dtype of DTYPES) {
          for (const n of [1, 7, 33, 1000, 4099]) {
            const x = withSpecials(rng, rng.array(dtype, n, dtype === 'int32' ? -50 : -6, dtype === 'int32' ? 50 : 6));
            const outDtype = FLOAT_ONLY_UNARY.has(op) ? floatOf(dtype) : dtype;
            const param = op === 'leakyRelu' ? 0.01 : 0;
            expectSame(native.unary(op, x, outDtype, param), jsBackend.unary(op, x, outDtype, param), `${op} ${dtype}[${n}]`, tolerance(op, outDtype));
          }
        }
      }
    });

    it('unary: exp over its whole float32 range, the subnormals and the overflow included', () => {
      useIsa(isa);
      const x = new Float32Array(20001);
      for (let i = 0; i < x.length; i++) x[i] = -110 + (200 * i) / (x.length - 1);
      const expected = jsBackend.unary('exp', x, 'float32');
      const actual = native.unary('exp', x, 'float32');
      // Relative to the smallest normal where results are subnormal: their spacing is absolute.
      expectSame(actual, expected, 'exp float32 range', { rtol: 4e-7, atol: 2 * 1.4e-45 });
    });

    it('binary: every op, same shapes and broadcast shapes, every dtype pair', () => {
      useIsa(isa);
      const rng = new Rng(12);
      for (const op of BINARY) {
        for (const da of DTYPES) {
          for (const db of DTYPES) {
            for (let t = 0; t < 6; t++) {
              const outShape = randomShape(rng, rng.int(0, 4), 5000);
              const aShape = t === 0 ? outShape : broadcastable(rng, outShape);
              const bShape = t === 1 ? [] : broadcastable(rng, outShape);
              const shape = broadcastShapes(aShape, bShape, op);
              const a = withSpecials(rng, rng.array(da, sizeOf(aShape), da === 'int32' ? -9 : -3, da === 'int32' ? 9 : 3));
              const b = withSpecials(rng, rng.array(db, sizeOf(bShape), db === 'int32' ? -9 : -3, db === 'int32' ? 9 : 3));
              const common = promote(da, db);
              const isMask = ['eq', 'ne', 'lt', 'le', 'gt', 'ge'].includes(op);
              const outDtype: DType = isMask ? 'int32' : op === 'div' ? floatOf(common) : common;
              const what = `${op} ${da}[${aShape}] ${db}[${bShape}] → ${outDtype}[${shape}]`;
              expectSame(native.binary(op, a, aShape, b, bShape, shape, outDtype), jsBackend.binary(op, a, aShape, b, bShape, shape, outDtype), what, tolerance(op, outDtype));
            }
          }
        }
      }
    });

    it('binary: int32 arithmetic wraps as an Int32Array store does', () => {
      useIsa(isa);
      const a = new Int32Array([2 ** 31 - 1, -(2 ** 31), 2 ** 30, 46341, -7, 123456789]);
      const b = new Int32Array([1, -1, 4, 46341, 2, 987654321]);
      for (const op of ['add', 'sub', 'mul', 'pow', 'maximum'] as const) {
        expectSame(native.binary(op, a, [6], b, [6], [6], 'int32'), jsBackend.binary(op, a, [6], b, [6], [6], 'int32'), `int32 ${op}`);
      }
    });

    it('where: conditions of every dtype, broadcast operands', () => {
      useIsa(isa);
      const rng = new Rng(13);
      for (const dc of DTYPES) {
        for (const dtype of DTYPES) {
          for (let t = 0; t < 8; t++) {
            const outShape = randomShape(rng, rng.int(1, 4), 4000);
            const cShape = broadcastable(rng, outShape);
            const aShape = broadcastable(rng, outShape);
            const bShape = t === 0 ? [] : broadcastable(rng, outShape);
            const shape = broadcastShapes(broadcastShapes(cShape, aShape, 'where'), bShape, 'where');
            const c = withSpecials(rng, rng.array(dc, sizeOf(cShape), -1, 1));
            const a = rng.array(dtype, sizeOf(aShape));
            const b = rng.array(t === 2 ? 'int32' : dtype, sizeOf(bShape));
            const outDtype = promote(dtype, t === 2 ? 'int32' : dtype);
            expectSame(native.where(c, cShape, a, aShape, b, bShape, shape, outDtype), jsBackend.where(c, cShape, a, aShape, b, bShape, shape, outDtype), `where ${dc}[${cShape}] ${dtype}[${aShape}] [${bShape}] → [${shape}]`);
          }
        }
      }
    });

    it('clamp: bounds of either side, infinite and fractional, on every dtype', () => {
      useIsa(isa);
      const rng = new Rng(14);
      for (const dtype of DTYPES) {
        const x = withSpecials(rng, rng.array(dtype, 3001, -10, 10));
        for (const [lo, hi] of [[-1, 1], [-Infinity, 2.5], [0.5, Infinity], [0.1, 0.1], [-3.7, 7.25]]) {
          expectSame(native.clamp(x, lo, hi), jsBackend.clamp(x, lo, hi), `clamp ${dtype} [${lo}, ${hi}]`);
        }
      }
    });

    it('cast: every pair of dtypes, truncation toward zero and wrapping into int32', () => {
      useIsa(isa);
      const rng = new Rng(15);
      for (const from of DTYPES) {
        for (const to of DTYPES) {
          const x = withSpecials(rng, rng.array(from, 2049, -1e10, 1e10));
          expectSame(native.cast(x, to), jsBackend.cast(x, to), `cast ${from} → ${to}`);
        }
      }
      const edges = new Float64Array([2 ** 31, -(2 ** 31) - 1, 2 ** 32 + 5.9, -2.5, 1e300, -0.9, NaN, Infinity, -(2 ** 31) - 0.5]);
      expectSame(native.cast(edges, 'int32'), jsBackend.cast(edges, 'int32'), 'cast edges → int32');
    });
  });
}

describe('native elementwise routing', () => {
  it('the default backend sends small arrays to js and large ones to C++, with equal results', async () => {
    const { createNativeBackend } = await import('../../src/backends/native/index.js');
    const routed = createNativeBackend(addon);
    const rng = new Rng(16);
    for (const n of [1, 10, 255, 256, 5000]) {
      const a = rng.array('float32', n);
      const b = rng.array('float32', n);
      expectSame(routed.binary('mul', a, [n], b, [n], [n], 'float32'), jsBackend.binary('mul', a, [n], b, [n], [n], 'float32'), `mul [${n}]`);
      expectSame(routed.unary('exp', a, 'float32'), jsBackend.unary('exp', a, 'float32'), `exp [${n}]`, { rtol: 4e-7 });
    }
  });

  it('outputs are new arrays of the requested dtype; inputs are untouched', () => {
    const x = new Float32Array(1000).fill(2);
    const y = native.unary('sqrt', x, 'float32');
    expect(y).not.toBe(x);
    expect(x[0]).toBe(2);
    expect(y).toBeInstanceOf(Float32Array);
    expect(allocate('int32', 1)).toBeInstanceOf(Int32Array);
  });
});
