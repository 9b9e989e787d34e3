// Binary cross-entropy on probabilities and, numerically stable, on logits.
import { maximum } from '../../ops/binary.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Module } from '../module.js';
import { assertFloatArg, assertSameShape, optionalWeight, reduce, reductionOf, type Reduction, type ReductionOptions } from './reduction.js';

export interface BCEOptions extends ReductionOptions {
  /** A rescaling weight per element, broadcast to the input's shape. */
  weight?: Tensor | null;
}

export interface BCEWithLogitsOptions extends BCEOptions {
  /** The weight of positive examples, broadcast along the last (class) dimension. */
  posWeight?: Tensor | null;
}

// Below e^−100 a log is clamped to −100 as in PyTorch, so a saturated probability gives a large,
// finite loss. The input is first clamped above 0 so that log never sees 0: log(0) = −∞ would turn
// the zero gradient of the clamped region into 0/0 = NaN in log's rule. The gradient is that of
// this formula: exact elsewhere, 0 where a log is clamped (PyTorch's hand-written rule instead
// gives (y − t)/max(y(1 − y), 1e−12) there).
const TINY = 1e-45;
function clampedLog(p: Tensor): Tensor {
  return p.clamp(TINY, null).log().clamp(-100, null);
}

/**
 * Binary cross-entropy −w·[t·log y + (1 − t)·log(1 − y)] of probabilities y in [0, 1].
 * @example
 * F.binaryCrossEntropy(sigmoid(logits), targets);
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor, options: BCEOptions = {}): Tensor {
  const fn = 'binaryCrossEntropy';
  const reduction = reductionOf(options, fn);
  assertFloatArg(input, fn, 'input');
  assertFloatArg(target, fn, 'target');
  assertSameShape(input, target, fn);
  const weight = optionalWeight(options.weight, input, fn);
  const data = input.data;
  for (let i = 0; i < data.length; i++) {
    if (!(data[i] >= 0 && data[i] <= 1)) {
      throw new RangeError(`${fn}: every input element must be a probability in [0, 1]; element ${i} is ${data[i]} (use binaryCrossEntropyWithLogits for raw scores)`);
    }
  }
  const terms = target.mul(clampedLog(input)).add(target.neg().add(1).mul(clampedLog(input.neg().add(1))));
  const losses = weight === null ? terms.neg() : terms.neg().mul(weight);
  return reduce(losses, reduction);
}

/**
 * Binary cross-entropy of sigmoid(x), computed from the logits x without forming the sigmoid:
 * (1 − t)·x + l·(log(1 + e^−|x|) + max(−x, 0)) with l = 1 + (posWeight − 1)·t, which never
 * overflows. (At x = 0, |x|' = 0 and max's tie rule give the true slope σ(0) − t.)
 */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, options: BCEWithLogitsOptions = {}): Tensor {
  const fn = 'binaryCrossEntropyWithLogits';
  const reduction = reductionOf(options, fn);
  assertFloatArg(input, fn, 'input');
  assertFloatArg(target, fn, 'target');
  assertSameShape(input, target, fn);
  const weight = optionalWeight(options.weight, input, fn);
  const posWeight = optionalWeight(options.posWeight, input, fn, 'posWeight');
  const softplusNeg = input.abs().neg().exp().add(1).log().add(maximum(input.neg(), 0));
  const logWeight = posWeight === null ? null : posWeight.sub(1).mul(target).add(1);
  const terms = target.neg().add(1).mul(input).add(logWeight === null ? softplusNeg : logWeight.mul(softplusNeg));
  return reduce(weight === null ? terms : terms.mul(weight), reduction);
}

export class BCELoss extends Module<[Tensor, Tensor], Tensor> {
  readonly reduction: Reduction;
  declare readonly weight: Tensor | null;

  constructor(options: BCEOptions = {}) {
    super();
    this.reduction = reductionOf(options, 'BCELoss');
    this.registerBuffer('weight', options.weight ?? null);
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropy(input, target, { weight: this.weight, reduction: this.reduction });
  }
}

export class BCEWithLogitsLoss extends Module<[Tensor, Tensor], Tensor> {
  readonly reduction: Reduction;
  declare readonly weight: Tensor | null;
  declare readonly posWeight: Tensor | null;

  constructor(options: BCEWithLogitsOptions = {}) {
    super();
    this.reduction = reductionOf(options, 'BCEWithLogitsLoss');
    this.registerBuffer('weight', options.weight ?? null);
    this.registerBuffer('posWeight', options.posWeight ?? null);
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropyWithLogits(input, target, { weight: this.weight, posWeight: this.posWeight, reduction: this.reduction });
  }
}
