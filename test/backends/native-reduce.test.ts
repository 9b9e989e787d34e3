import { describe, expect, it } from 'vitest';
import type { ReduceOp } from '../../src/backend/backend.js';
import { jsBackend } from '../../src/backends/js/index.js';
import type { DType, TypedArray } from '../../src/tensor/dtype.js';
import { sizeOf } from '../../src/tensor/shape.js';
import { DTYPES, EPS, FLOAT_DTYPES, Rng, expectSame, native, randomShape } from './native-helpers.js';

// Reductions over any set of axes, argmax/argmin and softmax/log-softmax of the native backend
// against the js backend. Reductions use no instruction-set-specific code, so one path suffices.

/** A random sorted, distinct, non-empty set of axes of a rank. */
function randomAxes(rng: Rng, rank: number): number[] {
  const axes = [];
  for (let d = 0; d < rank; d++) if (rng.next() < 0.5) axes.push(d);
  if (axes.length === 0) axes.push(rng.int(0, rank - 1));
  return axes;
}

function oracle(op: ReduceOp, x: TypedArray, shape: number[], axes: number[]): TypedArray {
  return jsBackend.reduce(op, x, shape, axes);
}

describe('native reductions', () => {
  it('sum, max, min and prod over random axes of every dtype', () => {
    const rng = new Rng(21);
    for (const op of ['sum', 'max', 'min', 'prod'] as const) {
      for (const dtype of DTYPES) {
        for (let t = 0; t < 25; t++) {
          const shape = randomShape(rng, rng.int(1, 4), 20000);
          const axes = randomAxes(rng, shape.length);
          // Products of values near 1, so that thousands of them neither overflow nor underflow.
          const lo = op === 'prod' ? 0.97 : -5;
          const hi = op === 'prod' ? 1.03 : 5;
          const x = rng.array(dtype, sizeOf(shape), dtype === 'int32' ? (op === 'prod' ? -2 : -20) : lo, dtype === 'int32' ? (op === 'prod' ? 2 : 20) : hi);
          const what = `${op} ${dtype}[${shape}] over [${axes}]`;
          const expected = oracle(op, x, shape, axes);
          if (dtype === 'int32' || op === 'max' || op === 'min') {
            expectSame(native.reduce(op, x, shape, axes), expected, what);
          } else {
            // Sums and products in another order: within n·eps of the sum of magnitudes.
            const n = sizeOf(shape) / expected.length;
            const scale = op === 'sum' ? jsBackend.reduce('sum', Float64Array.from(x, Math.abs), shape, axes) : Float64Array.from(expected, Math.abs);
            expectSame(native.reduce(op, x, shape, axes), expected, what, { scale, ulps: 2 * n * EPS[dtype] });
          }
        }
      }
    }
  });

  it('NaN propagates through max and min; int32 sums wrap; empty axes give zeros', () => {
    const x = new Float32Array(1000).fill(1);
    x[500] = NaN;
    for (const op of ['max', 'min', 'sum'] as const) {
      expect(Number.isNaN(native.reduce(op, x, [10, 100], [0, 1])[0])).toBe(true);
      expectSame(native.reduce(op, x, [10, 100], [1]), jsBackend.reduce(op, x, [10, 100], [1]), `${op} with NaN`);
    }
    const big = new Int32Array(1000).fill(2 ** 30);
    expectSame(native.reduce('sum', big, [1000], [0]), jsBackend.reduce('sum', big, [1000], [0]), 'int32 sum wraps');
    expectSame(native.reduce('sum', big, [10, 100], [1]), jsBackend.reduce('sum', big, [10, 100], [1]), 'int32 row sums wrap');
    expectSame(native.reduce('sum', new Float32Array(0), [4, 0, 3], [1]), jsBackend.reduce('sum', new Float32Array(0), [4, 0, 3], [1]), 'sum over an empty axis');
  });

  it('argmax and argmin along every axis: the first extreme wins, and so does the first NaN', () => {
    const rng = new Rng(22);
    for (const op of ['argmax', 'argmin'] as const) {
      for (const dtype of DTYPES) {
        for (let t = 0; t < 20; t++) {
          const shape = randomShape(rng, rng.int(1, 4), 20000);
          const axis = rng.int(0, shape.length - 1);
          // Few distinct values, so that ties are common.
          const x = rng.array(dtype, sizeOf(shape), -3, 3);
          if (dtype !== 'int32') for (let i = 0; i < x.length; i++) x[i] = Math.round(x[i]);
          if (dtype !== 'int32' && t % 4 === 0) x[rng.int(0, x.length - 1)] = NaN;
          expectSame(native.argReduce(op, x, shape, axis), jsBackend.argReduce(op, x, shape, axis), `${op} ${dtype}[${shape}] axis ${axis}`);
        }
      }
    }
  });

  it('softmax and log-softmax along every axis, with -Infinity rows and large inputs', () => {
    const rng = new Rng(23);
    for (const log of [false, true]) {
      for (const dtype of FLOAT_DTYPES) {
        for (let t = 0; t < 25; t++) {
          const shape = randomShape(rng, rng.int(1, 4), 20000);
          const axis = rng.int(0, shape.length - 1);
          const x = rng.array(dtype, sizeOf(shape), -30, 30);
          if (t % 5 === 0) x.fill(-Infinity, 0, Math.min(x.length, shape[shape.length - 1]));
          if (t % 7 === 0) x[0] = NaN;
          const expected = jsBackend.softmax(x, shape, axis, log);
          // exp in float32 is within 2 ulps; log-softmax errs absolutely, by ulps of the log-sum.
          const tol = dtype === 'float32' ? { rtol: 2e-6, atol: log ? 8e-6 : 1e-30 } : { rtol: 1e-13, atol: log ? 1e-13 : 1e-300 };
          expectSame(native.softmax(x, shape, axis, log), expected, `${log ? 'log' : ''}softmax ${dtype}[${shape}] axis ${axis}`, tol);
        }
      }
    }
  });

  it('softmax of a float32 batch matches to float32 precision', () => {
    const rng = new Rng(24);
    const x = rng.array('float32', 64 * 10, -8, 8);
    const y = native.softmax(x, [64, 10], 1, false);
    for (let r = 0; r < 64; r++) {
      let s = 0;
      for (let j = 0; j < 10; j++) s += y[r * 10 + j];
      expect(Math.abs(s - 1)).toBeLessThan(1e-6);
    }
  });
});

describe('native reductions, types', () => {
  it('returns arrays of the input dtype, and Int32Array indices', () => {
    const x = new Float64Array(2000).fill(1);
    expect(native.reduce('sum', x, [20, 100], [1])).toBeInstanceOf(Float64Array);
    expect(native.argReduce('argmax', x, [20, 100], 1)).toBeInstanceOf(Int32Array);
    const dtypes: DType[] = ['float32', 'float64'];
    for (const dtype of dtypes) expect(native.softmax(new (dtype === 'float32' ? Float32Array : Float64Array)(1000), [10, 100], 1, true).constructor.name).toBe(dtype === 'float32' ? 'Float32Array' : 'Float64Array');
  });
});
