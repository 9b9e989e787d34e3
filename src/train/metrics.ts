import { argmax } from '../ops/reduce.js';
import { noGrad } from '../ops/grad-mode.js';
import { formatShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';

/**
 * A metric accumulated over the batches of an epoch: reset() at the start, update() per batch
 * (returning that batch's own value, for per-batch logs), result() for the epoch.
 */
export interface Metric {
  /** The key in logs and History ('accuracy'; validation adds the 'val' prefix: 'valAccuracy'). */
  readonly name: string;
  reset(): void;
  update(output: Tensor, target: Tensor): number;
  result(): number;
}

export interface ClassOptions {
  /**
   * For one output per example ([N] or [N, 1]): the class is 1 where output > threshold.
   * Default 0.5, for probabilities; use 0 for logits.
   */
  threshold?: number;
}

/**
 * The class each example is given: argmax over classes for [N, C] scores (C > 1), a threshold
 * for [N] or [N, 1] outputs, or the values themselves for int32 labels.
 */
export function predictedClasses(output: Tensor, options: ClassOptions = {}): Int32Array {
  const threshold = options.threshold ?? 0.5;
  if (output.dtype === 'int32' && output.ndim <= 1) return output.data as Int32Array;
  if (output.ndim === 2 && output.shape[1] > 1) return noGrad(() => argmax(output, 1)).data as Int32Array;
  if (output.ndim === 1 || (output.ndim === 2 && output.shape[1] === 1)) {
    const out = new Int32Array(output.shape[0]);
    for (let i = 0; i < out.length; i++) out[i] = output.data[i] > threshold ? 1 : 0;
    return out;
  }
  throw new RangeError(`predictedClasses: expected scores [N, C], one output per example [N] or [N, 1], or int32 labels [N]; got ${output.dtype} ${formatShape(output.shape)}`);
}

/** True classes from int32 labels [N], 0/1 targets [N] or [N, 1], or one-hot / probabilities [N, C]. */
function targetClasses(target: Tensor): Int32Array {
  if (target.dtype === 'int32' && target.ndim === 1) return target.data as Int32Array;
  if (target.ndim === 2 && target.shape[1] > 1) return predictedClasses(target);
  if (target.ndim === 1 || (target.ndim === 2 && target.shape[1] === 1)) return predictedClasses(target, { threshold: 0.5 });
  throw new RangeError(`accuracy: expected targets as int32 labels [N], 0/1 values [N] or [N, 1], or one-hot [N, C]; got ${target.dtype} ${formatShape(target.shape)}`);
}

function correctCount(output: Tensor, target: Tensor, options: ClassOptions): [correct: number, total: number] {
  const predicted = predictedClasses(output, options);
  const actual = targetClasses(target);
  if (predicted.length !== actual.length) {
    throw new RangeError(`accuracy: ${predicted.length} predictions (output ${formatShape(output.shape)}) but ${actual.length} targets (${formatShape(target.shape)})`);
  }
  let correct = 0;
  for (let i = 0; i < predicted.length; i++) if (predicted[i] === actual[i]) correct++;
  return [correct, predicted.length];
}

/**
 * The fraction of examples whose predicted class equals the target.
 * @example
 * accuracy(model.forward(x), labels);   // 0.97
 */
export function accuracy(output: Tensor, target: Tensor, options: ClassOptions = {}): number {
  const [correct, total] = correctCount(output, target, options);
  return total === 0 ? NaN : correct / total;
}

/** Accuracy as a Metric for fit() and evaluate(); the string 'accuracy' there means `new Accuracy()`. */
export class Accuracy implements Metric {
  readonly name: string;
  private correct = 0;
  private total = 0;

  constructor(private readonly options: ClassOptions & { name?: string } = {}) {
    this.name = options.name ?? 'accuracy';
  }

  reset(): void {
    this.correct = 0;
    this.total = 0;
  }

  update(output: Tensor, target: Tensor): number {
    const [correct, total] = correctCount(output, target, this.options);
    this.correct += correct;
    this.total += total;
    return total === 0 ? NaN : correct / total;
  }

  result(): number {
    return this.total === 0 ? NaN : this.correct / this.total;
  }
}

/**
 * Counts of (true class, predicted class) pairs: an int32 [C, C] tensor whose row i, column j
 * counts examples of class i predicted as j (rows true, as scikit-learn). C defaults to one
 * more than the largest class seen.
 * @example
 * confusionMatrix(predict(model, xTest), yTest, 10).toArray();
 */
export function confusionMatrix(output: Tensor, target: Tensor, numClasses?: number, options: ClassOptions = {}): Tensor {
  const predicted = predictedClasses(output, options);
  const actual = targetClasses(target);
  if (predicted.length !== actual.length) {
    throw new RangeError(`confusionMatrix: ${predicted.length} predictions but ${actual.length} targets`);
  }
  let c = numClasses ?? 0;
  if (numClasses === undefined) for (let i = 0; i < predicted.length; i++) c = Math.max(c, predicted[i] + 1, actual[i] + 1);
  if (!Number.isInteger(c) || c < 1) throw new RangeError(`confusionMatrix: numClasses must be a positive integer, got ${numClasses}`);
  const counts = new Int32Array(c * c);
  for (let i = 0; i < predicted.length; i++) {
    const t = actual[i];
    const p = predicted[i];
    if (t < 0 || t >= c || p < 0 || p >= c) {
      throw new RangeError(`confusionMatrix: example ${i} has true class ${t} and predicted class ${p}, outside 0…${c - 1}`);
    }
    counts[t * c + p]++;
  }
  return new Tensor(counts, [c, c], 'int32');
}

export function toMetric(m: Metric | 'accuracy'): Metric {
  if (m === 'accuracy') return new Accuracy();
  if (m === null || typeof m !== 'object' || typeof m.update !== 'function' || typeof m.result !== 'function' || typeof m.reset !== 'function') {
    throw new TypeError(`metrics: expected 'accuracy' or a Metric with name, reset(), update() and result(); got ${String(m)}`);
  }
  return m;
}
