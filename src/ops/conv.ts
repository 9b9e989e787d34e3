import type { Backend, ConvProductParams } from '../backend/backend.js';
import { getBackend } from '../backend/registry.js';
import { promote, type DType, type TypedArray } from '../tensor/dtype.js';
import { formatShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { apply } from './apply.js';
import { isGradEnabled } from './grad-mode.js';
import {
  batched, floatTensor, lift, positiveInt, sizes, spatialArg, type Padding1d, type Padding2d, type Size1d, type Size2d,
} from './conv-args.js';
import { defineOp, type OpDef } from './op.js';

// A convolution (cross-correlation, as in every deep-learning library) is bilinear in its input x
// and kernel w. Its geometry (sizes, stride, padding, dilation, groups) fixes three bilinear maps,
// and each is the others' adjoint, so each one's gradient rule is made of the other two and the
// set is closed under differentiation (second and higher derivatives come for free):
//
//   conv2d(x, w) = y               y[n,o,p,q] = Σ_{c,i,j} w[o,c,i,j] · x[n, c, p·s+i·d−pad, q·s+j·d−pad]
//   conv2dWeight(x, g) = ∂L/∂w     the correlation of the input with the output gradient:
//                                  ∂L/∂w[o,c,i,j] = Σ_{n,p,q} g[n,o,p,q] · x[n, c, p·s+i·d−pad, …]
//                                  (the lecture's ∂L/∂K = X * ∂L/∂F: slide g over x, taking a sum
//                                  at each of the kernel's offsets, with x's steps the stride apart)
//   convTranspose2d(g, w) = ∂L/∂x  the full convolution of the output gradient with the flipped
//                                  kernel, channels swapped: x[h] was read by tap i of window p
//                                  wherever p·s + i·d − pad = h, so ∂L/∂x[h] = Σ_i ĝ[h + pad − i·d]·w[i]
//                                  (per channel pair), with ĝ the output gradient with s − 1 zeros
//                                  between its elements; padding ĝ by d(k−1) − pad on each side
//                                  makes that a correlation with w reversed: a 'full' convolution.
//
// The backend computes all three (Backend.conv2d, conv2dInput, conv2dWeight). The js backend
// does it with im2col/col2im and a matrix product per channel group (backends/js/conv-products.ts):
// cols = im2col(x), y = W·cols; ∂L/∂W = G·colsᵀ; ∂L/∂x = col2im(Wᵀ·G); the native one fuses the
// same steps per sample. That is the same sum as the full convolution above without multiplying
// the zeros a stride inserts; test/ops/conv-relation.test.ts checks the equivalence through the
// public conv2d.

/** The geometry of one convolution, shared by its three ops. */
export interface ConvAttrs {
  /** The convolution's input size [H, W] (convTranspose2d's output). */
  inSize: readonly [number, number];
  kernel: readonly [number, number];
  /** The convolution's output size (convTranspose2d's input). */
  outSize: readonly [number, number];
  stride: readonly [number, number];
  /** Padding before the input (top, left); the padding after it is implied by the sizes. */
  padding: readonly [number, number];
  dilation: readonly [number, number];
  groups: number;
}

function params(a: ConvAttrs, batch: number, channels: number, outChannels: number): ConvProductParams {
  return {
    batch, channels, height: a.inSize[0], width: a.inSize[1], kernelH: a.kernel[0], kernelW: a.kernel[1],
    outH: a.outSize[0], outW: a.outSize[1], strideH: a.stride[0], strideW: a.stride[1],
    padTop: a.padding[0], padLeft: a.padding[1], dilationH: a.dilation[0], dilationW: a.dilation[1],
    outChannels, groups: a.groups,
  };
}

/** Both operands in one dtype (the engine may hand a rule a gradient of a wider one). */
function common(be: Backend, a: Tensor, b: Tensor): [TypedArray, TypedArray, DType] {
  const dtype = promote(a.dtype, b.dtype);
  return [a.dtype === dtype ? a.data : be.cast(a.data, dtype), b.dtype === dtype ? b.data : be.cast(b.data, dtype), dtype];
}

// y = conv2d(x, w[, b]): each output is a window of x weighted by the kernel, plus its channel's
// bias when there is one (added by the backend while each sample's outputs are in cache).
export const conv2dOp: OpDef<ConvAttrs> = defineOp<ConvAttrs>({
  name: 'conv2d',
  forward: (be, [x, w, b], a) => {
    const [n, inC] = x.shape;
    const outC = w.shape[0];
    const [xd, wd, dtype] = common(be, x, w);
    const bd = b === undefined ? null : b.dtype === dtype ? b.data : be.cast(b.data, dtype);
    return new Tensor(be.conv2d(xd, wd, params(a, n, inC, outC), bd), [n, outC, ...a.outSize], dtype);
  },
  // ∂L/∂x: the full convolution of g with the flipped kernel; ∂L/∂w: the correlation of x with g;
  // ∂L/∂b: g summed over everything but its channel. The sum goes first, while g is still in
  // cache from the rule that wrote it (after the convolutions it measured 3× slower).
  // Without a graph to record (no createGraph), ∂L/∂w and ∂L/∂b come from one backend call,
  // which sums g while it reads it for ∂L/∂w (Backend.conv2dWeightAndBias).
  vjp: (g, { inputs: [x, w], attrs }, needs) => {
    if (needs.length > 2 && needs[1] && needs[2] && !isGradEnabled()) {
      const gx = needs[0] ? apply(convTranspose2dOp, [g, w], attrs) : null;
      return [gx, ...weightAndBiasGradients(x, g, attrs)];
    }
    const gb = needs.length > 2 && needs[2] ? g.sum([0, 2, 3]) : null;
    const gx = needs[0] ? apply(convTranspose2dOp, [g, w], attrs) : null;
    const gw = needs[1] ? apply(conv2dWeightOp, [x, g], attrs) : null;
    return needs.length > 2 ? [gx, gw, gb] : [gx, gw];
  },
  local: (node) => `∂L/∂x = g ∗ flip(w) (full convolution), ∂L/∂w = x ⋆ g (correlation)${node.inputs.length > 2 ? ', ∂L/∂b = Σ g over samples and positions' : ''}`,
});

/** conv2dWeightOp's result and g summed per output channel, as plain tensors (no graph). */
function weightAndBiasGradients(x: Tensor, g: Tensor, a: ConvAttrs): [Tensor, Tensor] {
  const be = getBackend();
  const [n, inC] = x.shape;
  const outC = g.shape[1];
  const [xd, gd, dtype] = common(be, x, g);
  const { weight, bias } = be.conv2dWeightAndBias(xd, gd, params(a, n, inC, outC));
  return [new Tensor(weight, [outC, inC / a.groups, ...a.kernel], dtype), new Tensor(bias, [outC], dtype)];
}

// ∂L/∂x = convTranspose2d(g, w): each output gradient entry goes back, weighted by the kernel,
// to every input it was computed from. Bilinear in (g, w): ⟨h, T(g, w)⟩ = ⟨conv(h, w), g⟩.
export const convTranspose2dOp: OpDef<ConvAttrs> = defineOp<ConvAttrs>({
  name: 'convTranspose2d',
  forward: (be, [g, w], a) => {
    const [n, outC] = g.shape;
    const inC = w.shape[1] * a.groups;
    const [gd, wd, dtype] = common(be, g, w);
    return new Tensor(be.conv2dInput(gd, wd, params(a, n, inC, outC)), [n, inC, ...a.inSize], dtype);
  },
  vjp: (h, { inputs: [g, w], attrs }, needs) => [
    needs[0] ? apply(conv2dOp, [h, w], attrs) : null,
    needs[1] ? apply(conv2dWeightOp, [h, g], attrs) : null,
  ],
  local: 'the adjoint of conv2d in its input: ∂/∂g = conv2d(h, w), ∂/∂w = h ⋆ g',
});

// ∂L/∂W = conv2dWeight(x, g): at each kernel offset, the sum over samples and positions of the
// input there times the output gradient. Bilinear in (x, g): ⟨h, W(x, g)⟩ = ⟨conv(x, h), g⟩.
export const conv2dWeightOp: OpDef<ConvAttrs> = defineOp<ConvAttrs>({
  name: 'conv2dWeight',
  forward: (be, [x, g], a) => {
    const [n, inC] = x.shape;
    const outC = g.shape[1];
    const [xd, gd, dtype] = common(be, x, g);
    return new Tensor(be.conv2dWeight(xd, gd, params(a, n, inC, outC)), [outC, inC / a.groups, ...a.kernel], dtype);
  },
  vjp: (h, { inputs: [x, g], attrs }, needs) => [
    needs[0] ? apply(convTranspose2dOp, [g, h], attrs) : null,
    needs[1] ? apply(conv2dOp, [x, h], attrs) : null,
  ],
  local: 'the adjoint of conv2d in its kernel: ∂/∂x = g ∗ flip(h), ∂/∂g = conv2d(x, h)',
});

export interface Conv1dOptions {
  /** Step between windows (default 1). */
  stride?: Size1d;
  /** Zeros on both sides (default 0), or 'same' / 'valid'. */
  padding?: Padding1d;
  /** Spacing of the kernel's taps (default 1: adjacent). */
  dilation?: Size1d;
  /** Split channels into this many independent groups (default 1); it must divide both channel counts. */
  groups?: number;
}

export interface Conv2dOptions {
  stride?: Size2d;
  padding?: Padding2d;
  dilation?: Size2d;
  groups?: number;
}

/** The geometry of conv1d/conv2d after every check, lifted to 2-D. */
function convAttrs(fn: string, dims: 1 | 2, input: Tensor, x4: Tensor, weight: Tensor, options: Conv2dOptions | Conv1dOptions): ConvAttrs {
  if (weight.ndim !== dims + 2) {
    throw new RangeError(`${fn}: weight must be ${dims + 2}-D [outC, inC/groups, ${dims === 1 ? 'k' : 'kH, kW'}], got shape ${formatShape(weight.shape)}`);
  }
  const groups = positiveInt(fn, 'groups', options.groups ?? 1);
  const inC = x4.shape[1];
  const [outC, perGroup] = weight.shape;
  if (inC % groups !== 0) throw new RangeError(`${fn}: groups=${groups} does not divide the ${inC} input channels of input ${formatShape(input.shape)}`);
  if (outC % groups !== 0) throw new RangeError(`${fn}: groups=${groups} does not divide the ${outC} output channels of weight ${formatShape(weight.shape)}`);
  if (perGroup * groups !== inC) {
    throw new RangeError(`${fn}: input ${formatShape(input.shape)} has ${inC} channels, but weight ${formatShape(weight.shape)} with groups=${groups} expects ${perGroup * groups} (weight.shape[1] × groups)`);
  }
  const stride = spatialArg(fn, 'stride', options.stride ?? 1, dims, 1);
  const dilation = spatialArg(fn, 'dilation', options.dilation ?? 1, dims, 1);
  const kernel = weight.shape.slice(2);
  const size = input.shape.slice(input.ndim - dims);
  const padding = options.padding ?? 0;
  let before: number[];
  let after: number[];
  if (padding === 'valid') {
    before = size.map(() => 0);
    after = before;
  } else if (padding === 'same') {
    if (stride.some((s) => s !== 1)) throw new RangeError(`${fn}: padding 'same' needs stride 1, got stride ${JSON.stringify(options.stride)}`);
    const total = kernel.map((k, d) => dilation[d] * (k - 1));
    before = total.map((t) => Math.floor(t / 2));
    after = total.map((t, d) => t - before[d]);
  } else {
    before = spatialArg(fn, 'padding', padding, dims, 0);
    after = before;
  }
  const padded = size.map((s, d) => s + before[d] + after[d]);
  const span = kernel.map((k, d) => dilation[d] * (k - 1) + 1);
  if (span.some((s, d) => s > padded[d])) {
    const dilated = dilation.some((d) => d > 1) ? ` (${sizes(span)} dilated)` : '';
    throw new RangeError(`${fn}: the kernel ${sizes(kernel)}${dilated} of weight ${formatShape(weight.shape)} is larger than the padded input ${sizes(padded)} (input ${formatShape(input.shape)}, padding ${JSON.stringify(padding)})`);
  }
  const out = padded.map((p, d) => Math.floor((p - span[d]) / stride[d]) + 1);
  return {
    inSize: lift(size, 1), kernel: lift(kernel, 1), outSize: lift(out, 1),
    stride: lift(stride, 1), padding: lift(before, 0), dilation: lift(dilation, 1), groups,
  };
}

function checkBias(fn: string, bias: Tensor | null, channels: number, dtype: DType): Tensor | null {
  if (bias === null || bias === undefined) return null;
  floatTensor(fn, 'bias', bias);
  if (bias.ndim !== 1 || bias.shape[0] !== channels) throw new RangeError(`${fn}: bias must have shape [${channels}] (one per output channel), got ${formatShape(bias.shape)}`);
  if (bias.dtype !== dtype) throw new TypeError(`${fn}: bias is ${bias.dtype} but the input is ${dtype}`);
  return bias;
}

function checkOperands(fn: string, input: unknown, weight: unknown): [Tensor, Tensor] {
  const x = floatTensor(fn, 'input', input);
  const w = floatTensor(fn, 'weight', weight);
  if (x.dtype !== w.dtype) throw new TypeError(`${fn}: input is ${x.dtype} but weight is ${w.dtype}; convert one with .to()`);
  return [x, w];
}

function convNd(fn: string, dims: 1 | 2, input: Tensor, weight: Tensor, bias: Tensor | null, options: Conv2dOptions | Conv1dOptions): Tensor {
  const [x, w] = checkOperands(fn, input, weight);
  const { x4, restore } = batched(fn, x, dims);
  const attrs = convAttrs(fn, dims, x, x4, w, options);
  const b = checkBias(fn, bias, w.shape[0], x.dtype);
  const w4 = dims === 1 ? w.unsqueeze(2) : w;
  return restore(apply(conv2dOp, b === null ? [x4, w4] : [x4, w4, b], attrs));
}

/**
 * 2-D convolution (cross-correlation) of input [N, C, H, W] (or [C, H, W]) with weight
 * [outC, C/groups, kH, kW], plus bias [outC]: y[n, o] = bias[o] + Σ_c w[o, c] ⋆ x[n, c].
 * @example
 * conv2d(x, w, b, { stride: 1, padding: 'same' });   // x [8, 1, 28, 28], w [16, 1, 5, 5] → [8, 16, 28, 28]
 */
export function conv2d(input: Tensor, weight: Tensor, bias: Tensor | null = null, options: Conv2dOptions = {}): Tensor {
  return convNd('conv2d', 2, input, weight, bias, options);
}

/**
 * 1-D convolution (cross-correlation) of input [N, C, L] (or [C, L]) with weight [outC, C/groups, k].
 * @example
 * conv1d(x, w, null, { padding: 'valid' });   // x [1, 1, 8], w [1, 1, 2] → [1, 1, 7]
 */
export function conv1d(input: Tensor, weight: Tensor, bias: Tensor | null = null, options: Conv1dOptions = {}): Tensor {
  return convNd('conv1d', 1, input, weight, bias, options);
}

export interface ConvTranspose1dOptions {
  stride?: Size1d;
  /** Removed from both sides of the output (the padding of the convolution this transposes). */
  padding?: Size1d;
  /** Added to one side of the output to pick among the sizes a strided convolution maps alike. */
  outputPadding?: Size1d;
  groups?: number;
  dilation?: Size1d;
}

export interface ConvTranspose2dOptions {
  stride?: Size2d;
  padding?: Size2d;
  outputPadding?: Size2d;
  groups?: number;
  dilation?: Size2d;
}

function convTransposeNd(fn: string, dims: 1 | 2, input: Tensor, weight: Tensor, bias: Tensor | null, options: ConvTranspose2dOptions | ConvTranspose1dOptions): Tensor {
  const [x, w] = checkOperands(fn, input, weight);
  const { x4, restore } = batched(fn, x, dims);
  if (w.ndim !== dims + 2) {
    throw new RangeError(`${fn}: weight must be ${dims + 2}-D [inC, outC/groups, ${dims === 1 ? 'k' : 'kH, kW'}], got shape ${formatShape(w.shape)}`);
  }
  const groups = positiveInt(fn, 'groups', options.groups ?? 1);
  const inC = x4.shape[1];
  if (w.shape[0] !== inC) throw new RangeError(`${fn}: input ${formatShape(x.shape)} has ${inC} channels, but weight ${formatShape(w.shape)} expects ${w.shape[0]} (weight.shape[0])`);
  if (inC % groups !== 0) throw new RangeError(`${fn}: groups=${groups} does not divide the ${inC} input channels of input ${formatShape(x.shape)}`);
  const stride = spatialArg(fn, 'stride', options.stride ?? 1, dims, 1);
  const padding = spatialArg(fn, 'padding', options.padding ?? 0, dims, 0);
  const outputPadding = spatialArg(fn, 'outputPadding', options.outputPadding ?? 0, dims, 0);
  const dilation = spatialArg(fn, 'dilation', options.dilation ?? 1, dims, 1);
  if (outputPadding.some((p, d) => p >= stride[d] && p >= dilation[d])) {
    throw new RangeError(`${fn}: outputPadding ${JSON.stringify(options.outputPadding)} must be smaller than the stride or the dilation`);
  }
  const kernel = w.shape.slice(2);
  const size = x.shape.slice(x.ndim - dims);
  const out = size.map((s, d) => (s - 1) * stride[d] - 2 * padding[d] + dilation[d] * (kernel[d] - 1) + outputPadding[d] + 1);
  if (out.some((o) => o < 1)) throw new RangeError(`${fn}: input ${formatShape(x.shape)} with weight ${formatShape(w.shape)} and padding ${JSON.stringify(options.padding)} gives an output of size ${sizes(out)}`);
  // The convolution this is the adjoint of maps an input of the output's size to this input's.
  const attrs: ConvAttrs = {
    inSize: lift(out, 1), kernel: lift(kernel, 1), outSize: lift(size, 1),
    stride: lift(stride, 1), padding: lift(padding, 0), dilation: lift(dilation, 1), groups,
  };
  const b = checkBias(fn, bias, w.shape[1] * groups, x.dtype);
  let y = apply(convTranspose2dOp, [x4, dims === 1 ? w.unsqueeze(2) : w], attrs);
  if (b !== null) y = y.add(b.reshape(1, -1, 1, 1));
  return restore(y);
}

/**
 * The transposed 2-D convolution (the gradient of conv2d with respect to its input, as a layer):
 * input [N, inC, H, W], weight [inC, outC/groups, kH, kW] → [N, outC, H', W'] with
 * H' = (H − 1)·stride − 2·padding + dilation·(kH − 1) + outputPadding + 1.
 * @example
 * convTranspose2d(x, w, null, { stride: 2 });   // x [1, 4, 7, 7], w [4, 2, 2, 2] → [1, 2, 14, 14]
 */
export function convTranspose2d(input: Tensor, weight: Tensor, bias: Tensor | null = null, options: ConvTranspose2dOptions = {}): Tensor {
  return convTransposeNd('convTranspose2d', 2, input, weight, bias, options);
}

/** The transposed 1-D convolution: input [N, inC, L], weight [inC, outC/groups, k]. */
export function convTranspose1d(input: Tensor, weight: Tensor, bias: Tensor | null = null, options: ConvTranspose1dOptions = {}): Tensor {
  return convTransposeNd('convTranspose1d', 1, input, weight, bias, options);
}
