import type { Logs } from './types.js';

/**
 * What fit() records: per epoch, the training loss and metrics (averaged over the epoch's
 * examples), the validation loss and metrics ('valLoss', 'valAccuracy', …) and the learning rate the
 * epoch used when the scheduler reports it; per batch, that batch's loss, metrics and size.
 * @example
 * const h = fit(model, loader, { epochs: 5, optimizer, loss });
 * h.series('loss');            // [2.1, 0.9, 0.5, 0.4, 0.3]
 * h.epochs[4].valAccuracy;     // 0.96
 */
export class History {
  /** One entry per completed epoch. */
  readonly epochs: Logs[] = [];
  /** For each epoch, one entry per batch: `loss`, `size` (examples) and each metric. */
  readonly batches: Logs[][] = [];

  /** A value per epoch, e.g. series('valLoss'); NaN where an epoch lacks the key. */
  series(key: string): number[] {
    return this.epochs.map((logs) => (key in logs ? logs[key] : NaN));
  }

  /** The batch losses (or another key) of all epochs, in order. */
  batchSeries(key = 'loss'): number[] {
    return this.batches.flatMap((epoch) => epoch.map((logs) => (key in logs ? logs[key] : NaN)));
  }

  /** The keys recorded per epoch, in first-seen order. */
  get keys(): string[] {
    const seen = new Set<string>();
    for (const logs of this.epochs) for (const k of Object.keys(logs)) seen.add(k);
    return [...seen];
  }
}
