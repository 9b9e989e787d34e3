import { assertDType, promote, type DType } from '../tensor/dtype.js';
import { formatShape, normalizeDim, sameShape, sizeOf, type Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { apply } from './apply.js';
import { defineOp, type OpDef } from './op.js';

// Reshape shares the data: tensors are contiguous, so a new shape is a new view.
export const reshapeOp = defineOp<{ shape: Shape }>({
  name: 'reshape',
  forward: (_be, [x], { shape }) => new Tensor(x.data, shape, x.dtype),
  vjp: (g, { inputs: [x] }) => [g.reshape(x.shape)],
  local: 'a new shape; the gradient is reshaped back',
});

/** The same elements in a new shape; one dimension may be -1 (inferred). */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  if (!Array.isArray(shape)) throw new TypeError(`reshape: shape must be an array of integers, got ${typeof shape}`);
  let infer = -1;
  let known = 1;
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i];
    if (d === -1) {
      if (infer >= 0) throw new RangeError(`reshape: only one dimension can be -1, got ${formatShape(shape)}`);
      infer = i;
    } else if (!Number.isInteger(d) || d < 0) {
      throw new RangeError(`reshape: dimension ${i} of ${formatShape(shape)} must be a non-negative integer or -1`);
    } else {
      known *= d;
    }
  }
  const out = shape.slice();
  if (infer >= 0) {
    if (known === 0 || x.size % known !== 0) {
      throw new RangeError(`reshape: cannot reshape a tensor of shape ${formatShape(x.shape)} (${x.size} elements) into ${formatShape(shape)}`);
    }
    out[infer] = x.size / known;
  } else if (known !== x.size) {
    throw new RangeError(`reshape: cannot reshape a tensor of shape ${formatShape(x.shape)} (${x.size} elements) into ${formatShape(shape)} (${known} elements)`);
  }
  if (sameShape(out, x.shape)) return x;
  return apply(reshapeOp, [x], { shape: out });
}

export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  if (x.ndim === 0) return reshape(x, [1]);
  const s = normalizeDim(startDim, x.ndim, 'flatten', 'startDim');
  const e = normalizeDim(endDim, x.ndim, 'flatten', 'endDim');
  if (s > e) throw new RangeError(`flatten: startDim ${startDim} comes after endDim ${endDim}`);
  const shape = [...x.shape.slice(0, s), sizeOf(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)];
  return reshape(x, shape);
}

/** Drops size-1 dimensions: all of them, or the ones named (others are left as they are). */
export function squeeze(x: Tensor, dim?: number | readonly number[]): Tensor {
  const dims = dim === undefined ? null : (typeof dim === 'number' ? [dim] : dim).map((d) => normalizeDim(d, x.ndim, 'squeeze'));
  return reshape(x, x.shape.filter((d, i) => d !== 1 || (dims !== null && !dims.includes(i))));
}

/** Inserts a size-1 dimension at dim (which may be -1 for the end). */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  const d = normalizeDim(dim, x.ndim + 1, 'unsqueeze');
  const shape = x.shape.slice();
  shape.splice(d, 0, 1);
  return reshape(x, shape);
}

// Permuting moves elements; its gradient moves them back with the inverse permutation.
export const permuteOp = defineOp<{ perm: readonly number[] }>({
  name: 'permute',
  forward: (be, [x], { perm }) => new Tensor(be.permute(x.data, x.shape, perm), perm.map((p) => x.shape[p]), x.dtype),
  vjp: (g, { attrs: { perm } }) => {
    const inverse = new Array<number>(perm.length);
    perm.forEach((p, i) => { inverse[p] = i; });
    return [g.permute(...inverse)];
  },
  local: 'axes reordered; the gradient is reordered back',
});

