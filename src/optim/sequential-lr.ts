import { LRScheduler, readLrs, type LRSchedulerStateDict } from './lr-scheduler.js';
import { Optimizer } from './optimizer.js';
import { checkInteger, checkKeys, fail, isRecord } from './validate.js';

export interface SequentialLRStateDict {
  lastEpoch: number;
  lastLr: number[];
  milestones: number[];
  schedulers: LRSchedulerStateDict<object>[];
}

/**
 * Runs schedulers one after another: schedulers[i] from epoch milestones[i − 1] on. At a
 * milestone the next scheduler starts from its epoch 0 in closed form (from the base lrs, not
 * from where the previous one left the lr), as PyTorch 1.13 does. The usual warm-up:
 * @example
 * const warmup = new optim.LinearLR(opt, { startFactor: 0.1, totalIters: 5 });
 * const cosine = new optim.CosineAnnealingLR(opt, 95);
 * const sched = new optim.SequentialLR(opt, [warmup, cosine], [5]);
 */
export class SequentialLR {
  readonly optimizer: Optimizer;
  private readonly schedulers: LRScheduler[];
  private milestones: number[];
  private epoch: number;
  private last: number[];

  constructor(optimizer: Optimizer, schedulers: readonly LRScheduler[], milestones: readonly number[]) {
    const label = 'SequentialLR';
    if (!(optimizer instanceof Optimizer)) throw new TypeError(`${label}: the first argument must be an optimizer`);
    if (!Array.isArray(schedulers) || schedulers.length === 0) fail(`${label}: schedulers`, 'a non-empty list of schedulers', schedulers);
    schedulers.forEach((s, i) => {
      if (!(s instanceof LRScheduler)) throw new TypeError(`${label}: schedulers[${i}] must be an LRScheduler such as LinearLR (ReduceLROnPlateau and SequentialLR cannot be nested)`);
      if (s.optimizer !== optimizer) throw new RangeError(`${label}: schedulers[${i}] belongs to another optimizer; all must belong to the one given`);
    });
    this.milestones = readMilestones(`${label}: milestones`, milestones, schedulers.length);
    this.optimizer = optimizer;
    this.schedulers = schedulers.slice();
    this.epoch = 0;
    // Undo what constructing the parts did to the lrs, then start the first one over.
    for (const group of optimizer.paramGroups) group.lr = group.initialLr ?? group.lr;
    for (const s of this.schedulers) s.rewind();
    this.schedulers[0].initialStep();
    this.last = this.schedulers[0].getLastLr();
  }

  get lastEpoch(): number {
    return this.epoch;
  }

  getLastLr(): number[] {
    return this.last.slice();
  }

  /** Moves to the next epoch: steps the scheduler whose span it is in, or starts the next one. */
  step(): void {
    const epoch = this.epoch + 1;
    let index = 0;
    while (index < this.milestones.length && this.milestones[index] <= epoch) index += 1;
    const scheduler = this.schedulers[index];
    if (index > 0 && this.milestones[index - 1] === epoch) scheduler.jumpTo(0);
    else scheduler.step();
    this.epoch = epoch;
    this.last = scheduler.getLastLr();
  }

  stateDict(): SequentialLRStateDict {
    return {
      lastEpoch: this.epoch,
      lastLr: this.last.slice(),
      milestones: this.milestones.slice(),
      schedulers: this.schedulers.map((s) => s.stateDict()),
    };
  }

  /** Restores a stateDict() of a SequentialLR made of the same kinds of schedulers; all or nothing. */
  loadStateDict(stateDict: SequentialLRStateDict): void {
    const prefix = 'SequentialLR: loadStateDict: ';
    if (!isRecord(stateDict)) throw new TypeError(`${prefix}expected an object as stateDict() returns`);
    checkKeys(`${prefix}state dict`, stateDict, ['lastEpoch', 'lastLr', 'milestones', 'schedulers'], 'key');
    const lastEpoch = checkInteger(`${prefix}lastEpoch`, stateDict.lastEpoch, 0);
    const lastLr = readLrs(`${prefix}lastLr`, stateDict.lastLr, this.optimizer.paramGroups.length);
    const milestones = readMilestones(`${prefix}milestones`, stateDict.milestones, this.schedulers.length);
    const saved: unknown = stateDict.schedulers;
    if (!Array.isArray(saved) || saved.length !== this.schedulers.length) {
      fail(`${prefix}schedulers`, `a list of ${this.schedulers.length} scheduler state dicts`, saved);
    }
    const commits = this.schedulers.map((s, i) => s.prepareLoad(saved[i], `${prefix}schedulers[${i}].`));
    for (const commit of commits) commit();
    this.epoch = lastEpoch;
    this.last = lastLr;
    this.milestones = milestones;
  }
}

function readMilestones(where: string, value: unknown, schedulers: number): number[] {
  if (!Array.isArray(value) || value.length !== schedulers - 1) {
    fail(where, `a list of ${schedulers - 1} epochs (one fewer than the schedulers)`, value);
  }
  value.forEach((m, i) => {
    checkInteger(`${where}[${i}]`, m, 1);
    if (i > 0 && m <= value[i - 1]) fail(`${where}[${i}]`, `greater than ${where}[${i - 1}] (${value[i - 1]})`, m);
  });
  return value.slice();
}
