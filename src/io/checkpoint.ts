// Training checkpoints: everything a run needs to continue exactly where it stopped (model,
// optimizer, scheduler, the epochs done, and the random generators' states, which decide the
// next shuffles and dropout masks), in one safetensors file.
import type { Module, StateDict } from '../nn/module.js';
import { defaultGenerator, Generator, type GeneratorState } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import type { Callback, TrainState } from '../train/callbacks.js';
import { META, userMetadata } from './model-file.js';
import type { JsonValue } from './registry.js';
import { decodeSafetensors, encodeSafetensors, type Metadata } from './safetensors.js';
import { joinTensors, splitTensors } from './state-tree.js';
import { VERSION } from './version.js';

/** Anything with PyTorch-style state dicts: every optimizer and scheduler. */
export interface Stateful {
  stateDict(): unknown;
  loadStateDict(stateDict: unknown): unknown;
}

/** What a checkpoint saves and restores. */
export interface CheckpointTargets {
  model: Module<never[], unknown>;
  optimizer?: Stateful;
  scheduler?: Stateful;
  /**
   * Generators besides the default one (which is always saved, as 'default', and restored), e.g.
   * one a DataLoader or Dropout was given.
   */
  generators?: Record<string, Generator>;
}

export interface CheckpointContents extends CheckpointTargets {
  /** Epochs completed; resume with fit(…, { initialEpoch: epoch }). */
  epoch: number;
  /** Anything else worth keeping, as JSON (and tensors). */
  extra?: unknown;
}

export interface RestoredCheckpoint {
  /** Epochs completed when it was saved. */
  epoch: number;
  extra: unknown;
  /** The chainrule version that wrote it. */
  version: string;
}

interface Saved {
  epoch: number;
  optimizer?: JsonValue;
  scheduler?: JsonValue;
  generators: Record<string, GeneratorState>;
  extra?: JsonValue;
}

/**
 * A checkpoint as safetensors bytes: model tensors under `model.<name>`, optimizer and scheduler
 * tensors under their state-dict paths, and the rest as JSON in the metadata.
 * @example
 * const bytes = io.serializeCheckpoint({ model, optimizer, scheduler, epoch: 5 });
 */
export function serializeCheckpoint(contents: CheckpointContents, options: { metadata?: Metadata } = {}): Uint8Array {
  const { model, optimizer, scheduler, epoch } = contents;
  if (!Number.isInteger(epoch) || epoch < 0) throw new RangeError(`serializeCheckpoint: epoch (epochs completed) must be a non-negative integer, got ${String(epoch)}`);
  const tensors = new Map<string, Tensor>();
  for (const [name, t] of Object.entries(model.stateDict())) tensors.set(`model.${name}`, t);
  const saved: Saved = { epoch, generators: { default: defaultGenerator.getState() } };
  for (const [name, g] of Object.entries(contents.generators ?? {})) {
    if (!(g instanceof Generator)) throw new TypeError(`serializeCheckpoint: generators.${name} must be a Generator`);
    if (name === 'default') throw new RangeError("serializeCheckpoint: the name 'default' is taken by the default generator");
    saved.generators[name] = g.getState();
  }
  if (optimizer !== undefined) saved.optimizer = splitTensors(optimizer.stateDict(), 'optimizer', tensors);
  if (scheduler !== undefined) saved.scheduler = splitTensors(scheduler.stateDict(), 'scheduler', tensors);
  if (contents.extra !== undefined) saved.extra = splitTensors(contents.extra, 'extra', tensors);
  return encodeSafetensors(tensors, {
    ...userMetadata(options.metadata, 'serializeCheckpoint'),
    [META.version]: VERSION,
    [META.content]: 'checkpoint',
    [META.checkpoint]: JSON.stringify(saved),
  });
}

/**
 * Restores a checkpoint into a model, optimizer, scheduler and generators built as for the
 * original run (the default generator is always restored). All or nothing: if any part does not
 * fit, everything is put back as it was and the error names the part.
 * @example
 * const { epoch } = io.restoreCheckpoint(bytes, { model, optimizer, scheduler });
 * fit(model, loader, { epochs: 10, initialEpoch: epoch, optimizer, scheduler, loss });
 */
