import { Tensor } from '../tensor/tensor.js';
import { readLrs } from './lr-scheduler.js';
import { Optimizer } from './optimizer.js';
import { checkInteger, checkKeys, checkNonNegative, checkOneOf, fail, isRecord } from './validate.js';

export interface ReduceLROnPlateauOptions {
  /** 'min': lower metrics are better (a loss); 'max': higher are (an accuracy). */
  mode: 'min' | 'max';
  /** The lr is multiplied by this on a plateau; in [0, 1). */
  factor: number;
  /** Epochs without improvement tolerated before reducing. */
  patience: number;
  /** How much better than the best a metric must be to count as an improvement. */
  threshold: number;
  /** 'rel': better by a fraction threshold of the best; 'abs': by threshold itself. */
  thresholdMode: 'rel' | 'abs';
  /** Epochs to wait after a reduction before counting bad epochs again. */
  cooldown: number;
  /** A floor for the lr: one number, or one per param group. */
  minLr: number | number[];
  /** A reduction smaller than this is not made. */
  eps: number;
}

export interface ReduceLROnPlateauStateDict {
  options: Omit<ReduceLROnPlateauOptions, 'minLr'> & { minLr: number[] };
  /**
   * The best metric so far: ±Infinity (the mode's worst) before the first step. loadStateDict
   * also takes null for it, which is what JSON.stringify writes for ±Infinity.
   */
  best: number | null;
  numBadEpochs: number;
  cooldownCounter: number;
  lastEpoch: number;
  lastLr: number[];
}

/**
 * Reduces each group's lr by `factor` once the metric given to step() has not improved for more
 * than `patience` epochs, then waits `cooldown` epochs (PyTorch 1.13's rules).
 * @example
 * const sched = new optim.ReduceLROnPlateau(opt, { patience: 5 });
 * for (…) { train(); sched.step(validationLoss); }
 */
export class ReduceLROnPlateau {
  readonly optimizer: Optimizer;
  private readonly options: ReduceLROnPlateauStateDict['options'];
  private best: number;
  private numBadEpochs = 0;
  private cooldownCounter = 0;
  private epoch = 0;
  private last: number[];

  constructor(optimizer: Optimizer, options: Partial<ReduceLROnPlateauOptions> = {}) {
    const label = 'ReduceLROnPlateau';
    if (!(optimizer instanceof Optimizer)) throw new TypeError(`${label}: the first argument must be an optimizer`);
    const o = options ?? {};
    const groups = optimizer.paramGroups.length;
    checkKeys(label, o, ['mode', 'factor', 'patience', 'threshold', 'thresholdMode', 'cooldown', 'minLr', 'eps']);
    const minLr = o.minLr ?? 0;
    const full = {
      mode: o.mode ?? 'min',
      factor: o.factor ?? 0.1,
      patience: o.patience ?? 10,
      threshold: o.threshold ?? 1e-4,
      thresholdMode: o.thresholdMode ?? 'rel',
      cooldown: o.cooldown ?? 0,
      minLr: Array.isArray(minLr) ? readLrs(`${label}: minLr`, minLr, groups) : new Array<number>(groups).fill(checkNonNegative(`${label}: minLr`, minLr)),
      eps: o.eps ?? 1e-8,
    };
    checkOptions(full, `${label}: `, groups);
    this.optimizer = optimizer;
    this.options = full;
    this.best = worst(full.mode);
    this.last = optimizer.paramGroups.map((group) => group.lr);
  }

  get lastEpoch(): number {
    return this.epoch;
  }

  /** The lr of each group after the last step (before any step, the current ones). */
  getLastLr(): number[] {
    return this.last.slice();
  }

