import { noGrad } from '../ops/grad-mode.js';
import { ReduceLROnPlateau } from '../optim/reduce-lr-on-plateau.js';
import { defaultGenerator, Generator } from '../tensor/random.js';
import type { Callback, TrainState } from './callbacks.js';
import { checkBatch, checkBatches, checkModel, evaluateBatches, inEvalMode, scalarLoss } from './evaluate.js';
import { History } from './history.js';
import { toMetric, type Metric } from './metrics.js';
import { lossValue, type Batches, type Logs, type LossFunction, type Resumable, type ResumeTargets, type SchedulerLike, type OptimizerLike, type Trainable } from './types.js';

export interface FitOptions {
  /** Passes over the loader (default 1). */
  epochs?: number;
  /**
   * The epoch to start at, counted from 0 (default 0): for a resumed run, the epochs it has done
   * already (io.restoreCheckpoint's `epoch`), so it trains epochs initialEpoch … epochs − 1.
   * resumeFrom sets it from the checkpoint instead.
   */
  initialEpoch?: number;
  /**
   * A checkpoint to continue from: before training, its model, optimizer, scheduler and generator
   * states are restored (the training loader's generator included), and training goes on with
   * the epoch after the last one it saved, so the run ends bit for bit where an uninterrupted one
   * would. Build model, optimizer, scheduler and loader as for the original run.
   * @example
   * fit(model, loader, { epochs: 6, optimizer, scheduler, loss, resumeFrom: checkpointFile('run.ckpt') });
   */
  resumeFrom?: Resumable;
  optimizer: OptimizerLike;
  /**
   * The loss to minimise; it should average over the batch (reduction 'mean', the default of
   * every nn loss): epoch losses are the example-weighted mean of the batch losses.
   */
  loss: LossFunction;
  /** Metrics computed on each batch's outputs (no extra forward pass) and on validation. */
  metrics?: Array<Metric | 'accuracy'>;
  /** Evaluated after each epoch, in eval mode: adds valLoss and val<Metric> to the epoch logs. */
  validation?: Batches;
  callbacks?: Callback[];
  /** Stepped once per epoch, after validation; the epoch logs get `lr`, the rate the epoch used. */
  scheduler?: SchedulerLike;
  /**
   * The epoch-log key whose value scheduler.step() receives, e.g. 'valLoss'. For an
   * optim.ReduceLROnPlateau it defaults to 'valLoss' with validation, else 'loss'; other
   * schedulers' step() gets no argument unless this is set.
   */
  schedulerMonitor?: string;
  /** true: one summary line per epoch on the console; or a function that receives those lines. */
  verbose?: boolean | ((line: string) => void);
}

/**
 * Trains a model: for each epoch, for each batch, zeroGrad → forward → loss → backward → step;
 * then validation, the scheduler step and the callbacks. Returns the History of losses and
 * metrics per epoch and per batch. Synchronous, on the caller's thread.
 * @example
 * const history = fit(model, new DataLoader(train, { batchSize: 64, shuffle: true }), {
 *   epochs: 10, optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }), loss: new nn.CrossEntropyLoss(),
 *   metrics: ['accuracy'], validation: new DataLoader(test, { batchSize: 256 }) });
 */
export function fit(model: Trainable, loader: Batches, options: FitOptions): History {
  checkModel(model, 'fit');
  checkBatches(loader, 'fit');
  if (options === null || typeof options !== 'object') throw new TypeError('fit: options with optimizer and loss are required');
  const { epochs = 1, initialEpoch = 0, optimizer, loss, validation, callbacks = [], scheduler, schedulerMonitor, verbose = false } = options;
  if (!Number.isInteger(epochs) || epochs < 0) throw new RangeError(`fit: epochs must be a non-negative integer, got ${epochs}`);
  if (!Number.isInteger(initialEpoch) || initialEpoch < 0 || initialEpoch > epochs) throw new RangeError(`fit: initialEpoch must be an integer in [0, epochs = ${epochs}], got ${initialEpoch}`);
  if (optimizer === undefined || typeof optimizer.step !== 'function' || typeof optimizer.zeroGrad !== 'function') {
    throw new TypeError('fit: options.optimizer must have step() and zeroGrad() (an optim optimizer does)');
  }
  if (typeof loss !== 'function' && (loss === undefined || loss === null || typeof loss.forward !== 'function')) {
    throw new TypeError('fit: options.loss must be a function (output, target) => Tensor or a loss module with forward()');
  }
  if (validation !== undefined) checkBatches(validation, 'fit: validation');
  if (scheduler !== undefined && typeof scheduler.step !== 'function') throw new TypeError('fit: options.scheduler must have step()');
  const metrics = (options.metrics ?? []).map(toMetric);
  const print = verbose === true ? consoleLine : verbose === false ? null : verbose;
  const generators = runGenerators(loader);
  // Last of the checks, as it changes state: everything above has been validated by then.
  const firstEpoch = options.resumeFrom === undefined ? initialEpoch : resume(options.resumeFrom, options.initialEpoch, epochs, { model, optimizer, scheduler, generators });

  const history = new History();
  const state: MutableState = {
    model, optimizer, history, epochs, epoch: 0,
    batchesPerEpoch: typeof loader.length === 'number' ? loader.length : null,
    generators, stopTraining: false,
  };
  const monitor = schedulerMonitor ?? (scheduler instanceof ReduceLROnPlateau ? (validation === undefined ? 'loss' : 'valLoss') : undefined);
  const run: Run = { model, loader, optimizer, loss, metrics, validation, scheduler, schedulerMonitor: monitor, callbacks, state };
  try {
    callbacks.forEach((cb) => cb.onTrainBegin?.(state));
    for (let epoch = firstEpoch; epoch < epochs && !state.stopTraining; epoch++) {
      const started = Date.now();
      const logs = runEpoch(run, epoch);
      if (print !== null) print(epochLine(epoch, epochs, logs, Date.now() - started));
      callbacks.forEach((cb) => cb.onEpochEnd?.(epoch, logs, state));
    }
  } catch (error) {
    // Callbacks holding resources (a progress bar's timer, say) release them; the error goes on.
    callbacks.forEach((cb) => cb.onTrainError?.(error, state));
    throw error;
  }
  callbacks.forEach((cb) => cb.onTrainEnd?.(state));
  return history;
}

