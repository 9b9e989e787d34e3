import type { DType, FloatArray, TypedArray } from '../tensor/dtype.js';
import type { Shape } from '../tensor/shape.js';
import type { Recycler } from './recycler.js';

/**
 * Elementwise functions of one input. `leakyRelu` reads `param` as its negative slope; the
 * others ignore it. Masks (`stepPositive`: 1 where x > 0) serve derivative rules.
 */
export type UnaryOp =
  | 'neg' | 'exp' | 'log' | 'sqrt' | 'abs' | 'sign' | 'reciprocal' | 'square'
  | 'tanh' | 'sigmoid' | 'relu' | 'leakyRelu' | 'gelu' | 'erf';

/** Elementwise functions of two inputs; comparisons write 1 or 0. */
export type BinaryOp =
  | 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum'
  | 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge'
  | 'tanhGrad' | 'sigmoidGrad' | 'reluGrad';

export type ReduceOp = 'sum' | 'max' | 'min' | 'prod';
export type ArgReduceOp = 'argmax' | 'argmin';

/**
 * A batch of matrix products out[b] = op(A[b]) · op(B[b]) with op = transpose when the flag is
 * set. A[b] starts at b·strideA (0 repeats one matrix over the batch), likewise B.
 */
export interface MatmulParams {
  batch: number;
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
  strideA: number;
  strideB: number;
}

/**
 * The primitive kernels a backend provides: flat, contiguous, row-major typed arrays plus shapes
 * in; new typed arrays out. Never tensors, never graphs. Shapes have been checked by the core, so
 * kernels trust them. Every backend implements every kernel.
 */
export interface Backend {
  readonly name: string;
  /**
   * Optional: the backward pass lets this backend reuse the arrays it allocated for the pass's
   * gradients once they are dead (see recycler.ts). A backend without one allocates afresh.
   */
  readonly recycler?: Recycler;
  unary(op: UnaryOp, x: TypedArray, outDtype: DType, param?: number): TypedArray;
  binary(op: BinaryOp, a: TypedArray, aShape: Shape, b: TypedArray, bShape: Shape, outShape: Shape, outDtype: DType): TypedArray;
  /** out = cond ≠ 0 ? a : b, all three broadcast to outShape. */
  where(cond: TypedArray, condShape: Shape, a: TypedArray, aShape: Shape, b: TypedArray, bShape: Shape, outShape: Shape, outDtype: DType): TypedArray;
  /** Clamps into [min, max]; either bound may be ±Infinity. */
  clamp(x: TypedArray, min: number, max: number): TypedArray;
  /** Reduces the given axes (sorted, distinct); the result has the kept dimensions in order. */
  reduce(op: ReduceOp, x: TypedArray, shape: Shape, axes: readonly number[]): TypedArray;
  /** Index of the first extreme value along one axis. */
  argReduce(op: ArgReduceOp, x: TypedArray, shape: Shape, axis: number): Int32Array;
  matmul(a: TypedArray, b: TypedArray, p: MatmulParams, outDtype: DType): TypedArray;
  /** out = x with its axes reordered: out dimension i is x dimension perm[i]. */
  permute(x: TypedArray, shape: Shape, perm: readonly number[]): TypedArray;
  /** Broadcasts x (of a shape broadcastable to outShape) into a new contiguous array. */
  expand(x: TypedArray, shape: Shape, outShape: Shape): TypedArray;
  /** Softmax (or log-softmax) along one axis, max-subtracted for stability. */
  softmax(x: TypedArray, shape: Shape, axis: number, log: boolean): TypedArray;
  /** The elements begin[d], begin[d]+step[d], … (outShape[d] of them) of each dimension. */
  slice(x: TypedArray, shape: Shape, begin: readonly number[], step: readonly number[], outShape: Shape): TypedArray;
  /** The inverse placement of slice: x (of sliceShape) written into zeros of outShape. */
  unslice(x: TypedArray, sliceShape: Shape, begin: readonly number[], step: readonly number[], outShape: Shape): TypedArray;
  /** Joins arrays along one axis; all other dimensions agree. */
  concat(xs: readonly TypedArray[], shapes: readonly Shape[], axis: number, outDtype: DType): TypedArray;
  cast(x: TypedArray, dtype: DType): TypedArray;
  /**
   * out[…, i, …] = x[…, index[…, i, …], …] along `axis` (PyTorch's gather): index has x's rank
   * and is no larger than x in the other dimensions. Indices were checked by the core.
   */
  gather(x: TypedArray, shape: Shape, index: Int32Array, indexShape: Shape, axis: number): TypedArray;
  /** The adjoint of gather: zeros of outShape, with each x element added at its index. */
  scatterAdd(x: TypedArray, index: Int32Array, indexShape: Shape, axis: number, outShape: Shape): TypedArray;
  /**
   * Convolution's unfolding: x [batch, channels, height, width] → columns [channels·kernelH·kernelW,
   * batch·outH·outW], so that a convolution is one matrix product per channel group. Row (c, i, j),
   * column (n, oh, ow) holds x[n, c, oh·strideH + i·dilationH − padTop, ow·strideW + j·dilationW − padLeft],
   * or 0 in the padding.
   */
  im2col(x: TypedArray, p: Conv2dParams): TypedArray;
  /** The adjoint of im2col: each column entry added back into zeros of x's shape where it was read. */
  col2im(cols: TypedArray, p: Conv2dParams): TypedArray;
  /**
   * The three bilinear maps of a 2-D convolution (ops/conv.ts derives each one's gradient from the
   * other two), per channel group, all operands of one float dtype:
   * conv2d: x [batch, channels, height, width] and w [outChannels, channels/groups, kernelH, kernelW]
   * → y [batch, outChannels, outH, outW], y[n,o,p,q] = bias[o] + Σ_{c,i,j} w[o,c,i,j]·x[n, c, p·sH + i·dH − padTop, q·sW + j·dW − padLeft],
   * the bias term left out when bias is null. Adding it here, while each sample's outputs are in
   * cache, saves a pass over the largest activations of a CNN.
   */
  conv2d(x: TypedArray, w: TypedArray, p: ConvProductParams, bias: TypedArray | null): TypedArray;
  /** ∂L/∂x of conv2d from g (y's shape) and w: the full convolution of g with the flipped kernel. */
  conv2dInput(g: TypedArray, w: TypedArray, p: ConvProductParams): TypedArray;
  /** ∂L/∂w of conv2d from x and g (y's shape): the correlation of x with g, summed over the batch. */
  conv2dWeight(x: TypedArray, g: TypedArray, p: ConvProductParams): TypedArray;
  /**
   * conv2dWeight, and ∂L/∂bias with it: g summed over samples and positions, one value per
   * output channel. The native backend sums each plane of g while it copies it for the weight
   * gradient, instead of a pass of its own over g, the largest gradient of a CNN.
   */
  conv2dWeightAndBias(x: TypedArray, g: TypedArray, p: ConvProductParams): { weight: TypedArray; bias: TypedArray };
  /** Window maxima of [planes, height, width] and their indices within a plane (ih·width + iw); the first maximum wins a tie. */
  maxPool2d(x: TypedArray, p: MaxPool2dParams): { values: TypedArray; argmax: Int32Array };
  /** Zeros of [planes, height, width] with each g element added at its argmax. */
  maxPool2dBackward(g: TypedArray, argmax: Int32Array, p: MaxPool2dParams): TypedArray;
  /** Window means of [planes, height, width]; the divisor follows p.countIncludePad (PyTorch's rule). */
  avgPool2d(x: TypedArray, p: AvgPool2dParams): TypedArray;
  /** The adjoint of avgPool2d. */
  avgPool2dBackward(g: TypedArray, p: AvgPool2dParams): TypedArray;
  /**
   * Fused optimizer updates (PyTorch 1.13's rules), in place, one pass per parameter: p, g and the
   * state buffers are arrays of one dtype and one length. A null buffer means the feature is off.
   */
  sgdStep(p: FloatArray, g: FloatArray, momentumBuf: FloatArray | null, h: SgdStepParams): void;
  /** AMSGrad when maxExpAvgSq is given; AdamW when h.decoupled. */
  adamStep(p: FloatArray, g: FloatArray, expAvg: FloatArray, expAvgSq: FloatArray, maxExpAvgSq: FloatArray | null, h: AdamStepParams): void;
  /** Centered when gradAvg is given; with momentum when momentumBuf is given. */
  rmspropStep(p: FloatArray, g: FloatArray, squareAvg: FloatArray, gradAvg: FloatArray | null, momentumBuf: FloatArray | null, h: RmspropStepParams): void;
}

