import { noGrad } from '../ops/grad-mode.js';
import { concat } from '../ops/movement.js';
import { formatShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { toMetric, type Metric } from './metrics.js';
import { lossValue, type Batches, type Logs, type LossFunction, type Trainable } from './types.js';

export interface EvaluateOptions {
  /** Adds 'loss' to the result: the mean over examples of the (mean-reduced) batch losses. */
  loss?: LossFunction;
  metrics?: Array<Metric | 'accuracy'>;
}

/**
 * The loss and metrics of a model over every batch of a loader, in eval mode without recording
 * a graph. The model's mode is restored afterwards when it reports one (`training`).
 * @example
 * evaluate(model, testLoader, { loss: new nn.CrossEntropyLoss(), metrics: ['accuracy'] });
 * // { loss: 0.21, accuracy: 0.95 }
 */
export function evaluate(model: Trainable, loader: Batches, options: EvaluateOptions = {}): Logs {
  checkModel(model, 'evaluate');
  checkBatches(loader, 'evaluate');
  const metrics = (options.metrics ?? []).map(toMetric);
  return inEvalMode(model, () => evaluateBatches(model, loader, options.loss, metrics, ''));
}

/** @internal The loop of evaluate(), shared with fit()'s validation; names get `prefix`. */
export function evaluateBatches(model: Trainable, loader: Batches, loss: LossFunction | undefined, metrics: Metric[], prefix: string): Logs {
  for (const m of metrics) m.reset();
  let lossSum = 0;
  let count = 0;
  noGrad(() => {
    for (const batch of loader) {
      const [x, y] = checkBatch(batch, 'evaluate');
      const output = model.forward(x);
      const n = x.ndim === 0 ? 1 : x.shape[0];
      if (loss !== undefined) lossSum += scalarLoss(lossValue(loss, output, y), 'evaluate') * n;
      count += n;
      for (const m of metrics) m.update(output, y);
    }
  });
  const logs: Logs = {};
  if (loss !== undefined) logs[key(prefix, 'loss')] = count === 0 ? NaN : lossSum / count;
  for (const m of metrics) logs[key(prefix, m.name)] = m.result();
  return logs;
}

export interface PredictOptions {
  /** Rows per forward pass when predicting a tensor (default 256); bounds memory. */
  batchSize?: number;
}

/**
 * The model's outputs for every example, as one tensor, in eval mode without a graph. Give a
 * tensor of inputs [N, …] (run in batches of batchSize rows) or a loader (its targets are ignored).
 * @example
 * const logits = predict(model, xTest);   // [N, 10]
 * const classes = logits.argmax(1);
 */
export function predict(model: Trainable, input: Tensor | Batches, options: PredictOptions = {}): Tensor {
  checkModel(model, 'predict');
  const batchSize = options.batchSize ?? 256;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`predict: batchSize must be a positive integer, got ${batchSize}`);
  if (!(input instanceof Tensor)) checkBatches(input, 'predict');
  return inEvalMode(model, () => noGrad(() => {
    const outputs: Tensor[] = [];
    if (input instanceof Tensor) {
      if (input.ndim === 0) throw new RangeError('predict: the input needs a first (example) dimension; got a 0-d tensor');
      const n = input.shape[0];
      for (let start = 0; start < n; start += batchSize) outputs.push(model.forward(input.slice(0, start, start + batchSize)));
      if (n === 0) outputs.push(model.forward(input));
    } else {
      for (const batch of input) outputs.push(model.forward(checkBatch(batch, 'predict')[0]));
      if (outputs.length === 0) throw new RangeError('predict: the loader gave no batches');
    }
    return concat(outputs, 0);
  }));
}

/** Runs fn with the model in eval mode, then puts back the mode it reported. */
export function inEvalMode<T>(model: Trainable, fn: () => T): T {
  const wasTraining = model.training;
  model.eval();
  try {
    return fn();
  } finally {
    if (wasTraining === true) model.train(true);
  }
}

export function key(prefix: string, name: string): string {
  return prefix === '' ? name : prefix + name.charAt(0).toUpperCase() + name.slice(1);
}

export function scalarLoss(loss: Tensor, where: string): number {
  if (!(loss instanceof Tensor)) throw new TypeError(`${where}: the loss function must return a Tensor, got ${typeof loss}`);
  if (loss.size !== 1) {
    throw new RangeError(`${where}: the loss must be a scalar (reduction 'mean' or 'sum'), got shape ${formatShape(loss.shape)}`);
  }
  return loss.item();
}

export function checkModel(model: Trainable, where: string): void {
  if (model === null || typeof model !== 'object' || typeof model.forward !== 'function' || typeof model.eval !== 'function' || typeof model.train !== 'function') {
    throw new TypeError(`${where}: model must have forward(x), train() and eval() (an nn.Module does)`);
  }
}

export function checkBatches(loader: Batches, where: string): void {
  if (loader === null || typeof loader !== 'object' || typeof (loader as Partial<Iterable<unknown>>)[Symbol.iterator] !== 'function') {
    throw new TypeError(`${where}: expected a DataLoader or another iterable of [x, y] batches, got ${loader === null ? 'null' : typeof loader}`);
  }
}

export function checkBatch(batch: unknown, where: string): readonly [Tensor, Tensor] {
  if (!Array.isArray(batch) || !(batch[0] instanceof Tensor) || !(batch[1] instanceof Tensor)) {
    throw new TypeError(`${where}: each batch must be [x, y], a pair of Tensors`);
  }
  return batch as unknown as readonly [Tensor, Tensor];
}
