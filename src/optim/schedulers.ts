import { LRScheduler } from './lr-scheduler.js';
import type { Optimizer } from './optimizer.js';
import { checkInteger, checkNonNegative, checkPositive, checkRange, fail } from './validate.js';

// Each get-lr rule below is PyTorch 1.13's, term for term and in the same order of operations,
// so that the lrs agree with PyTorch's printed values to the last bit or two.

export interface StepLROptions {
  stepSize: number;
  gamma: number;
}

/**
 * Multiplies each group's lr by gamma every stepSize epochs.
 * @example
 * const sched = new optim.StepLR(opt, 30, { gamma: 0.1 });   // lr·0.1 at epochs 30, 60, …
 */
export class StepLR extends LRScheduler<StepLROptions> {
  constructor(optimizer: Optimizer, stepSize: number, options: { gamma?: number } = {}) {
    super('StepLR', optimizer, { stepSize, gamma: (options ?? {}).gamma ?? 0.1 });
  }

  protected checkOptions(o: StepLROptions, prefix: string): void {
    checkInteger(`${prefix}stepSize`, o.stepSize, 1);
    checkPositive(`${prefix}gamma`, o.gamma);
  }

  protected chainedLr(lrs: readonly number[]): number[] {
    const { stepSize, gamma } = this.options;
    if (this.lastEpoch === 0 || this.lastEpoch % stepSize !== 0) return lrs.slice();
    return lrs.map((lr) => lr * gamma);
  }

  protected closedFormLr(epoch: number): number[] {
    const { stepSize, gamma } = this.options;
    return this.baseLrs.map((base) => base * gamma ** Math.floor(epoch / stepSize));
  }
}

export interface ExponentialLROptions {
  gamma: number;
}

/**
 * Multiplies each group's lr by gamma every epoch.
 * @example
 * const sched = new optim.ExponentialLR(opt, 0.95);
 */
export class ExponentialLR extends LRScheduler<ExponentialLROptions> {
  constructor(optimizer: Optimizer, gamma: number) {
    super('ExponentialLR', optimizer, { gamma });
  }

  protected checkOptions(o: ExponentialLROptions, prefix: string): void {
    checkPositive(`${prefix}gamma`, o.gamma);
  }

  protected chainedLr(lrs: readonly number[]): number[] {
    if (this.lastEpoch === 0) return lrs.slice();
    return lrs.map((lr) => lr * this.options.gamma);
  }

  protected closedFormLr(epoch: number): number[] {
    return this.baseLrs.map((base) => base * this.options.gamma ** epoch);
  }
}

export interface CosineAnnealingLROptions {
  tMax: number;
  etaMin: number;
}

/**
 * Anneals each lr from its base to etaMin along half a cosine over tMax epochs, then back up
 * over the next tMax (PyTorch's schedule, without restarts): in closed form
 * lr = etaMin + (base − etaMin)·(1 + cos(π·epoch/tMax))/2.
 * @example
 * const sched = new optim.CosineAnnealingLR(opt, 100, { etaMin: 1e-5 });
 */
export class CosineAnnealingLR extends LRScheduler<CosineAnnealingLROptions> {
  constructor(optimizer: Optimizer, tMax: number, options: { etaMin?: number } = {}) {
    super('CosineAnnealingLR', optimizer, { tMax, etaMin: (options ?? {}).etaMin ?? 0 });
  }

  protected checkOptions(o: CosineAnnealingLROptions, prefix: string): void {
    checkPositive(`${prefix}tMax`, o.tMax);
    checkNonNegative(`${prefix}etaMin`, o.etaMin);
  }

  // PyTorch's branch for a scheduler whose first step() comes at an epoch > 0 is left out: that
  // needs its last_epoch argument, which these schedulers replace with loadStateDict.
  protected chainedLr(lrs: readonly number[]): number[] {
    const { tMax, etaMin } = this.options;
    const epoch = this.lastEpoch;
    if (epoch === 0) return lrs.slice();
    if ((epoch - 1 - tMax) % (2 * tMax) === 0) {
      // At the bottom of the cosine the ratio below is 0/0; PyTorch steps by the first difference.
      return lrs.map((lr, i) => lr + (this.baseLrs[i] - etaMin) * (1 - Math.cos(Math.PI / tMax)) / 2);
    }
    const ratio = (1 + Math.cos(Math.PI * epoch / tMax)) / (1 + Math.cos(Math.PI * (epoch - 1) / tMax));
    return lrs.map((lr) => ratio * (lr - etaMin) + etaMin);
  }

  protected closedFormLr(epoch: number): number[] {
    const { tMax, etaMin } = this.options;
    return this.baseLrs.map((base) => etaMin + (base - etaMin) * (1 + Math.cos(Math.PI * epoch / tMax)) / 2);
  }
}

export interface LinearLROptions {
  startFactor: number;
  endFactor: number;
  totalIters: number;
}

/**
 * Scales each lr by a factor going linearly from startFactor to endFactor over totalIters epochs,
 * then keeps it: a linear warm-up with the defaults (1/3 of the lr, up to all of it in 5 epochs).
 * Follow it with another schedule through SequentialLR.
 * @example
 * const warmup = new optim.LinearLR(opt, { startFactor: 0.1, totalIters: 10 });
 */
export class LinearLR extends LRScheduler<LinearLROptions> {
  constructor(optimizer: Optimizer, options: Partial<LinearLROptions> = {}) {
    const o = options ?? {};
    super('LinearLR', optimizer, { startFactor: o.startFactor ?? 1 / 3, endFactor: o.endFactor ?? 1, totalIters: o.totalIters ?? 5 });
  }

  protected checkOptions(o: LinearLROptions, prefix: string): void {
    // PyTorch 1.13 lets startFactor be 0, and then divides 0 by 0 at epoch 1; later versions refuse it.
    if (typeof o.startFactor !== 'number' || !(o.startFactor > 0 && o.startFactor <= 1)) fail(`${prefix}startFactor`, 'in (0, 1]', o.startFactor);
    checkRange(`${prefix}endFactor`, o.endFactor, 0, 1, true);
    checkInteger(`${prefix}totalIters`, o.totalIters, 1);
  }

  protected chainedLr(lrs: readonly number[]): number[] {
    const { startFactor, endFactor, totalIters } = this.options;
    const epoch = this.lastEpoch;
    if (epoch === 0) return lrs.map((lr) => lr * startFactor);
    if (epoch > totalIters) return lrs.slice();
    const factor = 1 + (endFactor - startFactor) / (totalIters * startFactor + (epoch - 1) * (endFactor - startFactor));
    return lrs.map((lr) => lr * factor);
  }

  protected closedFormLr(epoch: number): number[] {
    const { startFactor, endFactor, totalIters } = this.options;
    return this.baseLrs.map((base) => base * (startFactor + (endFactor - startFactor) * Math.min(totalIters, epoch) / totalIters));
  }
}