export function permute(x: Tensor, dims: readonly number[]): Tensor {
  if (dims.length !== x.ndim) {
    throw new RangeError(`permute: dims ${formatShape(dims)} has length ${dims.length} but the tensor of shape ${formatShape(x.shape)} has rank ${x.ndim}; expected an ordering of all ${x.ndim} dimensions`);
  }
  const perm = dims.map((d) => normalizeDim(d, x.ndim, 'permute'));
  if (new Set(perm).size !== perm.length) throw new RangeError(`permute: ${formatShape(dims)} repeats a dimension`);
  if (perm.every((p, i) => p === i)) return x;
  // Moving only size-1 dimensions keeps the element order: a reshape, no copy.
  const moved = perm.filter((p) => x.shape[p] !== 1);
  if (moved.every((p, i) => i === 0 || p > moved[i - 1])) return reshape(x, perm.map((p) => x.shape[p]));
  return apply(permuteOp, [x], { perm });
}

export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  const a = normalizeDim(dim0, x.ndim, 'transpose', 'dim0');
  const b = normalizeDim(dim1, x.ndim, 'transpose', 'dim1');
  const perm = x.shape.map((_, i) => i);
  perm[a] = b;
  perm[b] = a;
  return permute(x, perm);
}

// Broadcasting copies; the engine sums the gradient back to the input's shape.
export const expandOp = defineOp<{ shape: Shape }>({
  name: 'expand',
  forward: (be, [x], { shape }) => new Tensor(be.expand(x.data, x.shape, shape), shape, x.dtype),
  vjp: (g) => [g],
  local: 'copies; the gradient is summed over the copies',
});

/** Broadcasts to a larger shape (-1 keeps a dimension). */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  const lead = shape.length - x.ndim;
  if (lead < 0) throw new RangeError(`expand: cannot expand shape ${formatShape(x.shape)} to fewer dimensions ${formatShape(shape)}`);
  const out = shape.map((d, i) => (d === -1 && i >= lead ? x.shape[i - lead] : d));
  for (let i = 0; i < out.length; i++) {
    const have = i < lead ? 1 : x.shape[i - lead];
    if (!Number.isInteger(out[i]) || out[i] < 0 || (have !== 1 && have !== out[i])) {
      throw new RangeError(`expand: cannot expand shape ${formatShape(x.shape)} to ${formatShape(shape)} (dimension ${i}: ${have} vs ${out[i]})`);
    }
  }
  if (sameShape(out, x.shape)) return x;
  return apply(expandOp, [x], { shape: out });
}

interface SliceAttrs {
  begin: readonly number[];
  step: readonly number[];
  /** slice: the result's shape; unslice: the full shape written into. */
  shape: Shape;
}

// A slice's gradient is zero outside the slice: the upstream gradient placed back into zeros.
export const sliceOp: OpDef<SliceAttrs> = defineOp<SliceAttrs>({
  name: 'slice',
  forward: (be, [x], { begin, step, shape }) => new Tensor(be.slice(x.data, x.shape, begin, step, shape), shape, x.dtype),
  vjp: (g, { inputs: [x], attrs: { begin, step } }) => [apply(unsliceOp, [g], { begin, step, shape: x.shape })],
  local: 'picks elements; the gradient goes back to where they came from',
});

export const unsliceOp: OpDef<SliceAttrs> = defineOp<SliceAttrs>({
  name: 'unslice',
  forward: (be, [x], { begin, step, shape }) => new Tensor(be.unslice(x.data, x.shape, begin, step, shape), shape, x.dtype),
  vjp: (g, { inputs: [x], attrs: { begin, step } }) => [apply(sliceOp, [g], { begin, step, shape: x.shape })],
});

/** Elements start, start+step, … below end along one dimension, as Python's x[start:end:step]. */
export function slice(x: Tensor, dim: number, start: number | null, end: number | null, step = 1): Tensor {
  const axis = normalizeDim(dim, x.ndim, 'slice');
  if (!Number.isInteger(step) || step <= 0) throw new RangeError(`slice: step must be a positive integer, got ${step}`);
  const size = x.shape[axis];
  const clip = (v: number | null, fallback: number, name: string): number => {
    if (v === null) return fallback;
    if (!Number.isInteger(v)) throw new TypeError(`slice: ${name} must be an integer or null, got ${String(v)}`);
    const i = v < 0 ? v + size : v;
    return Math.min(Math.max(i, 0), size);
  };
  const s = clip(start, 0, 'start');
  const e = clip(end, size, 'end');
  const count = Math.max(0, Math.ceil((e - s) / step));
  if (s === 0 && count === size && step === 1) return x;
  const begin = x.shape.map((_, d) => (d === axis ? s : 0));
  const steps = x.shape.map((_, d) => (d === axis ? step : 1));
  const shape = x.shape.map((n, d) => (d === axis ? count : n));
  return apply(sliceOp, [x], { begin, step: steps, shape });
}

