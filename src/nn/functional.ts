// nn.functional: the function form of every layer and loss, PyTorch's F, camelCased. Layers call
// these; the losses live in losses/ and are re-exported here.
import { matmulOp } from '../ops/matmul.js';
import { apply } from '../ops/apply.js';
import * as ops from '../ops/index.js';
import { allocate } from '../tensor/dtype.js';
import { defaultGenerator, type Generator } from '../tensor/random.js';
import { formatShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { assertFloatArg, assertTensorArg } from './losses/reduction.js';

export { mseLoss, l1Loss } from './losses/regression.js';
export { binaryCrossEntropy, binaryCrossEntropyWithLogits, type BCEOptions, type BCEWithLogitsOptions } from './losses/binary.js';
export { crossEntropy, nllLoss, type CrossEntropyOptions, type NLLLossOptions } from './losses/classification.js';
export type { Reduction, ReductionOptions } from './losses/reduction.js';
export { conv1d, conv2d, convTranspose1d, convTranspose2d, maxPool1d, maxPool2d, avgPool1d, avgPool2d } from '../ops/index.js';

/**
 * y = x·weightᵀ + bias, with weight [out, in] (PyTorch's layout) and x [..., in].
 * @example
 * F.linear(x, w, b);   // x [N, 3], w [2, 3], b [2] → [N, 2]
 */
export function linear(input: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  assertTensorArg(input, 'linear', 'input');
  assertTensorArg(weight, 'linear', 'weight');
  if (weight.ndim !== 2) throw new RangeError(`linear: weight must be 2-D [out, in], got shape ${formatShape(weight.shape)}`);
  const [out, inFeatures] = weight.shape;
  if (input.ndim === 0 || input.shape[input.ndim - 1] !== inFeatures) {
    throw new RangeError(`linear: input of shape ${formatShape(input.shape)} does not fit weight ${formatShape(weight.shape)}: the last input dimension must be ${inFeatures} (in features)`);
  }
  if (bias !== null && (!(bias instanceof Tensor) || bias.ndim !== 1 || bias.shape[0] !== out)) {
    throw new RangeError(`linear: bias must have shape [${out}], got ${bias instanceof Tensor ? formatShape(bias.shape) : typeof bias}`);
  }
  // One product with weight read transposed in place (no transposed copy), as the matmul
  // primitive's flags allow; a single sample [in] is a batch of one.
  const x = input.ndim === 1 ? input.reshape(1, inFeatures) : input;
  let y = apply(matmulOp, [x, weight], { transA: false, transB: true });
  if (input.ndim === 1) y = y.reshape(out);
  return bias === null ? y : y.add(bias);
}

export const relu = (input: Tensor): Tensor => ops.relu(input);
export const sigmoid = (input: Tensor): Tensor => ops.sigmoid(input);
export const tanh = (input: Tensor): Tensor => ops.tanh(input);
export const leakyRelu = (input: Tensor, negativeSlope = 0.01): Tensor => ops.leakyRelu(input, negativeSlope);
export const softmax = (input: Tensor, dim: number): Tensor => ops.softmax(input, dim);
export const logSoftmax = (input: Tensor, dim: number): Tensor => ops.logSoftmax(input, dim);

export type GeluApproximate = 'none' | 'tanh';

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/** GELU x·Φ(x) (exact, default) or its tanh approximation 0.5x(1 + tanh(√(2/π)(x + 0.044715x³))). */
export function gelu(input: Tensor, approximate: GeluApproximate = 'none'): Tensor {
  if (approximate === 'none') return ops.gelu(input);
  if (approximate !== 'tanh') throw new RangeError(`gelu: approximate must be 'none' or 'tanh', got ${JSON.stringify(approximate)}`);
  const inner = input.add(input.pow(3).mul(0.044715)).mul(SQRT_2_OVER_PI);
  return input.mul(inner.tanh().add(1)).mul(0.5);
}

export interface DropoutOptions {
  generator?: Generator;
}

/**
 * Inverted dropout: in training, each element is zeroed with probability p and the survivors are
 * scaled by 1/(1 − p), so that evaluation needs no rescaling and is the identity.
 * @example
 * F.dropout(h, 0.5, model.training);
 */
export function dropout(input: Tensor, p = 0.5, training = true, options: DropoutOptions = {}): Tensor {
  assertFloatArg(input, 'dropout', 'input');
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new RangeError(`dropout: probability p must be in [0, 1], got ${String(p)}`);
  if (!training || p === 0) return input;
  if (p === 1) return input.mul(0);
  const g = options.generator ?? defaultGenerator;
  const scale = 1 / (1 - p);
  const mask = allocate(input.dtype, input.size);
  for (let i = 0; i < mask.length; i++) mask[i] = g.random() < p ? 0 : scale;
  return input.mul(new Tensor(mask, input.shape.slice(), input.dtype));
}

export interface BatchNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  /** Normalise with the batch's statistics (and update the running ones), default false. */
  training?: boolean;
  /** The weight of the new batch in the running averages (default 0.1). */
  momentum?: number;
  eps?: number;
}

