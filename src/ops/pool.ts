import type { AvgPool2dParams, MaxPool2dParams } from '../backend/backend.js';
import { getBackend } from '../backend/registry.js';
import type { TypedArray } from '../tensor/dtype.js';
import { formatShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { apply } from './apply.js';
import { batched, describe, floatTensor, lift, sizes, spatialArg, type Size1d, type Size2d } from './conv-args.js';
import { isGradEnabled } from './grad-mode.js';
import { defineOp, type OpDef } from './op.js';

/** The geometry of one pooling of [N, C, H, W] planes (1-D pooling has H = 1). */
interface PoolAttrs {
  inSize: readonly [number, number];
  kernel: readonly [number, number];
  outSize: readonly [number, number];
  stride: readonly [number, number];
  /** The same on both sides. */
  padding: readonly [number, number];
}

interface MaxPoolAttrs extends PoolAttrs {
  dilation: readonly [number, number];
}

interface AvgPoolAttrs extends PoolAttrs {
  countIncludePad: boolean;
}

function maxParams(a: MaxPoolAttrs, planes: number): MaxPool2dParams {
  return {
    planes, height: a.inSize[0], width: a.inSize[1], kernelH: a.kernel[0], kernelW: a.kernel[1], outH: a.outSize[0], outW: a.outSize[1],
    strideH: a.stride[0], strideW: a.stride[1], padH: a.padding[0], padW: a.padding[1], dilationH: a.dilation[0], dilationW: a.dilation[1],
  };
}

function avgParams(a: AvgPoolAttrs, planes: number): AvgPool2dParams {
  return {
    planes, height: a.inSize[0], width: a.inSize[1], kernelH: a.kernel[0], kernelW: a.kernel[1], outH: a.outSize[0], outW: a.outSize[1],
    strideH: a.stride[0], strideW: a.stride[1], padH: a.padding[0], padW: a.padding[1], countIncludePad: a.countIncludePad,
  };
}

// Max pooling's output is the input at each window's argmax, found once by the maxPool2d kernel
// and kept on the node as an int32 input (the indices PyTorch saves), so the gradient goes to that
// position only, and the backward op's own gradient picks at the same indices: the pair are each
// other's adjoint, like gather and scatterAdd, and higher derivatives follow.
// maxPoolNd has just run the kernel, whose values are this op's output when it picks from the
// same input: it leaves them here for the forward to take instead of picking them again.
let found: { x: TypedArray; values: TypedArray } | null = null;

export const maxPool2dOp: OpDef<MaxPoolAttrs> = defineOp<MaxPoolAttrs>({
  name: 'maxPool2d',
  forward: (be, [x, indices], a) => {
    const size = x.shape[0] * x.shape[1] * a.outSize[0] * a.outSize[1];
    const ready = found !== null && found.x === x.data && found.values.length === size ? found.values : null;
    found = null;
    if (ready !== null) return new Tensor(ready, [x.shape[0], x.shape[1], ...a.outSize], x.dtype);
    const [n, c] = x.shape;
    const plane = a.inSize[0] * a.inSize[1];
    const out = a.outSize[0] * a.outSize[1];
    const y = be.gather(x.data, [n * c, plane], indices.data as Int32Array, [n * c, out], 1);
    return new Tensor(y, [n, c, ...a.outSize], x.dtype);
  },
  vjp: (g, { inputs: [, indices], attrs }) => [apply(maxPool2dBackwardOp, [g, indices], attrs), null],
  local: '∂y/∂x = 1 at the window\'s maximum (first of ties), else 0',
});

export const maxPool2dBackwardOp: OpDef<MaxPoolAttrs> = defineOp<MaxPoolAttrs>({
  name: 'maxPool2dBackward',
  forward: (be, [g, indices], a) => {
    const [n, c] = g.shape;
    return new Tensor(be.maxPool2dBackward(g.data, indices.data as Int32Array, maxParams(a, n * c)), [n, c, ...a.inSize], g.dtype);
  },
  vjp: (h, { inputs: [, indices], attrs }) => [apply(maxPool2dOp, [h, indices], attrs), null],
  local: 'routes each value to its window\'s argmax; its adjoint picks at the argmax',
});

// Average pooling is linear; its gradient spreads each upstream value evenly over the window
// (divided as the forward divided), and that spreading's adjoint is the averaging again.
export const avgPool2dOp: OpDef<AvgPoolAttrs> = defineOp<AvgPoolAttrs>({
  name: 'avgPool2d',
  forward: (be, [x], a) => {
    const [n, c] = x.shape;
    return new Tensor(be.avgPool2d(x.data, avgParams(a, n * c)), [n, c, ...a.outSize], x.dtype);
  },
  vjp: (g, { attrs }) => [apply(avgPool2dBackwardOp, [g], attrs)],
  local: '∂y/∂x = 1/divisor for each x in the window',
});

export const avgPool2dBackwardOp: OpDef<AvgPoolAttrs> = defineOp<AvgPoolAttrs>({
  name: 'avgPool2dBackward',
  forward: (be, [g], a) => {
    const [n, c] = g.shape;
    return new Tensor(be.avgPool2dBackward(g.data, avgParams(a, n * c)), [n, c, ...a.inSize], g.dtype);
  },
  vjp: (h, { attrs }) => [apply(avgPool2dOp, [h], attrs)],
  local: 'spreads each value over its window; its adjoint averages',
});

export interface MaxPool1dOptions {
  /** Step between windows (default: the kernel size, so windows do not overlap). */
  stride?: Size1d | null;
  /** −∞ on both sides (default 0); at most half the kernel size. */
  padding?: Size1d;
  dilation?: Size1d;
  /** Round the output size up, so a last partial window is kept (default false). */
  ceilMode?: boolean;
}

export interface MaxPool2dOptions {
  stride?: Size2d | null;
  padding?: Size2d;
  dilation?: Size2d;
  ceilMode?: boolean;
}

export interface AvgPool1dOptions {
  stride?: Size1d | null;
  /** Zeros on both sides (default 0); at most half the kernel size. */
  padding?: Size1d;
  ceilMode?: boolean;
  /** Count the padding's zeros in each window's divisor (default true, as PyTorch). */
  countIncludePad?: boolean;
}

export interface AvgPool2dOptions {
  stride?: Size2d | null;
  padding?: Size2d;
  ceilMode?: boolean;
  countIncludePad?: boolean;
}

/** PyTorch's pooled size: floor (or ceil) division, without a window that starts in the padding. */
function pooledSize(size: number, kernel: number, pad: number, stride: number, dilation: number, ceil: boolean): number {
  const reach = size + 2 * pad - dilation * (kernel - 1) - 1;
  let out = Math.floor((reach + (ceil ? stride - 1 : 0)) / stride) + 1;
  if (ceil && (out - 1) * stride >= size + pad) out--;
  return out;
}

function poolGeometry(fn: string, dims: 1 | 2, x: Tensor, kernelSize: unknown, options: MaxPool2dOptions | MaxPool1dOptions, dilated: boolean): MaxPoolAttrs {
  const kernel = spatialArg(fn, 'kernelSize', kernelSize, dims, 1);
  const stride = options.stride === undefined || options.stride === null ? kernel : spatialArg(fn, 'stride', options.stride, dims, 1);
  const padding = spatialArg(fn, 'padding', options.padding ?? 0, dims, 0);
  const dilation = dilated ? spatialArg(fn, 'dilation', options.dilation ?? 1, dims, 1) : kernel.map(() => 1);
  if (options.ceilMode !== undefined && typeof options.ceilMode !== 'boolean') throw new TypeError(`${fn}: ceilMode must be a boolean, got ${describe(options.ceilMode)}`);
  if (padding.some((p, d) => 2 * p > kernel[d])) {
    throw new RangeError(`${fn}: padding ${JSON.stringify(options.padding)} must be at most half the kernel size ${sizes(kernel)}`);
  }
  const size = x.shape.slice(x.ndim - dims);
  const out = size.map((s, d) => pooledSize(s, kernel[d], padding[d], stride[d], dilation[d], options.ceilMode ?? false));
  if (out.some((o) => o < 1)) {
    throw new RangeError(`${fn}: input ${formatShape(x.shape)} is too small for kernel ${sizes(kernel)} with padding ${sizes(padding)}${dilated ? ` and dilation ${sizes(dilation)}` : ''}: the output would be ${sizes(out)}`);
  }
  // A dilated window can straddle the input with every tap in the padding; PyTorch would give −∞.
  size.forEach((s, d) => {
    for (let o = 0; o < out[d]; o++) {
      const start = o * stride[d] - padding[d];
      let hit = false;
      for (let k = 0; k < kernel[d] && !hit; k++) hit = start + k * dilation[d] >= 0 && start + k * dilation[d] < s;
      if (!hit) throw new RangeError(`${fn}: window ${o} of dimension ${d} has every tap in the padding (input ${formatShape(x.shape)}, kernel ${sizes(kernel)}, dilation ${sizes(dilation)})`);
    }
  });
  return {
    inSize: lift(size, 1), kernel: lift(kernel, 1), outSize: lift(out, 1),
    stride: lift(stride, 1), padding: lift(padding, 0), dilation: lift(dilation, 1),
  };
}

function maxPoolNd(fn: string, dims: 1 | 2, input: Tensor, kernelSize: Size2d | Size1d, options: MaxPool2dOptions | MaxPool1dOptions): Tensor {
  const x = floatTensor(fn, 'input', input);
  const { x4, restore } = batched(fn, x, dims);
  const attrs = poolGeometry(fn, dims, x, kernelSize, options, true);
  const [n, c] = x4.shape;
  const { values, argmax } = getBackend().maxPool2d(x4.data, maxParams(attrs, n * c));
  const shape = [n, c, ...attrs.outSize];
  // Without a graph to record, the kernel's values are the answer; with one, the op picks the
  // same values at the argmax so that the node holds the indices its gradient needs.
  if (!x4.requiresGrad || !isGradEnabled()) return restore(new Tensor(values, shape, x.dtype));
  found = { x: x4.data, values };
  return restore(apply(maxPool2dOp, [x4, new Tensor(argmax, shape, 'int32')], attrs));
}

function avgPoolNd(fn: string, dims: 1 | 2, input: Tensor, kernelSize: Size2d | Size1d, options: AvgPool2dOptions | AvgPool1dOptions): Tensor {
  const x = floatTensor(fn, 'input', input);
  const { x4, restore } = batched(fn, x, dims);
  const countIncludePad = options.countIncludePad ?? true;
  if (typeof countIncludePad !== 'boolean') throw new TypeError(`${fn}: countIncludePad must be a boolean, got ${describe(countIncludePad)}`);
  const g = poolGeometry(fn, dims, x, kernelSize, options, false);
  const attrs: AvgPoolAttrs = { inSize: g.inSize, kernel: g.kernel, outSize: g.outSize, stride: g.stride, padding: g.padding, countIncludePad };
  return restore(apply(avgPool2dOp, [x4], attrs));
}

/**
 * The maximum of each kernelSize window of input [N, C, H, W] (or [C, H, W]), per channel.
 * @example
 * maxPool2d(x, 2);   // [8, 16, 28, 28] → [8, 16, 14, 14]
 */
export function maxPool2d(input: Tensor, kernelSize: Size2d, options: MaxPool2dOptions = {}): Tensor {
  return maxPoolNd('maxPool2d', 2, input, kernelSize, options);
}

/** The maximum of each window of input [N, C, L] (or [C, L]), per channel. */
export function maxPool1d(input: Tensor, kernelSize: Size1d, options: MaxPool1dOptions = {}): Tensor {
  return maxPoolNd('maxPool1d', 1, input, kernelSize, options);
}

/**
 * The mean of each kernelSize window of input [N, C, H, W] (or [C, H, W]), per channel.
 * @example
 * avgPool2d(x, 2, { stride: 1, padding: 1, countIncludePad: false });
 */
export function avgPool2d(input: Tensor, kernelSize: Size2d, options: AvgPool2dOptions = {}): Tensor {
  return avgPoolNd('avgPool2d', 2, input, kernelSize, options);
}

/** The mean of each window of input [N, C, L] (or [C, L]), per channel. */
export function avgPool1d(input: Tensor, kernelSize: Size1d, options: AvgPool1dOptions = {}): Tensor {
  return avgPoolNd('avgPool1d', 1, input, kernelSize, options);
}