type MutableState = TrainState & { epoch: number };

/**
 * The generators besides the default one that decide this run's randomness and that fit() can
 * see: the training loader's own, under 'loader'. The default generator is left out, as every
 * checkpoint saves it anyway.
 */
function runGenerators(loader: Batches): Readonly<Record<string, Generator>> {
  const g = loader.generator;
  return g instanceof Generator && g !== defaultGenerator ? { loader: g } : {};
}

/** Checks options.resumeFrom against the run, restores it, and returns the epoch to start at. */
function resume(from: Resumable, initialEpoch: number | undefined, epochs: number, targets: ResumeTargets): number {
  if (from === null || typeof from !== 'object' || typeof from.restore !== 'function') {
    throw new TypeError("fit: options.resumeFrom must be a checkpoint to resume from (io.checkpoint(bytes), or checkpointFile(path) from 'chainrule/node')");
  }
  if (initialEpoch !== undefined) throw new TypeError('fit: pass either initialEpoch or resumeFrom, not both (resumeFrom starts after the epochs the checkpoint has done)');
  const done = from.epoch;
  if (!Number.isInteger(done) || done < 0) throw new RangeError(`fit: resumeFrom.epoch must be a non-negative integer, got ${String(done)}`);
  if (done > epochs) {
    throw new RangeError(`fit: resumeFrom holds a run that had completed ${done} epochs, more than epochs = ${epochs}; ask for at least ${done} epochs (the total, counting those already done)`);
  }
  from.restore(targets);
  return done;
}

interface Run {
  model: Trainable;
  loader: Batches;
  optimizer: OptimizerLike;
  loss: LossFunction;
  metrics: Metric[];
  validation: Batches | undefined;
  scheduler: SchedulerLike | undefined;
  schedulerMonitor: string | undefined;
  callbacks: Callback[];
  state: MutableState;
}

/** One epoch: the training batches, validation, the scheduler step; returns the epoch's logs. */
function runEpoch(run: Run, epoch: number): Logs {
  const { model, optimizer, loss, metrics, validation, callbacks, state } = run;
  state.epoch = epoch;
  model.train(true);
  callbacks.forEach((cb) => cb.onEpochBegin?.(epoch, state));
  const batchLogs: Logs[] = [];
  state.history.batches.push(batchLogs);
  for (const m of metrics) m.reset();
  let lossSum = 0;
  let count = 0;
  for (const batch of run.loader) {
    const [x, y] = checkBatch(batch, 'fit');
    optimizer.zeroGrad();
    const output = model.forward(x);
    const l = lossValue(loss, output, y);
    const value = scalarLoss(l, 'fit');
    l.backward();
    optimizer.step();
    const n = x.ndim === 0 ? 1 : x.shape[0];
    lossSum += value * n;
    count += n;
    const logs: Logs = { loss: value, size: n };
    noGrad(() => { for (const m of metrics) logs[m.name] = m.update(output.detach(), y); });
    batchLogs.push(logs);
    callbacks.forEach((cb) => cb.onBatchEnd?.(batchLogs.length - 1, logs, state));
  }
  const logs: Logs = { loss: count === 0 ? NaN : lossSum / count };
  // The training results are read before validation resets the same metric objects.
  for (const m of metrics) logs[m.name] = m.result();
  if (validation !== undefined) Object.assign(logs, inEvalMode(model, () => evaluateBatches(model, validation, loss, metrics, 'val')));
  if (run.scheduler !== undefined) stepScheduler(run.scheduler, run.schedulerMonitor, logs);
  state.history.epochs.push(logs);
  return logs;
}

function stepScheduler(scheduler: SchedulerLike, monitor: string | undefined, logs: Logs): void {
  // The rate this epoch trained with, read before step() sets the next one.
  const lr = scheduler.getLastLr?.();
  if (lr !== undefined && lr.length > 0) logs.lr = lr[0];
  if (monitor === undefined) {
    scheduler.step();
  } else {
    const value = logs[monitor];
    if (value === undefined) {
      throw new RangeError(`fit: schedulerMonitor ${JSON.stringify(monitor)} is not in the epoch logs, which have ${Object.keys(logs).map((k) => JSON.stringify(k)).join(', ')}`);
    }
    scheduler.step(value);
  }
}

/** "epoch 3/10  loss 0.2345  accuracy 0.9312  valLoss …  1.2 s": the line verbose prints. */
export function epochLine(epoch: number, epochs: number, logs: Logs, ms: number): string {
  const parts = Object.entries(logs).map(([k, v]) => `${k} ${formatNumber(v)}`);
  return `epoch ${epoch + 1}/${epochs}  ${parts.join('  ')}  ${(ms / 1000).toFixed(1)} s`;
}

function formatNumber(v: number): string {
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(2);
}

// The core has no Node or DOM types; both environments have a console on globalThis.
function consoleLine(line: string): void {
  (globalThis as { console?: { log(s: string): void } }).console?.log(line);
}
