// Multi-class losses: cross-entropy from logits (class labels or class probabilities) and the
// negative log-likelihood of log-probabilities. The class dimension is 1 ([N, C] or [N, C, d1…]),
// or 0 for one unbatched sample [C].
import { formatShape, sameShape, stridesOf } from '../../tensor/shape.js';
import { allocate, isFloat } from '../../tensor/dtype.js';
import { Tensor } from '../../tensor/tensor.js';
import { Module } from '../module.js';
import { assertFloatArg, assertTensorArg, reductionOf, type Reduction, type ReductionOptions } from './reduction.js';

export interface NLLLossOptions extends ReductionOptions {
  /** A weight per class, shape [C]; the mean divides by the summed weights of the targets. */
  weight?: Tensor | null;
  /** Targets equal to this label add nothing to the loss or its mean (default −100). */
  ignoreIndex?: number;
}

export interface CrossEntropyOptions extends NLLLossOptions {
  /** Mixes the target with the uniform distribution: (1 − ε)·target + ε/C (default 0). */
  labelSmoothing?: number;
}

interface Setup {
  classDim: number;
  numClasses: number;
  weight: Tensor | null;
  ignoreIndex: number;
  reduction: Reduction;
}

function setup(input: Tensor, options: NLLLossOptions, fn: string): Setup {
  const reduction = reductionOf(options, fn);
  assertFloatArg(input, fn, 'input');
  if (input.ndim === 0) throw new RangeError(`${fn}: input must have a class dimension ([C], [N, C] or [N, C, d1, …]), got a scalar`);
  const classDim = input.ndim === 1 ? 0 : 1;
  const numClasses = input.shape[classDim];
  const ignoreIndex = options.ignoreIndex ?? -100;
  if (!Number.isInteger(ignoreIndex)) throw new TypeError(`${fn}: ignoreIndex must be an integer, got ${String(ignoreIndex)}`);
  let weight: Tensor | null = null;
  if (options.weight !== null && options.weight !== undefined) {
    weight = assertFloatArg(options.weight, fn, 'weight');
    if (weight.ndim !== 1 || weight.shape[0] !== numClasses) {
      throw new RangeError(`${fn}: weight must have one entry per class, shape [${numClasses}], got ${formatShape(weight.shape)}`);
    }
  }
  return { classDim, numClasses, weight, ignoreIndex, reduction };
}

/** The shape class labels must have: the input's without the class dimension. */
function labelShape(input: Tensor, classDim: number): number[] {
  return input.shape.filter((_, d) => d !== classDim);
}

function checkLabels(input: Tensor, target: Tensor, s: Setup, fn: string): void {
  const want = labelShape(input, s.classDim);
  if (!sameShape(target.shape, want)) {
    const alt = fn === 'crossEntropy' ? ` or class probabilities of shape ${formatShape(input.shape)}` : '';
    throw new RangeError(`${fn}: target shape ${formatShape(target.shape)} does not match input shape ${formatShape(input.shape)}: expected class labels of shape ${formatShape(want)}${alt}`);
  }
  if (target.dtype !== 'int32') {
    const hint = ` (convert with target.to('int32'))${fn === 'crossEntropy' ? `; class probabilities instead need the input's shape ${formatShape(input.shape)}` : ''}`;
    throw new TypeError(`${fn}: class labels must be an int32 tensor, got ${target.dtype}${hint}`);
  }
  const strides = stridesOf(target.shape);
  const data = target.data;
  for (let i = 0; i < data.length; i++) {
    const label = data[i];
    if (label !== s.ignoreIndex && (label < 0 || label >= s.numClasses)) {
      const at = target.ndim === 0 ? '' : ` at [${strides.map((st, d) => Math.floor(i / st) % target.shape[d]).join(', ')}]`;
      throw new RangeError(`${fn}: class label ${label}${at} is out of range for ${s.numClasses} classes (expected 0 to ${s.numClasses - 1}, or ignoreIndex ${s.ignoreIndex})`);
    }
  }
}

/**
 * The labels with ignored ones replaced by 0 (any valid index, so gather can run), and each
 * label's weight: weight[label], or 1, and 0 where the label is ignored.
 */
function labelWeights(target: Tensor, like: Tensor, s: Setup): { safe: Tensor; weights: Tensor } {
  const n = target.size;
  const safe = new Int32Array(n);
  const keep = allocate(like.dtype, n);
  for (let i = 0; i < n; i++) {
    const ignored = target.data[i] === s.ignoreIndex;
    safe[i] = ignored ? 0 : target.data[i];
    keep[i] = ignored ? 0 : 1;
  }
  const safeLabels = new Tensor(safe, target.shape.slice(), 'int32');
  const mask = new Tensor(keep, target.shape.slice(), like.dtype);
  const weights = s.weight === null ? mask : s.weight.gather(0, safeLabels.flatten()).reshape(target.shape).mul(mask);
  return { safe: safeLabels, weights };
}