  // Two overloads rather than one union parameter, so that types such as `{ step(metric?: number) }`
  // (a training loop's scheduler type) still accept this class.
  /** Records one epoch's metric (a number or a one-element tensor) and reduces the lrs on a plateau. */
  step(metric: number): void;
  step(metric: Tensor): void;
  step(metric: number | Tensor): void {
    const current = metric instanceof Tensor ? metric.item() : metric;
    if (typeof current !== 'number') throw new TypeError(`ReduceLROnPlateau: step: metric must be a number or a one-element Tensor; got ${typeof metric}`);
    const groups = this.optimizer.paramGroups;
    if (groups.length !== this.options.minLr.length) {
      throw new RangeError(`ReduceLROnPlateau: the optimizer has ${groups.length} param groups but had ${this.options.minLr.length} when the scheduler was made; make the scheduler after addParamGroup`);
    }
    this.epoch += 1;
    // NaN is never better, so it counts as a bad epoch, as in PyTorch.
    if (this.isBetter(current)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.options.patience) {
      groups.forEach((group, i) => {
        const newLr = Math.max(group.lr * this.options.factor, this.options.minLr[i]);
        if (group.lr - newLr > this.options.eps) group.lr = newLr;
      });
      this.cooldownCounter = this.options.cooldown;
      this.numBadEpochs = 0;
    }
    this.last = groups.map((group) => group.lr);
  }

  private isBetter(a: number): boolean {
    const { mode, threshold, thresholdMode } = this.options;
    if (mode === 'min') return thresholdMode === 'rel' ? a < this.best * (1 - threshold) : a < this.best - threshold;
    return thresholdMode === 'rel' ? a > this.best * (threshold + 1) : a > this.best + threshold;
  }

  stateDict(): ReduceLROnPlateauStateDict {
    return {
      options: { ...this.options, minLr: this.options.minLr.slice() },
      best: this.best,
      numBadEpochs: this.numBadEpochs,
      cooldownCounter: this.cooldownCounter,
      lastEpoch: this.epoch,
      lastLr: this.last.slice(),
    };
  }

  /** Restores a stateDict(); checked first, so on an error nothing has changed. */
  loadStateDict(stateDict: ReduceLROnPlateauStateDict): void {
    const prefix = 'ReduceLROnPlateau: loadStateDict: ';
    const groups = this.options.minLr.length;
    if (!isRecord(stateDict) || !isRecord(stateDict.options)) throw new TypeError(`${prefix}expected an object as stateDict() returns`);
    checkKeys(`${prefix}state dict`, stateDict, ['options', 'best', 'numBadEpochs', 'cooldownCounter', 'lastEpoch', 'lastLr'], 'key');
    checkKeys(`${prefix}options`, stateDict.options, Object.keys(this.options), 'key');
    const options = { ...stateDict.options, minLr: readLrs(`${prefix}options.minLr`, stateDict.options.minLr, groups) };
    checkOptions(options, `${prefix}options.`, groups);
    const best = stateDict.best === null ? worst(options.mode) : stateDict.best;
    if (typeof best !== 'number' || Number.isNaN(best)) fail(`${prefix}best`, 'a number (or null for none yet)', best);
    const numBadEpochs = checkInteger(`${prefix}numBadEpochs`, stateDict.numBadEpochs, 0);
    const cooldownCounter = checkInteger(`${prefix}cooldownCounter`, stateDict.cooldownCounter, 0);
    const lastEpoch = checkInteger(`${prefix}lastEpoch`, stateDict.lastEpoch, 0);
    const lastLr = readLrs(`${prefix}lastLr`, stateDict.lastLr, groups);
    Object.assign(this.options, options);
    this.best = best;
    this.numBadEpochs = numBadEpochs;
    this.cooldownCounter = cooldownCounter;
    this.epoch = lastEpoch;
    this.last = lastLr;
  }
}

function worst(mode: 'min' | 'max'): number {
  return mode === 'min' ? Infinity : -Infinity;
}

function checkOptions(o: ReduceLROnPlateauStateDict['options'], prefix: string, groups: number): void {
  checkOneOf(`${prefix}mode`, o.mode, ['min', 'max']);
  // PyTorch asks only factor < 1; a negative factor would make negative lrs.
  checkNonNegative(`${prefix}factor`, o.factor);
  if (o.factor >= 1) fail(`${prefix}factor`, 'less than 1', o.factor);
  checkInteger(`${prefix}patience`, o.patience, 0);
  checkNonNegative(`${prefix}threshold`, o.threshold);
  checkOneOf(`${prefix}thresholdMode`, o.thresholdMode, ['rel', 'abs']);
  checkInteger(`${prefix}cooldown`, o.cooldown, 0);
  readLrs(`${prefix}minLr`, o.minLr, groups);
  checkNonNegative(`${prefix}eps`, o.eps);
}
