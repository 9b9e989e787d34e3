import { allocate, dtypeOf, type TypedArray } from '../../tensor/dtype.js';
import { sizeOf, stridesOf, type Shape } from '../../tensor/shape.js';

/**
 * For each element of the index tensor, the flat offset of the element of a tensor of `target`
 * shape that it points at (the index value replaces the coordinate along `axis`). Offsets first,
 * then a plain loop per kernel: with a visitor called per element, the cross-entropy's gather
 * and scatterAdd of 64 labels took 1.6 and 3.8 µs.
 */
function targetOffsets(index: Int32Array, indexShape: Shape, axis: number, target: Shape): Int32Array {
  const rank = indexShape.length;
  const strides = stridesOf(target);
  const n = sizeOf(indexShape);
  const offsets = new Int32Array(n);
  if (rank === 2 && axis === 1) {
    // [rows, k] picks along the last axis, as a loss picks each sample's label.
    const [rows, k] = indexShape;
    const stride = strides[0];
    for (let r = 0, i = 0; r < rows; r++) {
      for (let j = 0; j < k; j++, i++) offsets[i] = r * stride + index[i];
    }
    return offsets;
  }
  const coord = new Array<number>(rank).fill(0);
  for (let i = 0; i < n; i++) {
    let at = 0;
    for (let d = 0; d < rank; d++) at += (d === axis ? index[i] : coord[d]) * strides[d];
    offsets[i] = at;
    for (let d = rank - 1; d >= 0; d--) {
      if (++coord[d] < indexShape[d]) break;
      coord[d] = 0;
    }
  }
  return offsets;
}

export function gather(x: TypedArray, shape: Shape, index: Int32Array, indexShape: Shape, axis: number): TypedArray {
  const out = allocate(dtypeOf(x), sizeOf(indexShape));
  const offsets = targetOffsets(index, indexShape, axis, shape);
  for (let i = 0; i < offsets.length; i++) out[i] = x[offsets[i]];
  return out;
}

export function scatterAdd(x: TypedArray, index: Int32Array, indexShape: Shape, axis: number, outShape: Shape): TypedArray {
  const out = allocate(dtypeOf(x), sizeOf(outShape));
  const offsets = targetOffsets(index, indexShape, axis, outShape);
  for (let i = 0; i < offsets.length; i++) out[offsets[i]] += x[i];
  return out;
}
