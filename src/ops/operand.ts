import { isFloat, type DType } from '../tensor/dtype.js';
import { Tensor, type TensorLike } from '../tensor/tensor.js';

/**
 * A number operand becomes a 0-d tensor that does not change the other operand's dtype (as a
 * Python scalar in PyTorch): the tensor's dtype, or float32 for a fraction next to int32.
 */
export function operand(value: TensorLike, like: Tensor, op: string, argName = 'other'): Tensor {
  if (value instanceof Tensor) return value;
  if (typeof value !== 'number') {
    throw new TypeError(`${op}: ${argName} must be a Tensor or a number, got ${value === null ? 'null' : typeof value}`);
  }
  return scalar(value, isFloat(like.dtype) || Number.isInteger(value) ? like.dtype : 'float32');
}

export function scalar(value: number, dtype: DType): Tensor {
  const data = dtype === 'float32' ? new Float32Array(1) : dtype === 'float64' ? new Float64Array(1) : new Int32Array(1);
  data[0] = value;
  return new Tensor(data, [], dtype);
}

export function assertTensor(value: unknown, op: string, argName: string): Tensor {
  if (!(value instanceof Tensor)) {
    throw new TypeError(`${op}: ${argName} must be a Tensor, got ${value === null ? 'null' : typeof value === 'object' ? (value as object).constructor?.name : typeof value}`);
  }
  return value;
}