/** −weight[label]·logp[label] per sample, reduced; the mean divides by the summed weights. */
function nllOfLogProbs(logp: Tensor, target: Tensor, s: Setup): { loss: Tensor; weights: Tensor } {
  const { safe, weights } = labelWeights(target, logp, s);
  const picked = logp.gather(s.classDim, safe.unsqueeze(s.classDim)).squeeze(s.classDim);
  const losses = picked.mul(weights).neg();
  if (s.reduction === 'none') return { loss: losses, weights };
  if (s.reduction === 'sum') return { loss: losses.sum(), weights };
  return { loss: losses.sum().div(weights.sum()), weights };
}

/**
 * The negative log-likelihood of log-probabilities (e.g. from logSoftmax) at int32 class labels.
 * @example
 * F.nllLoss(logits.logSoftmax(1), labels);   // the same as F.crossEntropy(logits, labels)
 */
export function nllLoss(input: Tensor, target: Tensor, options: NLLLossOptions = {}): Tensor {
  const fn = 'nllLoss';
  const s = setup(input, options, fn);
  checkLabels(input, assertTensorArg(target, fn, 'target'), s, fn);
  return nllOfLogProbs(input, target, s).loss;
}

/**
 * Cross-entropy of the softmax of logits, computed through logSoftmax (stable for any logits).
 * The target is either int32 class labels (the input's shape without the class dimension), or
 * float class probabilities of the input's own shape. Follows PyTorch, including how ignoreIndex,
 * weight and labelSmoothing combine.
 * @example
 * F.crossEntropy(logits, labels);                           // logits [N, C], labels int32 [N]
 * F.crossEntropy(logits, labels, { labelSmoothing: 0.1 });
 */
export function crossEntropy(input: Tensor, target: Tensor, options: CrossEntropyOptions = {}): Tensor {
  const fn = 'crossEntropy';
  const s = setup(input, options, fn);
  assertTensorArg(target, fn, 'target');
  const eps = options.labelSmoothing ?? 0;
  if (typeof eps !== 'number' || !(eps >= 0 && eps <= 1)) throw new RangeError(`${fn}: labelSmoothing must be in [0, 1], got ${String(eps)}`);
  const probabilities = isFloat(target.dtype) && sameShape(target.shape, input.shape);
  if (!probabilities) checkLabels(input, target, s, fn);
  const logp = input.logSoftmax(s.classDim);
  // The class weights laid along the class dimension, to broadcast against logp.
  const classWeights = s.weight === null ? null : s.weight.reshape(input.shape.map((d, i) => (i === s.classDim ? d : 1)));

  if (probabilities) {
    // −Σ_c w_c·t_c·log p_c per sample; the mean is over samples (not weights), as PyTorch.
    const t = eps > 0 ? target.mul(1 - eps).add(eps / s.numClasses) : target;
    const weighted = classWeights === null ? logp : logp.mul(classWeights);
    const losses = weighted.mul(t).sum(s.classDim).neg();
    if (s.reduction === 'none') return losses;
    if (s.reduction === 'sum') return losses.sum();
    return losses.sum().div(input.size / s.numClasses);
  }

  const { loss: nll, weights } = nllOfLogProbs(logp, target, s);
  if (eps === 0) return nll;
  // Label smoothing adds ε/C times the loss against the uniform target: −Σ_c w_c·log p_c per
  // sample (0 where ignored), reduced like the NLL term (mean: over the targets' summed weights).
  const uniform = (classWeights === null ? logp : logp.mul(classWeights)).sum(s.classDim).neg();
  const smooth = uniform.mul(target.ne(s.ignoreIndex));
  let smoothReduced: Tensor;
  if (s.reduction === 'none') smoothReduced = smooth;
  else if (s.reduction === 'sum') smoothReduced = smooth.sum();
  else smoothReduced = smooth.sum().div(weights.sum());
  return nll.mul(1 - eps).add(smoothReduced.mul(eps / s.numClasses));
}

export class NLLLoss extends Module<[Tensor, Tensor], Tensor> {
  readonly reduction: Reduction;
  readonly ignoreIndex: number;
  declare readonly weight: Tensor | null;

  constructor(options: NLLLossOptions = {}) {
    super();
    this.reduction = reductionOf(options, 'NLLLoss');
    this.ignoreIndex = options.ignoreIndex ?? -100;
    this.registerBuffer('weight', options.weight ?? null);
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return nllLoss(input, target, { weight: this.weight, ignoreIndex: this.ignoreIndex, reduction: this.reduction });
  }
}

export class CrossEntropyLoss extends Module<[Tensor, Tensor], Tensor> {
  readonly reduction: Reduction;
  readonly ignoreIndex: number;
  readonly labelSmoothing: number;
  declare readonly weight: Tensor | null;

  constructor(options: CrossEntropyOptions = {}) {
    super();
    this.reduction = reductionOf(options, 'CrossEntropyLoss');
    this.ignoreIndex = options.ignoreIndex ?? -100;
    this.labelSmoothing = options.labelSmoothing ?? 0;
    this.registerBuffer('weight', options.weight ?? null);
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return crossEntropy(input, target, {
      weight: this.weight, ignoreIndex: this.ignoreIndex, reduction: this.reduction, labelSmoothing: this.labelSmoothing,
    });
  }
}
