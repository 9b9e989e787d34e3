import type { ReduceOp } from '../backend/backend.js';
import { floatOf } from '../tensor/dtype.js';
import { normalizeDim, type Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { apply } from './apply.js';
import { eq } from './binary.js';
import { defineOp, type OpDef } from './op.js';

interface ReduceAttrs {
  /** Sorted, distinct axes. */
  axes: readonly number[];
  keepdim: boolean;
}

function reducedShape(shape: Shape, axes: readonly number[], keepdim: boolean): number[] {
  const out: number[] = [];
  for (let d = 0; d < shape.length; d++) {
    if (axes.includes(d)) {
      if (keepdim) out.push(1);
    } else {
      out.push(shape[d]);
    }
  }
  return out;
}

/** The output's gradient reshaped so the reduced axes are size 1 again, ready to broadcast. */
function kept(t: Tensor, input: Tensor, axes: readonly number[]): Tensor {
  return t.reshape(reducedShape(input.shape, axes, true));
}

function reduceOp(name: string, kernel: ReduceOp, vjp: OpDef<ReduceAttrs>['vjp'], local: string): OpDef<ReduceAttrs> {
  return defineOp<ReduceAttrs>({
    name,
    forward: (be, [x], { axes, keepdim }) => {
      if (x.size === 0 && kernel !== 'sum') throw new RangeError(`${name}: cannot reduce an empty tensor`);
      return new Tensor(be.reduce(kernel, x.data, x.shape, axes), reducedShape(x.shape, axes, keepdim), x.dtype);
    },
    vjp,
    local,
  });
}

// Summing copies the upstream gradient to every summed element.
export const sumOp = reduceOp('sum', 'sum', (g, { inputs: [x], attrs: { axes } }) => [kept(g, x, axes).expand(x.shape)], '∂y/∂xᵢ = 1');

// The maximum routes the gradient to the elements equal to it (shared evenly among ties,
// as PyTorch's amax/amin).
function extremeVjp(g: Tensor, x: Tensor, y: Tensor, axes: readonly number[]): Tensor {
  const mask = eq(x, kept(y, x, axes));
  return kept(g, x, axes).mul(mask).div(mask.sum(axes, true));
}
export const maxOp = reduceOp('max', 'max', (g, { inputs: [x], output: y, attrs: { axes } }) => [extremeVjp(g, x, y, axes)], '∂y/∂xᵢ = 1 for the largest xᵢ, else 0 (max routes)');
export const minOp = reduceOp('min', 'min', (g, { inputs: [x], output: y, attrs: { axes } }) => [extremeVjp(g, x, y, axes)], '∂y/∂xᵢ = 1 for the smallest xᵢ, else 0');

export type Dims = number | readonly number[] | null | undefined;

function axesOf(x: Tensor, dim: Dims, op: string): number[] {
  if (dim === null || dim === undefined) return x.shape.map((_, i) => i);
  const list = typeof dim === 'number' ? [dim] : dim;
  if (!Array.isArray(list)) throw new TypeError(`${op}: dim must be a number, an array of numbers or null, got ${typeof dim}`);
  const axes = list.map((d) => normalizeDim(d, x.ndim, op));
  if (x.ndim === 0) return [];
  const unique = [...new Set(axes)].sort((a, b) => a - b);
  if (unique.length !== axes.length) throw new RangeError(`${op}: dim ${JSON.stringify(list)} names a dimension twice`);
  return unique;
}

/**
 * Sums all elements, or along dim (a number or a list), dropping it unless keepdim.
 * @example
 * x.sum();        // a scalar
 * x.sum(1, true); // [n, 1]
 */
export function sum(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  return apply(sumOp, [x], { axes: axesOf(x, dim, 'sum'), keepdim });
}

export function mean(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  const axes = axesOf(x, dim, 'mean');
  let count = 1;
  for (const a of axes) count *= x.shape[a];
  const xf = x.dtype === 'int32' ? x.to(floatOf(x.dtype)) : x;
  return apply(sumOp, [xf], { axes, keepdim }).div(count);
}

export function max(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  return apply(maxOp, [x], { axes: axesOf(x, dim, 'max'), keepdim });
}

export function min(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  return apply(minOp, [x], { axes: axesOf(x, dim, 'min'), keepdim });
}

interface ArgAttrs {
  axis: number | null;
  keepdim: boolean;
}

function argOp(name: 'argmax' | 'argmin'): OpDef<ArgAttrs> {
  return defineOp<ArgAttrs>({
    name,
    forward: (be, [x], { axis, keepdim }) => {
      if (x.size === 0) throw new RangeError(`${name}: cannot reduce an empty tensor`);
      if (axis === null) {
        // Over all elements: the index into the flattened tensor, as PyTorch.
        return new Tensor(be.argReduce(name, x.data, [x.size], 0), keepdim ? x.shape.map(() => 1) : [], 'int32');
      }
      return new Tensor(be.argReduce(name, x.data, x.shape, axis), reducedShape(x.shape, [axis], keepdim), 'int32');
    },
    vjp: 'not-differentiable',
  });
}
export const argmaxOp = argOp('argmax');
export const argminOp = argOp('argmin');

/** Index of the largest element (of the flattened tensor, or along dim), as int32. */
export function argmax(x: Tensor, dim?: number | null, keepdim = false): Tensor {
  return apply(argmaxOp, [x], { axis: dim === null || dim === undefined ? null : normalizeDim(dim, x.ndim, 'argmax'), keepdim });
}

export function argmin(x: Tensor, dim?: number | null, keepdim = false): Tensor {
  return apply(argminOp, [x], { axis: dim === null || dim === undefined ? null : normalizeDim(dim, x.ndim, 'argmin'), keepdim });
}

interface SoftmaxAttrs {
  axis: number;
}

// softmax: ∂L/∂x = y ⊙ (g − Σ g⊙y) along the axis.
export const softmaxOp = defineOp<SoftmaxAttrs>({
  name: 'softmax',
  forward: (be, [x], { axis }) => new Tensor(be.softmax(x.data, x.shape, axis, false), x.shape, x.dtype),
  vjp: (g, { output: y, attrs: { axis } }) => [y.mul(g.sub(g.mul(y).sum(axis, true)))],
  local: '∂yᵢ/∂xⱼ = yᵢ(δᵢⱼ − yⱼ)',
});

// logSoftmax: ∂L/∂x = g − softmax(x) Σ g along the axis.
export const logSoftmaxOp = defineOp<SoftmaxAttrs>({
  name: 'logSoftmax',
  forward: (be, [x], { axis }) => new Tensor(be.softmax(x.data, x.shape, axis, true), x.shape, x.dtype),
  vjp: (g, { output: y, attrs: { axis } }) => [g.sub(y.exp().mul(g.sum(axis, true)))],
  local: '∂yᵢ/∂xⱼ = δᵢⱼ − softmax(x)ⱼ',
});

function softmaxInput(x: Tensor, dim: number, op: string): [Tensor, number] {
  if (typeof dim !== 'number') throw new TypeError(`${op}: dim is required (a number), got ${String(dim)}`);
  const axis = normalizeDim(dim, x.ndim, op);
  return [x.dtype === 'int32' ? x.to('float32') : x, x.ndim === 0 ? 0 : axis];
}

export function softmax(x: Tensor, dim: number): Tensor {
  const [xf, axis] = softmaxInput(x, dim, 'softmax');
  if (xf.ndim === 0) return xf.mul(0).add(1);
  return apply(softmaxOp, [xf], { axis });
}

export function logSoftmax(x: Tensor, dim: number): Tensor {
  const [xf, axis] = softmaxInput(x, dim, 'logSoftmax');
  if (xf.ndim === 0) return xf.mul(0);
  return apply(logSoftmaxOp, [xf], { axis });
}
