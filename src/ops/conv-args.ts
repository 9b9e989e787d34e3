// Argument checks shared by the convolution and pooling functions. They run before any kernel, so
// a bad call fails with the caller's shapes (1-D shapes for conv1d, not the 2-D ones it runs as).
import { isFloat } from '../tensor/dtype.js';
import { formatShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';

/** One size for every spatial dimension, or one each: [h, w] in 2-D, [l] in 1-D (as PyTorch's tuples). */
export type Size1d = number | readonly [number];
export type Size2d = number | readonly [number, number];

/**
 * Zero padding on both sides of each spatial dimension; 'valid' is none, and 'same' keeps the
 * output the size of the input (stride 1 only), with the odd one of an uneven total after the
 * input, as PyTorch.
 */
export type Padding1d = Size1d | 'same' | 'valid';
export type Padding2d = Size2d | 'same' | 'valid';

/** A per-dimension integer argument as one number per spatial dimension, each at least `min`. */
export function spatialArg(fn: string, name: string, value: unknown, dims: 1 | 2, min: 0 | 1): number[] {
  const list: unknown = typeof value === 'number' ? new Array<number>(dims).fill(value) : value;
  const ok = Array.isArray(list) && list.length === dims && list.every((v) => Number.isInteger(v) && (v as number) >= min);
  if (!ok) {
    const what = min === 1 ? 'a positive integer' : 'a non-negative integer';
    throw new RangeError(`${fn}: ${name} must be ${what}${dims === 2 ? ' or a pair [h, w] of them' : ''}, got ${describe(value)}`);
  }
  return (list as number[]).slice();
}

export function describe(value: unknown): string {
  if (value instanceof Tensor) return `a Tensor of shape ${formatShape(value.shape)}`;
  if (value === undefined) return 'undefined';
  return typeof value === 'number' || typeof value === 'string' || Array.isArray(value) ? JSON.stringify(value) : typeof value;
}

export function floatTensor(fn: string, name: string, value: unknown): Tensor {
  if (!(value instanceof Tensor)) throw new TypeError(`${fn}: ${name} must be a Tensor, got ${describe(value)}`);
  if (!isFloat(value.dtype)) throw new TypeError(`${fn}: ${name} must be float32 or float64, got ${value.dtype} (convert with .to('float32'))`);
  return value;
}

export function positiveInt(fn: string, name: string, value: unknown): number {
  if (!Number.isInteger(value) || (value as number) < 1) throw new RangeError(`${fn}: ${name} must be a positive integer, got ${describe(value)}`);
  return value as number;
}

/** The layout a function takes, for error messages: '[N, C, L]' or '[N, C, H, W]'. */
export function layoutOf(dims: 1 | 2): string {
  return dims === 1 ? '[N, C, L] (or unbatched [C, L])' : '[N, C, H, W] (or unbatched [C, H, W])';
}

/**
 * The input as [N, C, H, W] (1-D inputs get H = 1; an unbatched input gets N = 1), and the map
 * that shapes a result [N, C', H', W'] back to the caller's layout. Both are reshapes: no copies.
 */
export function batched(fn: string, x: Tensor, dims: 1 | 2): { x4: Tensor; restore: (y: Tensor) => Tensor } {
  const unbatched = x.ndim === dims + 1;
  if (!unbatched && x.ndim !== dims + 2) {
    throw new RangeError(`${fn}: expected a ${dims + 2}-D input ${layoutOf(dims)}, got shape ${formatShape(x.shape)}`);
  }
  const lead = unbatched ? [1, ...x.shape] : x.shape;
  const x4 = dims === 1 ? x.reshape(lead[0], lead[1], 1, lead[2]) : x.reshape(lead);
  const restore = (y: Tensor): Tensor => {
    const [n, c, h, w] = y.shape;
    const spatial = dims === 1 ? [w] : [h, w];
    return y.reshape(unbatched ? [c, ...spatial] : [n, c, ...spatial]);
  };
  return { x4, restore };
}

/** The spatial sizes of a 2-D geometry from a 1-D or 2-D one: 1-D runs along the width, height 1. */
export function lift(values: readonly number[], fill: number): [number, number] {
  return values.length === 1 ? [fill, values[0]] : [values[0], values[1]];
}

/** Spatial sizes as the caller wrote them, for messages: '5×5' or '7'. */
export function sizes(values: readonly number[]): string {
  return values.join('×');
}
