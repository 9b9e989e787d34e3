import type { Generator } from '../tensor/random.js';
import type { History } from './history.js';
import type { Logs, OptimizerLike, Trainable } from './types.js';

/** What fit() shares with callbacks. Set `stopTraining` to end training after this epoch. */
export interface TrainState {
  readonly model: Trainable;
  readonly optimizer: OptimizerLike;
  readonly history: History;
  /** The number of epochs asked for. */
  readonly epochs: number;
  /** The current epoch, counted from 0. */
  readonly epoch: number;
  /** Batches per epoch when the loader tells (its `length`), else null. */
  readonly batchesPerEpoch: number | null;
  /**
   * The generators the run draws from besides the default one, by name: 'loader' when the
   * training loader has one of its own. Checkpoint callbacks save them with the rest.
   */
  readonly generators: Readonly<Record<string, Generator>>;
  stopTraining: boolean;
}

/**
 * Hooks into fit(). Epochs and batches count from 0. Every method is optional, so an object
 * literal with one hook is a callback.
 * @example
 * fit(model, loader, { …, callbacks: [{ onEpochEnd: (e, logs) => console.log(e, logs.loss) }] });
 */
export interface Callback {
  onTrainBegin?(state: TrainState): void;
  onTrainEnd?(state: TrainState): void;
  onEpochBegin?(epoch: number, state: TrainState): void;
  /** After validation and the scheduler step: `logs` is the epoch's History entry. */
  onEpochEnd?(epoch: number, logs: Logs, state: TrainState): void;
  /** After the optimizer step: `logs` has the batch's loss, size and metrics. */
  onBatchEnd?(batch: number, logs: Logs, state: TrainState): void;
  /** When anything in fit() throws, before the error propagates (onTrainEnd is not called then). */
  onTrainError?(error: unknown, state: TrainState): void;
}

export interface EarlyStoppingOptions {
  /** Stop after this many epochs in a row without improvement (default 0, which like 1 stops at the first, as Keras). */
  patience?: number;
  /** The least change that counts as an improvement (default 0). */
  minDelta?: number;
  /** 'min' for losses, 'max' for accuracies; 'auto' (default) picks 'max' for names with acc, auc, precision, recall or f1. */
  mode?: 'min' | 'max' | 'auto';
  /** At the end of training, put back the parameters of the best epoch (default false). */
  restoreBestWeights?: boolean;
}

/**
 * Stops training when a monitored value ('valLoss' by default) has not improved for `patience`
 * epochs, as Keras' EarlyStopping.
 * @example
 * const stop = new EarlyStopping('valLoss', { patience: 3, restoreBestWeights: true });
 * fit(model, train, { …, validation: val, callbacks: [stop] });
 */
export class EarlyStopping implements Callback {
  readonly patience: number;
  readonly minDelta: number;
  readonly mode: 'min' | 'max';
  readonly restoreBestWeights: boolean;
  /** The best value seen, and the epoch it was seen in (−1 before any). */
  best = NaN;
  bestEpoch = -1;
  /** The epoch after which training stopped, or −1 if it ran to the end. */
  stoppedEpoch = -1;
  private wait = 0;
  private snapshot: Array<Float32Array | Float64Array | Int32Array> | null = null;

  constructor(readonly monitor = 'valLoss', options: EarlyStoppingOptions = {}) {
    const { patience = 0, minDelta = 0, mode = 'auto', restoreBestWeights = false } = options;
    if (!Number.isInteger(patience) || patience < 0) throw new RangeError(`EarlyStopping: patience must be a non-negative integer, got ${patience}`);
    if (!(minDelta >= 0)) throw new RangeError(`EarlyStopping: minDelta must be ≥ 0, got ${minDelta}`);
    if (mode !== 'min' && mode !== 'max' && mode !== 'auto') throw new TypeError(`EarlyStopping: mode must be 'min', 'max' or 'auto', got ${JSON.stringify(mode)}`);
    this.patience = patience;
    this.minDelta = minDelta;
    this.mode = mode === 'auto' ? (/acc|auc|precision|recall|f1/i.test(monitor) ? 'max' : 'min') : mode;
    this.restoreBestWeights = restoreBestWeights;
  }

  onTrainBegin(): void {
    this.best = NaN;
    this.bestEpoch = -1;
    this.stoppedEpoch = -1;
    this.wait = 0;
    this.snapshot = null;
  }

  onEpochEnd(epoch: number, logs: Logs, state: TrainState): void {
    const value = logs[this.monitor];
    if (value === undefined) {
      throw new RangeError(`EarlyStopping: the epoch logs have no ${JSON.stringify(this.monitor)}; they have ${Object.keys(logs).map((k) => JSON.stringify(k)).join(', ')} (valLoss needs a validation loader)`);
    }
    if (this.improves(value)) {
      this.best = value;
      this.bestEpoch = epoch;
      this.wait = 0;
      if (this.restoreBestWeights) this.snapshot = state.model.parameters().map((p) => p.data.slice());
      return;
    }
    this.wait++;
    if (this.wait >= Math.max(this.patience, 1)) {
      this.stoppedEpoch = epoch;
      state.stopTraining = true;
    }
  }

  onTrainEnd(state: TrainState): void {
    if (!this.restoreBestWeights || this.snapshot === null) return;
    const params = state.model.parameters();
    if (params.length !== this.snapshot.length) {
      throw new RangeError(`EarlyStopping: the model has ${params.length} parameters now but had ${this.snapshot.length} at its best epoch`);
    }
    // In place, so optimizers and anyone else holding the parameters see the restored values.
    params.forEach((p, i) => p.data.set(this.snapshot![i]));
  }

  private improves(value: number): boolean {
    if (Number.isNaN(value)) return false;
    if (this.bestEpoch < 0) return true;
    return this.mode === 'min' ? value < this.best - this.minDelta : value > this.best + this.minDelta;
  }
}