// Concatenation's gradient is the upstream gradient cut back into the pieces.
export const concatOp = defineOp<{ axis: number }>({
  name: 'concat',
  forward: (be, xs, { axis }) => {
    const dtype = xs.map((x) => x.dtype).reduce(promote);
    const data = be.concat(xs.map((x) => (x.dtype === dtype ? x.data : be.cast(x.data, dtype))), xs.map((x) => x.shape), axis, dtype);
    const shape = xs[0].shape.slice();
    shape[axis] = xs.reduce((n, x) => n + x.shape[axis], 0);
    return new Tensor(data, shape, dtype);
  },
  vjp: (g, { inputs, attrs: { axis } }) => {
    let at = 0;
    return inputs.map((x) => {
      const piece = g.slice(axis, at, at + x.shape[axis]);
      at += x.shape[axis];
      return piece;
    });
  },
  local: 'joins; the gradient is cut back into the pieces',
});

/** Joins tensors along an existing dimension; all other dimensions must agree. */
export function concat(tensors: readonly Tensor[], dim = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new RangeError('concat: expected a non-empty array of tensors');
  tensors.forEach((t, i) => { if (!(t instanceof Tensor)) throw new TypeError(`concat: tensors[${i}] is not a Tensor`); });
  const first = tensors[0];
  const axis = normalizeDim(dim, first.ndim, 'concat');
  tensors.forEach((t, i) => {
    if (t.ndim !== first.ndim || t.shape.some((d: number, j: number) => j !== axis && d !== first.shape[j])) {
      throw new RangeError(`concat: tensors[${i}] has shape ${formatShape(t.shape)}, which does not match tensors[0]'s ${formatShape(first.shape)} outside dimension ${axis}`);
    }
  });
  if (tensors.length === 1) return first;
  return apply(concatOp, tensors, { axis });
}

/** Joins tensors of equal shape along a new dimension. */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new RangeError('stack: expected a non-empty array of tensors');
  const first = tensors[0];
  tensors.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new TypeError(`stack: tensors[${i}] is not a Tensor`);
    if (!sameShape(t.shape, first.shape)) throw new RangeError(`stack: tensors[${i}] has shape ${formatShape(t.shape)} but tensors[0] has ${formatShape(first.shape)}; stack needs equal shapes`);
  });
  const axis = normalizeDim(dim, first.ndim + 1, 'stack');
  return concat(tensors.map((t) => unsqueeze(t, axis)), axis);
}

// A conversion's gradient is converted back (the engine casts it to the input's dtype).
export const castOp = defineOp<{ dtype: DType }>({
  name: 'cast',
  forward: (be, [x], { dtype }) => new Tensor(be.cast(x.data, dtype), x.shape, dtype),
  vjp: (g) => [g],
  local: 'a dtype conversion; the gradient is converted back',
});

export function cast(x: Tensor, dtype: DType): Tensor {
  assertDType(dtype, 'to: dtype');
  if (dtype === x.dtype) return x;
  if (dtype === 'int32') return new Tensor(castData(x, dtype), x.shape, dtype);
  return apply(castOp, [x], { dtype });
}

function castData(x: Tensor, dtype: DType): Tensor['data'] {
  return apply(castOp, [x.detach()], { dtype }).data;
}

export const cloneOp = defineOp({
  name: 'clone',
  forward: (_be, [x]) => new Tensor(x.data.slice(), x.shape, x.dtype),
  vjp: (g) => [g],
});

export function clone(x: Tensor): Tensor {
  return apply(cloneOp, [x], undefined);
}