/**
 * Batch normalisation over every dimension but the channels (dimension 1): [N, C], [N, C, L],
 * [N, C, H, W]. In training it uses the batch's mean and biased variance, and moves the running
 * statistics (if given) towards the batch's mean and unbiased variance, in place, as PyTorch;
 * otherwise it uses the running statistics.
 */
export function batchNorm(input: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, options: BatchNormOptions = {}): Tensor {
  const fn = 'batchNorm';
  assertFloatArg(input, fn, 'input');
  if (input.ndim < 2) throw new RangeError(`${fn}: input must be [N, C, …], got shape ${formatShape(input.shape)}`);
  const channels = input.shape[1];
  const training = options.training ?? false;
  const momentum = options.momentum ?? 0.1;
  const eps = options.eps ?? 1e-5;
  const perChannel = (t: Tensor | null | undefined, name: string): Tensor | null => {
    if (t === null || t === undefined) return null;
    if (!(t instanceof Tensor) || t.ndim !== 1 || t.shape[0] !== channels) {
      throw new RangeError(`${fn}: ${name} must have shape [${channels}] (one value per channel of input ${formatShape(input.shape)}), got ${t instanceof Tensor ? formatShape(t.shape) : typeof t}`);
    }
    return t;
  };
  const mean0 = perChannel(runningMean, 'runningMean');
  const var0 = perChannel(runningVar, 'runningVar');
  const weight = perChannel(options.weight, 'weight');
  const bias = perChannel(options.bias, 'bias');
  const axes = input.shape.map((_, d) => d).filter((d) => d !== 1);
  const view = input.shape.map((d, i) => (i === 1 ? d : 1));
  let y: Tensor;
  if (training) {
    const count = input.size / channels;
    if (count <= 1) throw new RangeError(`${fn}: expected more than 1 value per channel when training, got input of shape ${formatShape(input.shape)}`);
    const mean = input.mean(axes, true);
    const centered = input.sub(mean);
    const variance = centered.square().mean(axes, true);
    y = centered.div(variance.add(eps).sqrt());
    // In place and outside the graph. The running variance is the unbiased n/(n − 1)·var, as
    // PyTorch keeps it, although the batch is normalised with the biased one.
    if (mean0 !== null) for (let c = 0; c < channels; c++) mean0.data[c] = (1 - momentum) * mean0.data[c] + momentum * mean.data[c];
    if (var0 !== null) for (let c = 0; c < channels; c++) var0.data[c] = (1 - momentum) * var0.data[c] + momentum * variance.data[c] * count / (count - 1);
  } else {
    if (mean0 === null || var0 === null) throw new Error(`${fn}: evaluation (training: false) needs runningMean and runningVar`);
    y = input.sub(mean0.reshape(view)).div(var0.reshape(view).add(eps).sqrt());
  }
  if (weight !== null) y = y.mul(weight.reshape(view));
  if (bias !== null) y = y.add(bias.reshape(view));
  return y;
}

/**
 * One-hot rows of int32 labels: shape [...labels.shape, numClasses], int32. numClasses −1
 * (default) means the largest label + 1.
 */
export function oneHot(labels: Tensor, numClasses = -1): Tensor {
  assertTensorArg(labels, 'oneHot', 'labels');
  if (labels.dtype !== 'int32') throw new TypeError(`oneHot: labels must be an int32 tensor of class indices, got ${labels.dtype} (convert with .to('int32'))`);
  let classes = numClasses;
  if (classes === -1) {
    if (labels.size === 0) throw new RangeError('oneHot: cannot infer numClasses from an empty tensor; pass it');
    classes = 0;
    for (let i = 0; i < labels.size; i++) classes = Math.max(classes, labels.data[i] + 1);
  }
  if (!Number.isInteger(classes) || classes < 1) throw new RangeError(`oneHot: numClasses must be a positive integer or -1, got ${numClasses}`);
  const out = new Int32Array(labels.size * classes);
  for (let i = 0; i < labels.size; i++) {
    const label = labels.data[i];
    if (label < 0 || label >= classes) throw new RangeError(`oneHot: class label ${label} is out of range for ${classes} classes (expected 0 to ${classes - 1})`);
    out[i * classes + label] = 1;
  }
  return new Tensor(out, [...labels.shape, classes], 'int32');
}