export function restoreCheckpoint(bytes: Uint8Array, targets: CheckpointTargets): RestoredCheckpoint {
  const fn = 'restoreCheckpoint';
  const { tensors, metadata } = decodeSafetensors(bytes);
  const raw = metadata[META.checkpoint];
  if (raw === undefined) throw new TypeError(`${fn}: this file is not a checkpoint (it has no '${META.checkpoint}' metadata; a model file loads with io.deserialize or io.loadWeights)`);
  let saved: Saved;
  try {
    saved = JSON.parse(raw) as Saved;
  } catch (error) {
    throw new TypeError(`${fn}: the checkpoint metadata is not valid JSON (${(error as Error).message})`);
  }
  if (saved === null || typeof saved !== 'object' || !Number.isInteger(saved.epoch) || saved.epoch < 0 || saved.generators === null || typeof saved.generators !== 'object') {
    throw new TypeError(`${fn}: the checkpoint metadata lacks an epoch count or generator states`);
  }
  const model: StateDict = {};
  for (const [name, t] of Object.entries(tensors)) if (name.startsWith('model.')) model[name.slice(6)] = t;

  const generators: [Generator, GeneratorState][] = [[defaultGenerator, readGeneratorState(saved.generators.default, 'default')]];
  for (const [name, g] of Object.entries(targets.generators ?? {})) generators.push([g, readGeneratorState(saved.generators[name], name)]);
  const parts: { name: string; target: Stateful | undefined; state: JsonValue | undefined }[] = [
    { name: 'optimizer', target: targets.optimizer, state: saved.optimizer },
    { name: 'scheduler', target: targets.scheduler, state: saved.scheduler },
  ];
  for (const { name, target, state } of parts) {
    if (target !== undefined && state === undefined) throw new RangeError(`${fn}: a ${name} was given but the checkpoint holds no ${name} state`);
  }

  // Each part checks its own state and throws before changing anything; snapshots undo the parts
  // already loaded when a later one throws.
  const undo: (() => void)[] = [];
  try {
    const before = targets.model.stateDict();
    wrap(`${fn}: model`, () => targets.model.loadStateDict(model));
    undo.push(() => targets.model.loadStateDict(before));
    for (const { name, target, state } of parts) {
      if (target === undefined) continue;
      const previous = target.stateDict();
      wrap(`${fn}: ${name}`, () => target.loadStateDict(joinTensors(state, tensors, `${fn}: ${name}`)));
      undo.push(() => target.loadStateDict(previous));
    }
    for (const [g, state] of generators) {
      const previous = g.getState();
      g.setState(state);
      undo.push(() => g.setState(previous));
    }
  } catch (error) {
    for (const step of undo.reverse()) step();
    throw error;
  }
  const extra = saved.extra === undefined ? undefined : joinTensors(saved.extra, tensors, `${fn}: extra`);
  return { epoch: saved.epoch, extra, version: metadata[META.version] ?? 'unknown' };
}

function wrap(prefix: string, load: () => unknown): void {
  try {
    load();
  } catch (error) {
    throw new RangeError(`${prefix}: ${(error as Error).message} (the checkpoint was not applied: model, optimizer, scheduler and generators are as they were)`);
  }
}

function readGeneratorState(value: unknown, name: string): GeneratorState {
  const where = `restoreCheckpoint: generator '${name}'`;
  if (value === undefined) throw new RangeError(`${where} is not in the checkpoint`);
  const state = value as GeneratorState;
  const ok = state !== null && typeof state === 'object' && Array.isArray(state.s) && state.s.length === 4
    && state.s.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff) && state.s.some((w) => w !== 0)
    && (state.spare === null || typeof state.spare === 'number');
  if (!ok) throw new TypeError(`${where} has an invalid state ${JSON.stringify(value)}`);
  return { s: state.s.slice(), spare: state.spare };
}

export interface CheckpointCallbackOptions {
  /** Save after every this many epochs (default 1); the last epoch is always saved. */
  every?: number;
}

/**
 * A fit() callback that hands a checkpoint to `write` after each epoch (every `every` epochs,
 * and after the last). In Node, `checkpointCallback(path, …)` from 'chainrule/node' writes it
 * to a file atomically.
 */
export class CheckpointCallback implements Callback {
  readonly every: number;

  constructor(readonly targets: CheckpointTargets, readonly write: (bytes: Uint8Array, epoch: number) => void, options: CheckpointCallbackOptions = {}) {
    const every = options.every ?? 1;
    if (!Number.isInteger(every) || every < 1) throw new RangeError(`CheckpointCallback: every must be a positive integer, got ${String(every)}`);
    if (typeof write !== 'function') throw new TypeError('CheckpointCallback: write must be a function (bytes, epoch) => void');
    this.every = every;
  }

  onEpochEnd(epoch: number, _logs: unknown, state: TrainState): void {
    const done = epoch + 1;
    if (done % this.every !== 0 && done !== state.epochs && !state.stopTraining) return;
    this.write(serializeCheckpoint({ ...this.targets, epoch: done }), done);
  }
}
