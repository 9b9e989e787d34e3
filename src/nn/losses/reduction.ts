// What every loss shares: the reduction option and the checks that name what was wrong.
import { broadcastShapes, formatShape, sameShape } from '../../tensor/shape.js';
import { isFloat } from '../../tensor/dtype.js';
import { Tensor } from '../../tensor/tensor.js';

/** How per-element losses become the result: their mean (default), their sum, or all of them. */
export type Reduction = 'mean' | 'sum' | 'none';

export interface ReductionOptions {
  reduction?: Reduction;
}

export function reductionOf(options: ReductionOptions, fn: string): Reduction {
  const r = options.reduction ?? 'mean';
  if (r !== 'mean' && r !== 'sum' && r !== 'none') {
    throw new RangeError(`${fn}: reduction must be 'mean', 'sum' or 'none', got ${JSON.stringify(r)}`);
  }
  return r;
}

export function reduce(losses: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'none') return losses;
  return reduction === 'sum' ? losses.sum() : losses.mean();
}

export function assertTensorArg(value: unknown, fn: string, argName: string): Tensor {
  if (!(value instanceof Tensor)) {
    throw new TypeError(`${fn}: ${argName} must be a Tensor, got ${value === null ? 'null' : typeof value === 'object' ? (value as object).constructor?.name : typeof value}`);
  }
  return value;
}

export function assertFloatArg(value: unknown, fn: string, argName: string): Tensor {
  const t = assertTensorArg(value, fn, argName);
  if (!isFloat(t.dtype)) {
    throw new TypeError(`${fn}: ${argName} must be a float tensor, got ${t.dtype} (convert with .to('float32'))`);
  }
  return t;
}

/** Prediction and target must have the same shape (PyTorch would broadcast with a warning). */
export function assertSameShape(input: Tensor, target: Tensor, fn: string): void {
  if (!sameShape(input.shape, target.shape)) {
    throw new RangeError(`${fn}: input (prediction) shape ${formatShape(input.shape)} and target shape ${formatShape(target.shape)} must be equal`);
  }
}

/** An optional elementwise weight that must broadcast to the input's shape. */
export function optionalWeight(weight: Tensor | null | undefined, input: Tensor, fn: string, argName = 'weight'): Tensor | null {
  if (weight === null || weight === undefined) return null;
  const w = assertFloatArg(weight, fn, argName);
  const shape = broadcastShapes(w.shape, input.shape, `${fn}: ${argName}`);
  if (!sameShape(shape, input.shape)) {
    throw new RangeError(`${fn}: ${argName} of shape ${formatShape(w.shape)} does not broadcast to the input's shape ${formatShape(input.shape)}`);
  }
  return w;
}
