import { allocate, dtypeOf, type TypedArray } from '../../tensor/dtype.js';
import { sizeOf, stridesOf, type Shape } from '../../tensor/shape.js';

/**
 * Walks the index tensor; for each element, the flat offset of the element of a tensor of
 * `target` shape that it points at (the index value replaces the coordinate along `axis`).
 */
function forEachTarget(index: Int32Array, indexShape: Shape, axis: number, target: Shape, visit: (i: number, at: number) => void): void {
  const rank = indexShape.length;
  const strides = stridesOf(target);
  const coord = new Array<number>(rank).fill(0);
  const n = sizeOf(indexShape);
  for (let i = 0; i < n; i++) {
    let at = 0;
    for (let d = 0; d < rank; d++) at += (d === axis ? index[i] : coord[d]) * strides[d];
    visit(i, at);
    for (let d = rank - 1; d >= 0; d--) {
      if (++coord[d] < indexShape[d]) break;
      coord[d] = 0;
    }
  }
}

export function gather(x: TypedArray, shape: Shape, index: Int32Array, indexShape: Shape, axis: number): TypedArray {
  const out = allocate(dtypeOf(x), sizeOf(indexShape));
  forEachTarget(index, indexShape, axis, shape, (i, at) => { out[i] = x[at]; });
  return out;
}

export function scatterAdd(x: TypedArray, index: Int32Array, indexShape: Shape, axis: number, outShape: Shape): TypedArray {
  const out = allocate(dtypeOf(x), sizeOf(outShape));
  forEachTarget(index, indexShape, axis, outShape, (i, at) => { out[at] += x[i]; });
  return out;
}
