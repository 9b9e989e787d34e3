import { formatShape, normalizeDim, type Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { apply } from './apply.js';
import { defineOp, type OpDef } from './op.js';

interface GatherAttrs {
  axis: number;
  /** gather: the input's shape; scatterAdd: the output's shape. */
  shape: Shape;
}

// Gathering picks elements; its gradient adds each upstream value back where it was picked
// (several picks of one element add up).
export const gatherOp: OpDef<GatherAttrs> = defineOp<GatherAttrs>({
  name: 'gather',
  forward: (be, [x, index], { axis }) => new Tensor(be.gather(x.data, x.shape, index.data as Int32Array, index.shape, axis), index.shape, x.dtype),
  vjp: (g, { inputs: [x, index], attrs: { axis } }) => [apply(scatterAddOp, [g, index], { axis, shape: x.shape }), null],
  local: '∂yᵢ/∂x[index[i]] = 1',
});

export const scatterAddOp: OpDef<GatherAttrs> = defineOp<GatherAttrs>({
  name: 'scatterAdd',
  forward: (be, [x, index], { axis, shape }) => new Tensor(be.scatterAdd(x.data, index.data as Int32Array, index.shape, axis, shape), shape, x.dtype),
  vjp: (g, { inputs: [, index], attrs: { axis } }) => [apply(gatherOp, [g, index], { axis, shape: g.shape }), null],
  local: '∂y[index[i]]/∂xᵢ = 1',
});

function checkIndex(shape: Shape, dim: number, index: Tensor, op: string): number {
  if (!(index instanceof Tensor) || index.dtype !== 'int32') {
    throw new TypeError(`${op}: index must be an int32 Tensor, got ${index instanceof Tensor ? index.dtype : typeof index}`);
  }
  const axis = normalizeDim(dim, shape.length, op);
  if (index.ndim !== shape.length) {
    throw new RangeError(`${op}: index has shape ${formatShape(index.shape)} but the input has shape ${formatShape(shape)}; they need the same number of dimensions`);
  }
  for (let d = 0; d < shape.length; d++) {
    if (d !== axis && index.shape[d] > shape[d]) {
      throw new RangeError(`${op}: index shape ${formatShape(index.shape)} is larger than the input shape ${formatShape(shape)} in dimension ${d}`);
    }
  }
  const size = shape[axis];
  const data = index.data;
  for (let i = 0; i < data.length; i++) {
    if (data[i] < 0 || data[i] >= size) {
      throw new RangeError(`${op}: index ${data[i]} is out of range for dimension ${axis} of size ${size}`);
    }
  }
  return axis;
}

/**
 * Picks values along dim by index (PyTorch's torch.gather): out[i][j] = x[i][index[i][j]] for dim 1.
 * @example
 * logProbs.gather(1, labels.unsqueeze(1));   // the log-probability of each label
 */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  const axis = checkIndex(x.shape, dim, index, 'gather');
  return apply(gatherOp, [x, index], { axis, shape: x.shape });
}

/** Adds src into zeros of `shape` at the positions index names along dim (the adjoint of gather). */
export function scatterAdd(src: Tensor, dim: number, index: Tensor, shape: readonly number[]): Tensor {
  if (index.ndim !== src.ndim || index.shape.some((d, i) => d !== src.shape[i])) {
    throw new RangeError(`scatterAdd: index shape ${formatShape(index.shape)} must equal src shape ${formatShape(src.shape)}`);
  }
  const axis = checkIndex(shape, dim, index, 'scatterAdd');
  return apply(scatterAddOp, [src, index], { axis, shape });
}
