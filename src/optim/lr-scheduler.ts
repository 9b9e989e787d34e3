import { Optimizer } from './optimizer.js';
import { checkInteger, checkKeys, checkNonNegative, fail, isRecord } from './validate.js';

/** A scheduler's progress and settings, JSON-friendly. */
export interface LRSchedulerStateDict<O extends object> {
  /** Steps taken: 0 right after construction (PyTorch's last_epoch). */
  lastEpoch: number;
  /** Each group's lr when the first scheduler attached to the optimizer (its initialLr). */
  baseLrs: number[];
  lastLr: number[];
  options: O;
}

/**
 * The base of the epoch-driven schedulers. Each computes the next lrs from the current ones (the
 * recursive, "chainable" form PyTorch's step() uses, so its printed lrs are matched, including
 * after someone else changed an lr), and has PyTorch's closed form for SequentialLR's restarts.
 * Construction sets the epoch-0 lrs, as in PyTorch; call step() after each optimizer.step().
 */
export abstract class LRScheduler<O extends object = object> {
  readonly optimizer: Optimizer;
  protected readonly options: O;
  private epoch = -1;
  private bases: number[];
  private last: number[] = [];

  protected constructor(protected readonly label: string, optimizer: Optimizer, options: O) {
    if (!(optimizer instanceof Optimizer)) throw new TypeError(`${label}: the first argument must be an optimizer`);
    this.checkOptions(options, `${label}: `);
    this.optimizer = optimizer;
    this.options = { ...options };
    // The first scheduler fixes initialLr; later ones (a SequentialLR's parts) share it.
    for (const group of optimizer.paramGroups) group.initialLr ??= group.lr;
    this.bases = optimizer.paramGroups.map((group) => group.initialLr as number);
    this.initialStep();
  }

  /** Checks the options, naming each as prefix + name. */
  protected abstract checkOptions(options: O, prefix: string): void;
  /** The lrs at this.lastEpoch from the current ones (PyTorch's get_lr). */
  protected abstract chainedLr(lrs: readonly number[]): number[];
  /** The lrs at an epoch from the base lrs alone (PyTorch's _get_closed_form_lr). */
  protected abstract closedFormLr(epoch: number): number[];

  /** Steps taken since construction. */
  get lastEpoch(): number {
    return this.epoch;
  }

  get baseLrs(): readonly number[] {
    return this.bases;
  }

  /** The lr of each group as this scheduler last set it. */
  getLastLr(): number[] {
    return this.last.slice();
  }

  /** Moves to the next epoch and sets each group's lr. */
  step(): void {
    const lrs = this.currentLrs();
    this.epoch += 1;
    this.apply(this.chainedLr(lrs));
  }

  /** @internal PyTorch's _initial_step: the step a constructor takes. */
  initialStep(): void {
    this.step();
  }

  /** @internal Undoes the epoch count of the constructor's step (SequentialLR does this). */
  rewind(): void {
    this.epoch -= 1;
  }

  /** @internal Jumps to an epoch with the closed form (PyTorch's step(epoch)). */
  jumpTo(epoch: number): void {
    this.currentLrs(); // for its check of the group count
    this.epoch = epoch;
    this.apply(this.closedFormLr(epoch));
  }

  private currentLrs(): number[] {
    const groups = this.optimizer.paramGroups;
    if (groups.length !== this.bases.length) {
      throw new RangeError(`${this.label}: the optimizer has ${groups.length} param groups but had ${this.bases.length} when the scheduler was made; make the scheduler after addParamGroup`);
    }
    return groups.map((group) => group.lr);
  }

  private apply(lrs: readonly number[]): void {
    this.optimizer.paramGroups.forEach((group, i) => {
      group.lr = lrs[i];
    });
    this.last = lrs.slice();
  }

  stateDict(): LRSchedulerStateDict<O> {
    return { lastEpoch: this.epoch, baseLrs: this.bases.slice(), lastLr: this.last.slice(), options: { ...this.options } };
  }

  /** Restores a stateDict() of the same class; the optimizer's lrs come with its own state dict. */
  loadStateDict(stateDict: LRSchedulerStateDict<O>): void {
    this.prepareLoad(stateDict, `${this.label}: loadStateDict: `)();
  }

  /** @internal Checks a state dict and returns what commits it, so callers can check several first. */
  prepareLoad(stateDict: unknown, prefix: string): () => void {
    if (!isRecord(stateDict)) throw new TypeError(`${prefix}expected an object as stateDict() returns`);
    checkKeys(`${prefix}state dict`, stateDict, ['lastEpoch', 'baseLrs', 'lastLr', 'options'], 'key');
    const lastEpoch = checkInteger(`${prefix}lastEpoch`, stateDict.lastEpoch, -1);
    const groups = this.bases.length;
    const baseLrs = readLrs(`${prefix}baseLrs`, stateDict.baseLrs, groups);
    const lastLr = readLrs(`${prefix}lastLr`, stateDict.lastLr, groups);
    const options = stateDict.options;
    if (!isRecord(options)) throw new TypeError(`${prefix}options must be an object`);
    checkKeys(`${prefix}options`, options, Object.keys(this.options));
    this.checkOptions(options as O, `${prefix}options.`);
    return () => {
      this.epoch = lastEpoch;
      this.bases = baseLrs;
      this.last = lastLr;
      Object.assign(this.options, options);
    };
  }
}

/** A list of one lr per param group. */
export function readLrs(where: string, value: unknown, groups: number): number[] {
  if (!Array.isArray(value) || value.length !== groups) fail(where, `a list of ${groups} learning rates (one per param group)`, value);
  return value.map((lr, i) => checkNonNegative(`${where}[${i}]`, lr));
}
