import type { ArgReduceOp, ReduceOp } from '../../backend/backend.js';
import { allocate, dtypeOf, type TypedArray } from '../../tensor/dtype.js';
import type { Shape } from '../../tensor/shape.js';

/** Splits a shape around one axis into outer × size × inner. */
function around(shape: Shape, axis: number): [number, number, number] {
  let outer = 1;
  for (let d = 0; d < axis; d++) outer *= shape[d];
  let inner = 1;
  for (let d = axis + 1; d < shape.length; d++) inner *= shape[d];
  return [outer, shape[axis], inner];
}

function reduceAxis(op: ReduceOp, x: TypedArray, shape: Shape, axis: number): TypedArray {
  const [outer, size, inner] = around(shape, axis);
  const out = allocate(dtypeOf(x), outer * inner);
  if (op === 'max' || op === 'min') {
    // Start from each column's first element: ∓Infinity does not fit in an Int32Array.
    for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) out[o * inner + i] = x[o * size * inner + i];
  } else {
    out.fill(op === 'sum' ? 0 : 1);
  }
  for (let o = 0; o < outer; o++) {
    const base = o * size * inner;
    const dst = o * inner;
    for (let r = 0; r < size; r++) {
      const src = base + r * inner;
      switch (op) {
        case 'sum': for (let i = 0; i < inner; i++) out[dst + i] += x[src + i]; break;
        case 'prod': for (let i = 0; i < inner; i++) out[dst + i] *= x[src + i]; break;
        // NaN propagates, as in PyTorch's max and min.
        case 'max': for (let i = 0; i < inner; i++) { const v = x[src + i]; if (v > out[dst + i] || v !== v) out[dst + i] = v; } break;
        case 'min': for (let i = 0; i < inner; i++) { const v = x[src + i]; if (v < out[dst + i] || v !== v) out[dst + i] = v; } break;
      }
    }
  }
  return out;
}

export function reduce(op: ReduceOp, x: TypedArray, shape: Shape, axes: readonly number[]): TypedArray {
  if (axes.length === 0) return x.slice();
  if (op === 'sum' && axes.length === shape.length) {
    // A full sum is the common case (losses); one pass, accumulated in double.
    let s = 0;
    for (let i = 0; i < x.length; i++) s += x[i];
    const out = allocate(dtypeOf(x), 1);
    out[0] = s;
    return out;
  }
  // Reduce the highest axis first so the lower axis numbers stay valid.
  let current = x;
  const dims = shape.slice();
  for (let j = axes.length - 1; j >= 0; j--) {
    current = reduceAxis(op, current, dims, axes[j]);
    dims.splice(axes[j], 1);
  }
  return current;
}

export function argReduce(op: ArgReduceOp, x: TypedArray, shape: Shape, axis: number): Int32Array {
  const [outer, size, inner] = around(shape, axis);
  const out = new Int32Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * size * inner + i;
      let best = x[base];
      let at = 0;
      for (let r = 1; r < size; r++) {
        const v = x[base + r * inner];
        if (best !== best) break; // the first NaN wins, as in PyTorch
        if (op === 'argmax' ? v > best || v !== v : v < best || v !== v) { best = v; at = r; }
      }
      out[o * inner + i] = at;
    }
  }
  return out;
}

export function softmax(x: TypedArray, shape: Shape, axis: number, log: boolean): TypedArray {
  const [outer, size, inner] = around(shape, axis);
  const out = allocate(dtypeOf(x), x.length);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * size * inner + i;
      let max = -Infinity;
      for (let r = 0; r < size; r++) max = Math.max(max, x[base + r * inner]);
      if (max === -Infinity) max = 0; // a row of -Infinity stays NaN-free until exp(−∞ − 0) = 0
      let sum = 0;
      for (let r = 0; r < size; r++) sum += Math.exp(x[base + r * inner] - max);
      if (log) {
        const lse = max + Math.log(sum);
        for (let r = 0; r < size; r++) out[base + r * inner] = x[base + r * inner] - lse;
      } else {
        for (let r = 0; r < size; r++) out[base + r * inner] = Math.exp(x[base + r * inner] - max) / sum;
      }
    }
  }
  return out;
}
