import { allocate, dtypeOf, type DType, type TypedArray } from '../../tensor/dtype.js';
import { sizeOf, stridesOf, type Shape } from '../../tensor/shape.js';

/**
 * Copies a strided view of `x` into a new contiguous array: element (i0, …, ik) of the output is
 * x[offset + Σ id·strides[d]]. Permute, expand and slice are all this one walk.
 */
function gatherStrided(x: TypedArray, outShape: Shape, strides: readonly number[], offset: number): TypedArray {
  const rank = outShape.length;
  const n = sizeOf(outShape);
  const out = allocate(dtypeOf(x), n);
  if (n === 0) return out;
  if (rank === 0) {
    out[0] = x[offset];
    return out;
  }
  const inner = outShape[rank - 1];
  const innerStride = strides[rank - 1];
  const index = new Array<number>(rank).fill(0);
  let src = offset;
  let dst = 0;
  for (;;) {
    if (innerStride === 1) {
      for (let j = 0; j < inner; j++) out[dst + j] = x[src + j];
    } else {
      for (let j = 0, s = src; j < inner; j++, s += innerStride) out[dst + j] = x[s];
    }
    dst += inner;
    // Odometer step over the outer dimensions.
    let d = rank - 2;
    for (; d >= 0; d--) {
      index[d]++;
      src += strides[d];
      if (index[d] < outShape[d]) break;
      src -= strides[d] * outShape[d];
      index[d] = 0;
    }
    if (d < 0) return out;
  }
}

export function permute(x: TypedArray, shape: Shape, perm: readonly number[]): TypedArray {
  const inStrides = stridesOf(shape);
  const outShape = perm.map((p) => shape[p]);
  return gatherStrided(x, outShape, perm.map((p) => inStrides[p]), 0);
}

export function expand(x: TypedArray, shape: Shape, outShape: Shape): TypedArray {
  const inStrides = stridesOf(shape);
  const lead = outShape.length - shape.length;
  const strides = outShape.map((_, d) => (d < lead || shape[d - lead] === 1 ? 0 : inStrides[d - lead]));
  return gatherStrided(x, outShape, strides, 0);
}

export function slice(x: TypedArray, shape: Shape, begin: readonly number[], step: readonly number[], outShape: Shape): TypedArray {
  const inStrides = stridesOf(shape);
  let offset = 0;
  for (let d = 0; d < shape.length; d++) offset += begin[d] * inStrides[d];
  return gatherStrided(x, outShape, inStrides.map((s, d) => s * step[d]), offset);
}

export function unslice(x: TypedArray, sliceShape: Shape, begin: readonly number[], step: readonly number[], outShape: Shape): TypedArray {
  const out = allocate(dtypeOf(x), sizeOf(outShape));
  const outStrides = stridesOf(outShape);
  const rank = sliceShape.length;
  const n = x.length;
  if (n === 0) return out;
  let dst = 0;
  for (let d = 0; d < rank; d++) dst += begin[d] * outStrides[d];
  const strides = outStrides.map((s, d) => s * step[d]);
  const index = new Array<number>(rank).fill(0);
  for (let i = 0; i < n; i++) {
    out[dst] = x[i];
    for (let d = rank - 1; d >= 0; d--) {
      index[d]++;
      dst += strides[d];
      if (index[d] < sliceShape[d]) break;
      dst -= strides[d] * sliceShape[d];
      index[d] = 0;
    }
  }
  return out;
}

export function concat(xs: readonly TypedArray[], shapes: readonly Shape[], axis: number, outDtype: DType): TypedArray {
  const first = shapes[0];
  let outer = 1;
  for (let d = 0; d < axis; d++) outer *= first[d];
  let inner = 1;
  for (let d = axis + 1; d < first.length; d++) inner *= first[d];
  const blocks = shapes.map((s) => s[axis] * inner);
  const rowLength = blocks.reduce((a, b) => a + b, 0);
  const out = allocate(outDtype, outer * rowLength);
  for (let o = 0; o < outer; o++) {
    let dst = o * rowLength;
    for (let t = 0; t < xs.length; t++) {
      const len = blocks[t];
      const src = xs[t];
      const start = o * len;
      for (let j = 0; j < len; j++) out[dst + j] = src[start + j];
      dst += len;
    }
  }
  return out;
}