/** Hyperparameters of one SGD update; the kernel uses momentum only with a momentum buffer. */
export interface SgdStepParams {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
  /** The buffer holds no history yet: it is set to the direction, not decayed (PyTorch). */
  freshBuffer: boolean;
}

export interface AdamStepParams {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** AdamW: decay the parameter by lr·weightDecay instead of adding weightDecay·p to g. */
  decoupled: boolean;
  maximize: boolean;
  /** This parameter's step count, already counting this step (1 on the first). */
  step: number;
}

export interface RmspropStepParams {
  lr: number;
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  maximize: boolean;
}

/**
 * The geometry of a 2-D convolution (1-D convolutions have height 1): the input's size, the
 * kernel's, the output's, and where each window starts. The padding after the input is implied by
 * the output size, so asymmetric padding ('same' with an even kernel) needs nothing more.
 */
export interface Conv2dParams {
  batch: number;
  channels: number;
  height: number;
  width: number;
  kernelH: number;
  kernelW: number;
  outH: number;
  outW: number;
  strideH: number;
  strideW: number;
  padTop: number;
  padLeft: number;
  dilationH: number;
  dilationW: number;
}

/** A convolution's geometry with its channel counts: `channels` in, `outChannels` out, in `groups` groups. */
export interface ConvProductParams extends Conv2dParams {
  outChannels: number;
  groups: number;
}

/** The geometry of pooling each [height, width] plane of [planes, height, width], padded alike on both sides. */
export interface Pool2dParams {
  planes: number;
  height: number;
  width: number;
  kernelH: number;
  kernelW: number;
  outH: number;
  outW: number;
  strideH: number;
  strideW: number;
  padH: number;
  padW: number;
}

export interface MaxPool2dParams extends Pool2dParams {
  dilationH: number;
  dilationW: number;
}

export interface AvgPool2dParams extends Pool2dParams {
  /** Divide by the window's size including padding (true) or by its positions inside the input. */
  countIncludePad: boolean;
}
