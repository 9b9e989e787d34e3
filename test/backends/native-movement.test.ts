import { describe, expect, it } from 'vitest';
import { jsBackend } from '../../src/backends/js/index.js';
import { sizeOf } from '../../src/tensor/shape.js';
import { DTYPES, Rng, broadcastable, expectSame, native, randomShape } from './native-helpers.js';

// permute, expand, slice, unslice, concat, gather and scatterAdd of the native backend against
// the js backend: pure data movement (bit-exact), on every dtype and ranks 0 to 5.

function shuffled(rng: Rng, n: number): number[] {
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}

describe('native movement', () => {
  it('permute: random permutations, and large 2-D transposes (the tiled path)', () => {
    const rng = new Rng(31);
    for (const dtype of DTYPES) {
      for (let t = 0; t < 30; t++) {
        const shape = randomShape(rng, rng.int(0, 5), 30000);
        const perm = shuffled(rng, shape.length);
        const x = rng.array(dtype, sizeOf(shape));
        expectSame(native.permute(x, shape, perm), jsBackend.permute(x, shape, perm), `permute ${dtype}[${shape}] by [${perm}]`);
      }
      for (const shape of [[300, 170], [3, 64, 97], [97, 33, 17], [2, 40, 50, 3]]) {
        const x = rng.array(dtype, sizeOf(shape));
        const r = shape.length;
        const perm = [...Array.from({ length: r - 2 }, (_, i) => i), r - 1, r - 2];
        expectSame(native.permute(x, shape, perm), jsBackend.permute(x, shape, perm), `transpose ${dtype}[${shape}]`);
        const reversed = shape.map((_, i) => r - 1 - i);
        expectSame(native.permute(x, shape, reversed), jsBackend.permute(x, shape, reversed), `reverse ${dtype}[${shape}]`);
      }
    }
  });

  it('expand: broadcasts of every kind', () => {
    const rng = new Rng(32);
    for (const dtype of DTYPES) {
      for (let t = 0; t < 30; t++) {
        const outShape = randomShape(rng, rng.int(0, 5), 30000);
        const shape = broadcastable(rng, outShape);
        const x = rng.array(dtype, sizeOf(shape));
        expectSame(native.expand(x, shape, outShape), jsBackend.expand(x, shape, outShape), `expand ${dtype}[${shape}] → [${outShape}]`);
      }
    }
  });

  it('slice and unslice: random begins and steps', () => {
    const rng = new Rng(33);
    for (const dtype of DTYPES) {
      for (let t = 0; t < 30; t++) {
        const shape = randomShape(rng, rng.int(1, 4), 30000);
        const begin = shape.map((d) => rng.int(0, d - 1));
        const step = shape.map(() => rng.int(1, 3));
        const outShape = shape.map((d, i) => rng.int(1, Math.ceil((d - begin[i]) / step[i])));
        const x = rng.array(dtype, sizeOf(shape));
        const what = `${dtype}[${shape}] from [${begin}] by [${step}] → [${outShape}]`;
        const piece = native.slice(x, shape, begin, step, outShape);
        expectSame(piece, jsBackend.slice(x, shape, begin, step, outShape), `slice ${what}`);
        expectSame(native.unslice(piece, outShape, begin, step, shape), jsBackend.unslice(piece, outShape, begin, step, shape), `unslice ${what}`);
      }
    }
  });

  it('concat: along every axis, of up to five pieces, mixed dtypes promoted', () => {
    const rng = new Rng(34);
    for (const dtype of DTYPES) {
      for (let t = 0; t < 30; t++) {
        const shape = randomShape(rng, rng.int(1, 4), 8000);
        const axis = rng.int(0, shape.length - 1);
        const count = rng.int(1, 5);
        const shapes = Array.from({ length: count }, () => shape.map((d, i) => (i === axis ? rng.pick([1, 2, 5, 13]) : d)));
        const xs = shapes.map((s) => rng.array(dtype, sizeOf(s)));
        expectSame(native.concat(xs, shapes, axis, dtype), jsBackend.concat(xs, shapes, axis, dtype), `concat ${dtype} ${shapes.map((s) => `[${s}]`).join(' ')} axis ${axis}`);
      }
    }
    const a = new Int32Array(600).fill(7);
    const b = new Float32Array(600).fill(0.5);
    expectSame(native.concat([a, b], [[2, 300], [2, 300]], 1, 'float32'), jsBackend.concat([a, b], [[2, 300], [2, 300]], 1, 'float32'), 'concat int32 + float32');
  });

  it('gather and scatterAdd: random indices along every axis (repeated indices add up)', () => {
    const rng = new Rng(35);
    for (const dtype of DTYPES) {
      for (let t = 0; t < 30; t++) {
        const shape = randomShape(rng, rng.int(1, 4), 20000);
        const axis = rng.int(0, shape.length - 1);
        const indexShape = shape.map((d, i) => (i === axis ? rng.pick([1, 3, 7, 20]) : rng.int(1, d)));
        const index = new Int32Array(sizeOf(indexShape));
        for (let i = 0; i < index.length; i++) index[i] = rng.int(0, shape[axis] - 1);
        const x = rng.array(dtype, sizeOf(shape));
        const what = `${dtype}[${shape}] index [${indexShape}] axis ${axis}`;
        expectSame(native.gather(x, shape, index, indexShape, axis), jsBackend.gather(x, shape, index, indexShape, axis), `gather ${what}`);
        const g = rng.array(dtype, index.length);
        expectSame(native.scatterAdd(g, index, indexShape, axis, shape), jsBackend.scatterAdd(g, index, indexShape, axis, shape), `scatterAdd ${what}`);
      }
    }
  });

  it('an index out of range is caught in C++ (a broken invariant, not a crash)', () => {
    const x = new Float32Array(1000);
    const index = new Int32Array(1000).fill(3);
    index[999] = 10;
    expect(() => native.gather(x, [100, 10], index, [100, 10], 1)).toThrow(/internal error.*out of range/);
  });
});
