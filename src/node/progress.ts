import cliProgress from 'cli-progress';
import type { Callback, TrainState } from '../train/callbacks.js';
import { epochLine } from '../train/fit.js';
import type { Logs } from '../train/types.js';

export interface ProgressBarOptions {
  /** Where to draw (default process.stderr, so the bar never mixes with a program's stdout). */
  stream?: NodeJS.WritableStream;
  /** Characters in the bar (default 30). */
  barsize?: number;
  /**
   * When the stream is not a terminal (CI logs, a file), one progress line at most this often, in
   * ms (default 2000); the bar is redrawn in place on a terminal.
   */
  notTTYSchedule?: number;
}

/**
 * A terminal progress bar per epoch, as a fit() callback: batches done, the running mean loss
 * (and accuracy, when fit() computes it), examples per second and the time left; then the
 * epoch's summary line. Node only.
 * @example
 * fit(model, loader, { epochs: 10, optimizer, loss, callbacks: [new ProgressBar()] });
 * // epoch 1/10 [=========-----] 80/125 | loss 0.4123 | accuracy 88.12% | 5210 samples/s | ETA 2s
 */
export class ProgressBar implements Callback {
  private readonly stream: NodeJS.WritableStream;
  private readonly options: ProgressBarOptions;
  private bar: cliProgress.SingleBar | null = null;
  private started = 0;
  private samples = 0;
  private lossSum = 0;
  // Accuracy shows only when fit() computes it (metrics: ['accuracy']), over the batches that had it.
  private accuracySum = 0;
  private accuracySamples = 0;
  private lastLine = 0;

  constructor(options: ProgressBarOptions = {}) {
    this.options = options;
    this.stream = options.stream ?? process.stderr;
  }

  private get isTTY(): boolean {
    return (this.stream as { isTTY?: boolean }).isTTY === true;
  }

  onEpochBegin(epoch: number, state: TrainState): void {
    const total = state.batchesPerEpoch;
    const known = total !== null && total > 0;
    this.bar = new cliProgress.SingleBar({
      stream: this.stream,
      format: known
        ? 'epoch {epoch} [{bar}] {value}/{total} | loss {loss}{accuracy} | {rate} samples/s | ETA {eta_formatted}'
        : 'epoch {epoch} batch {value} | loss {loss}{accuracy} | {rate} samples/s',
      barsize: this.options.barsize ?? 30,
      barCompleteChar: '=',
      barIncompleteChar: '-',
      // CI logs get progress too, one line per notTTYSchedule.
      noTTYOutput: true,
      notTTYSchedule: this.options.notTTYSchedule ?? 2000,
      hideCursor: false,
      // Off a terminal the last progress line stays; stop() would add an empty line after it.
      clearOnComplete: !this.isTTY,
      gracefulExit: true,
    });
    this.started = Date.now();
    this.lastLine = this.started;
    this.samples = 0;
    this.lossSum = 0;
    this.accuracySum = 0;
    this.accuracySamples = 0;
    this.bar.start(known ? total : 0, 0, { epoch: `${epoch + 1}/${state.epochs}`, loss: '-', accuracy: '', rate: '-' });
  }

  onBatchEnd(batch: number, logs: Logs): void {
    if (this.bar === null) return;
    const size = logs.size ?? 1;
    this.samples += size;
    this.lossSum += logs.loss * size;
    if (Number.isFinite(logs.accuracy)) {
      this.accuracySum += logs.accuracy * size;
      this.accuracySamples += size;
    }
    const accuracy = this.accuracySamples === 0 ? '' : ` | accuracy ${(100 * this.accuracySum / this.accuracySamples).toFixed(2)}%`;
    const seconds = Math.max((Date.now() - this.started) / 1000, 1e-3);
    this.bar.update(batch + 1, { loss: (this.lossSum / this.samples).toFixed(4), accuracy, rate: Math.round(this.samples / seconds) });
    // fit() runs synchronously, so cli-progress's timer cannot fire during an epoch when the
    // stream is not a terminal (on a terminal, update() redraws by itself): draw the lines here.
    if (!this.isTTY && Date.now() - this.lastLine >= (this.options.notTTYSchedule ?? 2000)) {
      this.lastLine = Date.now();
      this.bar.render();
    }
  }

  onEpochEnd(epoch: number, logs: Logs, state: TrainState): void {
    this.stopBar();
    this.stream.write(`${epochLine(epoch, state.epochs, logs, Date.now() - this.started)}\n`);
  }

  onTrainError(): void {
    this.stopBar();
  }

  private stopBar(): void {
    this.bar?.stop();
    this.bar = null;
  }
}
