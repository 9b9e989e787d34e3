import { tensor } from '../tensor/creation.js';
import { isFloat } from '../tensor/dtype.js';
import { formatShape, sameShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import type { GroupOptions, ParamGroup } from './optimizer.js';
import { checkInteger, checkKeys, checkNonNegative, isRecord } from './validate.js';

/** How an entry of a parameter's state is saved and checked on load. */
export type StateField = 'tensor' | 'optional tensor' | 'count';
export type StateFields<S> = { readonly [K in keyof S]-?: StateField };

/** A group in a state dict: its hyperparameters, with params as indices into the state. */
export type SavedParamGroup<H extends GroupOptions> = H & { params: number[]; initialLr?: number };

/**
 * An optimizer's state, PyTorch's layout with camelCase keys: `state[i]` is the state of the i-th
 * parameter counted through the groups in order (absent for parameters not stepped yet).
 */
export interface OptimizerStateDict<H extends GroupOptions, S> {
  state: Record<number, S>;
  paramGroups: SavedParamGroup<H>[];
}

function copyEntry(value: unknown): unknown {
  if (value instanceof Tensor) return tensor(value);
  return Array.isArray(value) ? value.slice() : value;
}

export function saveOptimizerState<H extends GroupOptions, S>(
  groups: readonly ParamGroup<H>[], state: ReadonlyMap<Tensor, S>,
): OptimizerStateDict<H, S> {
  const index = new Map<Tensor, number>();
  const paramGroups = groups.map((group) => {
    const saved: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(group)) if (key !== 'params') saved[key] = copyEntry(value);
    saved.params = group.params.map((p) => {
      index.set(p, index.size);
      return index.size - 1;
    });
    return saved as unknown as SavedParamGroup<H>;
  });
  const saved: Record<number, S> = {};
  for (const [p, s] of state) {
    const i = index.get(p);
    if (i === undefined) continue;
    const entry: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(s as object)) if (value !== undefined) entry[key] = copyEntry(value);
    saved[i] = entry as S;
  }
  return { state: saved, paramGroups };
}

export interface LoadContext {
  /** Starts every message, e.g. 'Adam: loadStateDict: '. */
  prefix: string;
  groups: readonly { params: readonly Tensor[] }[];
  hyperKeys: readonly string[];
  fields: Readonly<Record<string, StateField>>;
  checkGroup(h: Record<string, unknown>, prefix: string): void;
}

export interface LoadedState {
  hypers: Record<string, unknown>[];
  state: Map<Tensor, Record<string, Tensor | number>>;
}

/**
 * Checks a state dict against the optimizer's groups and builds what it holds, copied and in the
 * parameters' dtypes; changes nothing, so the caller can commit it all or throw before.
 */
export function loadOptimizerState(stateDict: unknown, ctx: LoadContext): LoadedState {
  const { prefix, groups } = ctx;
  if (!isRecord(stateDict) || !isRecord(stateDict.state) || !Array.isArray(stateDict.paramGroups)) {
    throw new TypeError(`${prefix}expected an object { state, paramGroups } as stateDict() returns`);
  }
  checkKeys(`${prefix}state dict`, stateDict, ['state', 'paramGroups'], 'key');
  const savedGroups: unknown[] = stateDict.paramGroups;
  if (savedGroups.length !== groups.length) {
    throw new RangeError(`${prefix}the state dict has ${savedGroups.length} param groups; this optimizer has ${groups.length}`);
  }
  const byIndex = new Map<number, Tensor>();
  const hypers = savedGroups.map((saved, gi) => {
    const where = `${prefix}paramGroups[${gi}]`;
    if (!isRecord(saved) || !Array.isArray(saved.params)) throw new TypeError(`${where} must be an object with a params array`);
    const ids: unknown[] = saved.params;
    const params = groups[gi].params;
    if (ids.length !== params.length) {
      throw new RangeError(`${where} has ${ids.length} params; the optimizer's group has ${params.length}`);
    }
    ids.forEach((id, k) => {
      const i = checkInteger(`${where}.params[${k}]`, id, 0);
      if (byIndex.has(i)) throw new RangeError(`${where}.params[${k}]: index ${i} appears twice`);
      byIndex.set(i, params[k]);
    });
    checkKeys(where, saved, ['params', 'initialLr', ...ctx.hyperKeys], 'key');
    const hyper: Record<string, unknown> = {};
    for (const key of ctx.hyperKeys) {
      if (!(key in saved)) throw new RangeError(`${where}.${key} is missing`);
      hyper[key] = copyEntry(saved[key]);
    }
    if (saved.initialLr !== undefined) hyper.initialLr = checkNonNegative(`${where}.initialLr`, saved.initialLr);
    ctx.checkGroup(hyper, `${where}.`);
    return hyper;
  });
  const state = new Map<Tensor, Record<string, Tensor | number>>();
  for (const [key, value] of Object.entries(stateDict.state)) {
    const p = byIndex.get(Number(key));
    if (p === undefined) throw new RangeError(`${prefix}state[${key}] belongs to no parameter of paramGroups`);
    state.set(p, readParamState(value, p, `${prefix}state[${key}]`, ctx.fields));
  }
  return { hypers, state };
}

function readParamState(value: unknown, p: Tensor, where: string, fields: Readonly<Record<string, StateField>>): Record<string, Tensor | number> {
  if (!isRecord(value)) throw new TypeError(`${where} must be an object`);
  checkKeys(where, value, Object.keys(fields), 'key');
  const out: Record<string, Tensor | number> = {};
  for (const [key, kind] of Object.entries(fields)) {
    const v = value[key];
    if (kind === 'count') {
      out[key] = checkInteger(`${where}.${key}`, v, 0);
      continue;
    }
    if (v === undefined && kind === 'optional tensor') continue;
    if (!(v instanceof Tensor) || !isFloat(v.dtype)) throw new TypeError(`${where}.${key} must be a float Tensor`);
    if (!sameShape(v.shape, p.shape)) {
      throw new RangeError(`${where}.${key} has shape ${formatShape(v.shape)}; its parameter has shape ${formatShape(p.shape)}`);
    }
    out[key] = tensor(v, { dtype: p.dtype });
  }
  return out;
}
