import { getBackend } from '../backend/registry.js';
import { enableGrad } from '../ops/grad-mode.js';
import { zeros } from '../tensor/creation.js';
import { isFloat, type FloatArray } from '../tensor/dtype.js';
import { formatShape, sameShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { loadOptimizerState, saveOptimizerState, type OptimizerStateDict, type StateFields } from './state-dict.js';
import { checkKeys, checkNonNegative, checkPositive, isRecord } from './validate.js';

/** The hyperparameter every optimizer's parameter groups hold. */
export interface GroupOptions {
  lr: number;
}

/** A parameter group: tensors and the hyperparameters that update them. Change `lr` freely. */
export type ParamGroup<H extends GroupOptions> = H & {
  params: Tensor[];
  /** The lr the first scheduler attached to the optimizer started from (PyTorch's initial_lr). */
  initialLr?: number;
};

/** A group as given to a constructor or addParamGroup: hyperparameters left out take the defaults. */
export type ParamGroupInput<H extends GroupOptions> = Partial<H> & { params: Iterable<Tensor> | Tensor };

/** Tensors (one group), or param groups with their own hyperparameters. */
export type Params<H extends GroupOptions> = Iterable<Tensor> | Iterable<ParamGroupInput<H>>;

/**
 * Which lr a check accepts: a new group needs a positive one; at step() and loadStateDict 0 is
 * also fine, since a scheduler (CosineAnnealingLR with etaMin 0) may have taken it there.
 */
export type LrRule = 'positive' | 'nonNegative';

/**
 * The base of every optimizer: parameter groups, per-parameter state, zeroGrad, step and state
 * dicts. A subclass says how to make a parameter's state and how to update it (one fused backend
 * kernel per parameter), and checks its own hyperparameters.
 */
export abstract class Optimizer<H extends GroupOptions = GroupOptions, S extends object = object> {
  /** The hyperparameters a group takes when it does not give its own. */
  readonly defaults: Readonly<H>;
  readonly paramGroups: ParamGroup<H>[] = [];
  /** Per-parameter state (momentum buffers, moment estimates), made at a parameter's first step. */
  readonly state = new Map<Tensor, S>();

  protected constructor(
    /** The class name, for messages. */
    protected readonly label: string,
    params: Params<H>,
    options: object,
    defaults: H,
  ) {
    checkKeys(label, options, Object.keys(defaults));
    this.checkGroup(defaults, `${label}: `, 'positive');
    this.defaults = defaults;
    if (params instanceof Tensor || params === null || typeof params !== 'object' || !(Symbol.iterator in params)) {
      throw new TypeError(`${label}: params must be an iterable of Tensors or of param groups (a single Tensor goes in an array)`);
    }
    const list: unknown[] = Array.from(params as Iterable<unknown>);
    if (list.length === 0) throw new RangeError(`${label}: got an empty parameter list`);
    const groups = list[0] instanceof Tensor ? [{ params: list }] : list;
    for (const group of groups) this.paramGroups.push(this.prepareGroup(group));
  }

  /** Checks every hyperparameter but lr, reading values that may come from JSON. */
  protected abstract checkHyper(h: H, prefix: string): void;
  /** Which state entries are tensors shaped like the parameter, and which are step counts. */
  protected abstract stateFields(): StateFields<S>;
  /** A parameter's state before its first update. */
  protected abstract initState(p: Tensor, group: ParamGroup<H>): S;
  /** Updates p in place from its gradient g (p's dtype and length). */
  protected abstract update(p: Tensor, g: FloatArray, state: S, group: ParamGroup<H>): void;

  /** Checks a group's hyperparameters; messages start with prefix ('SGD: paramGroups[1].'). */
  protected checkGroup(h: H, prefix: string, lrRule: LrRule): void {
    if (lrRule === 'positive') checkPositive(`${prefix}lr`, h.lr);
    else checkNonNegative(`${prefix}lr`, h.lr);
    this.checkHyper(h, prefix);
  }

  /**
   * Adds a group of tensors with their own hyperparameters (the others from the defaults), e.g.
   * to train layers that were frozen so far.
   * @example
   * opt.addParamGroup({ params: head.parameters(), lr: 1e-4 });
   */
  addParamGroup(group: ParamGroupInput<H>): void {
    this.paramGroups.push(this.prepareGroup(group));
  }

  private prepareGroup(input: unknown): ParamGroup<H> {
    const prefix = `${this.label}: paramGroups[${this.paramGroups.length}]`;
    if (!isRecord(input) || !('params' in input)) {
      throw new TypeError(`${prefix} must be a Tensor or an object { params, ...hyperparameters }`);
    }
    checkKeys(prefix, input, ['params', ...Object.keys(this.defaults)]);
    const raw = input.params;
    if (!(raw instanceof Tensor) && (raw === null || typeof raw !== 'object' || !(Symbol.iterator in raw))) {
      throw new TypeError(`${prefix}.params must be a Tensor or an iterable of Tensors`);
    }
    const params: unknown[] = raw instanceof Tensor ? [raw] : Array.from(raw as Iterable<unknown>);
    const taken = new Set<Tensor>(this.paramGroups.flatMap((g) => g.params));
    const seen = new Set<Tensor>();
    params.forEach((p, i) => {
      const where = `${prefix}.params[${i}]`;
      if (!(p instanceof Tensor)) throw new TypeError(`${where}: an optimizer can only optimize Tensors; got ${p === null ? 'null' : typeof p}`);
      if (!isFloat(p.dtype)) throw new TypeError(`${where}: only float tensors can be optimized; this one is ${p.dtype}`);
      if (!p.isLeaf && !p.retainsGrad) throw new TypeError(`${where}: cannot optimize a non-leaf tensor (made by an op); optimize the leaf it came from`);
      // PyTorch only warns about a repeat within a group; stepping one tensor twice is never meant.
      if (seen.has(p)) throw new RangeError(`${where}: this tensor appears twice in the group`);
      if (taken.has(p)) throw new RangeError(`${where}: this tensor is already in another param group`);
      seen.add(p);
    });
    const group = { ...copyValues(this.defaults), ...copyValues(input), params } as ParamGroup<H>;
    this.checkGroup(group, `${prefix}.`, 'positive');
    return group;
  }

  /**
   * Clears the gradients of all parameters. By default sets them to null (PyTorch 2's default,
   * set_to_none=True; PyTorch 1.13 zeroed them instead): the next backward() then writes fresh
   * gradients, and step() skips parameters that received none. With `setToNone: false`, each
   * gradient becomes a new tensor of zeros (the old tensor is left as it was).
   */
  zeroGrad(options: { setToNone?: boolean } = {}): void {
    const setToNone = options.setToNone ?? true;
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        if (p.grad === null) continue;
        p.grad = setToNone ? null : zeros(p.grad.shape, { dtype: p.grad.dtype });
      }
    }
  }

  /**
   * One update of every parameter that has a gradient; those whose grad is null are skipped and
   * their state is left as it was. With a closure (which should recompute the loss and call
   * backward), runs it first with grad mode on and returns its result.
   * Everything is checked (hyperparameters, gradient shapes) before any parameter changes.
   * @example
   * opt.zeroGrad(); loss.backward(); opt.step();
   */
  step<T>(closure?: () => T): T | undefined {
    const result = closure === undefined ? undefined : enableGrad(closure);
    const work: { p: Tensor; g: FloatArray; group: ParamGroup<H> }[] = [];
    this.paramGroups.forEach((group, gi) => {
      const prefix = `${this.label}: paramGroups[${gi}]`;
      this.checkGroup(group, `${prefix}.`, 'nonNegative');
      group.params.forEach((p, i) => {
        const g = p.grad;
        if (g === null) return;
        if (!isFloat(p.dtype)) throw new TypeError(`${prefix}.params[${i}]: only float tensors can be optimized; this one is now ${p.dtype}`);
        if (!sameShape(g.shape, p.shape)) {
          throw new RangeError(`${prefix}.params[${i}] has shape ${formatShape(p.shape)} but its grad has shape ${formatShape(g.shape)}`);
        }
        const data = g.dtype === p.dtype ? g.data : getBackend().cast(g.data, p.dtype);
        work.push({ p, g: data as FloatArray, group });
      });
    });
    for (const { p, g, group } of work) {
      let state = this.state.get(p);
      if (state === undefined) {
        state = this.initState(p, group);
        this.state.set(p, state);
      }
      this.matchDtypes(state, p);
      this.update(p, g, state, group);
    }
    return result;
  }

  /** A parameter converted with Module.to(dtype) keeps its state, converted along with it. */
  private matchDtypes(state: S, p: Tensor): void {
    for (const value of Object.values(state)) {
      if (value instanceof Tensor && value.dtype !== p.dtype) value.replaceData(getBackend().cast(value.data, p.dtype));
    }
  }

  /**
   * A snapshot of the optimizer: each parameter's state under its index (counted through the
   * groups in order, as PyTorch), and each group's hyperparameters with `params` as indices.
   * Tensors in it are copies, so later steps do not change it.
   */
  stateDict(): OptimizerStateDict<H, S> {
    return saveOptimizerState(this.paramGroups, this.state);
  }

  /**
   * Restores a stateDict() of an optimizer of the same class over parameters of the same shapes,
   * in the same group layout. Everything is checked first: on an error nothing has changed.
   */
  loadStateDict(stateDict: OptimizerStateDict<H, S>): void {
    const loaded = loadOptimizerState(stateDict, {
      prefix: `${this.label}: loadStateDict: `,
      groups: this.paramGroups,
      hyperKeys: Object.keys(this.defaults),
      fields: this.stateFields(),
      checkGroup: (h, prefix) => this.checkGroup(h as H, prefix, 'nonNegative'),
    });
    this.paramGroups.forEach((group, gi) => {
      delete group.initialLr;
      Object.assign(group, loaded.hypers[gi]);
    });
    this.state.clear();
    for (const [p, s] of loaded.state) this.state.set(p, s as S);
  }
}

/** A copy of an object's values, with arrays (betas) copied so groups never share them. */
export function copyValues(source: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source)) out[key] = Array.isArray(value) ? value.slice() : value;
  return out;
}

/** A tensor's storage as a float array; optimizers only hold float tensors. */
export function floatData(t: Tensor): FloatArray {
  return t.data as FloatArray;
}
