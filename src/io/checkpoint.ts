// Training checkpoints: everything a run needs to continue exactly where it stopped (model,
// optimizer, scheduler, the epochs done, and the random generators' states, which decide the
// next shuffles and dropout masks), in one safetensors file.
import type { Module, StateDict } from '../nn/module.js';
import { defaultGenerator, Generator, type GeneratorState } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import type { Callback, TrainState } from '../train/callbacks.js';
import type { Resumable, ResumeTargets } from '../train/types.js';
import { META, userMetadata } from './model-file.js';
import type { JsonValue } from './registry.js';
import { decodeSafetensors, encodeSafetensors, readSafetensorsHeader, type Metadata } from './safetensors.js';
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
  /** Epochs completed; fit(…, { resumeFrom }) goes on from there. */
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
 * fit, everything is put back as it was and the error names the part. To continue training,
 * fit(…, { resumeFrom: io.checkpoint(bytes) }) does this and picks the starting epoch.
 * @example
 * const { epoch } = io.restoreCheckpoint(bytes, { model, optimizer, scheduler });
 * fit(model, loader, { epochs: 10, initialEpoch: epoch, optimizer, scheduler, loss });
 */
export function restoreCheckpoint(bytes: Uint8Array, targets: CheckpointTargets): RestoredCheckpoint {
  return restoreInto(bytes, targets, 'restoreCheckpoint', false);
}

/** What restoring needs of a model: a Module has it. */
type ModelState = Pick<Module<never[], unknown>, 'stateDict' | 'loadStateDict'>;

/**
 * restoreCheckpoint's work. `exact` (for resuming) also refuses a checkpoint holding scheduler or
 * generator state that nothing here takes, since the run would then silently go another way.
 */
function restoreInto(bytes: Uint8Array, targets: Omit<CheckpointTargets, 'model'> & { model: ModelState }, fn: string, exact: boolean): RestoredCheckpoint {
  const { tensors, metadata } = decodeSafetensors(bytes);
  const saved = readSaved(metadata, fn);
  const model: StateDict = {};
  for (const [name, t] of Object.entries(tensors)) if (name.startsWith('model.')) model[name.slice(6)] = t;

  const generators: [Generator, GeneratorState][] = [[defaultGenerator, readGeneratorState(saved.generators.default, 'default', fn)]];
  for (const [name, g] of Object.entries(targets.generators ?? {})) generators.push([g, readGeneratorState(saved.generators[name], name, fn)]);
  const parts: { name: string; target: Stateful | undefined; state: JsonValue | undefined }[] = [
    { name: 'optimizer', target: targets.optimizer, state: saved.optimizer },
    { name: 'scheduler', target: targets.scheduler, state: saved.scheduler },
  ];
  for (const { name, target, state } of parts) {
    if (target !== undefined && state === undefined) throw new RangeError(`${fn}: a ${name} was given but the checkpoint holds no ${name} state`);
    if (exact && target === undefined && state !== undefined) {
      throw new RangeError(`${fn}: the checkpoint holds ${name} state but no ${name} was given, so the run would not continue the saved one; pass the ${name} built as for the saved run`);
    }
  }
  if (exact) {
    for (const name of Object.keys(saved.generators)) {
      if (name === 'default' || Object.hasOwn(targets.generators ?? {}, name)) continue;
      const which = name === 'loader'
        ? "the saved run's training loader had a generator of its own (DataLoader's seed or generator option); build the loader the same way"
        : `pass it as generators: { ${JSON.stringify(name)}: … }`;
      throw new RangeError(`${fn}: the checkpoint holds the state of generator '${name}', which nothing here restores into: ${which}`);
    }
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

/** The checkpoint's JSON metadata, checked for an epoch count and generator states. */
function readSaved(metadata: Metadata, fn: string): Saved {
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
  return saved;
}

function wrap(prefix: string, load: () => unknown): void {
  try {
    load();
  } catch (error) {
    throw new RangeError(`${prefix}: ${(error as Error).message} (the checkpoint was not applied: model, optimizer, scheduler and generators are as they were)`);
  }
}

function readGeneratorState(value: unknown, name: string, fn: string): GeneratorState {
  const where = `${fn}: generator '${name}'`;
  if (value === undefined) throw new RangeError(`${where} is not in the checkpoint`);
  const state = value as GeneratorState;
  const ok = state !== null && typeof state === 'object' && Array.isArray(state.s) && state.s.length === 4
    && state.s.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff) && state.s.some((w) => w !== 0)
    && (state.spare === null || typeof state.spare === 'number');
  if (!ok) throw new TypeError(`${where} has an invalid state ${JSON.stringify(value)}`);
  return { s: state.s.slice(), spare: state.spare };
}

export interface CheckpointOptions {
  /**
   * Generators to restore besides the default one and those fit() adds itself (the training
   * loader's), under the names they were saved with, e.g. one a Dropout was given.
   */
  generators?: Record<string, Generator>;
}

/**
 * A checkpoint that fit() resumes from: `fit(…, { resumeFrom: io.checkpoint(bytes) })` restores
 * model, optimizer, scheduler and generators (the training loader's included), all or nothing,
 * and trains the epochs the saved run had left. Unlike restoreCheckpoint it refuses a checkpoint
 * whose scheduler or generator states the run has nothing for, as the run would not be the same.
 * In Node, checkpointFile(path) from 'chainrule/node' reads it from a file.
 * @example
 * fit(model, loader, { epochs: 10, optimizer, scheduler, loss, resumeFrom: io.checkpoint(bytes) });
 */
export function checkpoint(bytes: Uint8Array, options: CheckpointOptions = {}): Checkpoint {
  return new Checkpoint(bytes, options);
}

/** A checkpoint's bytes as fit()'s resumeFrom takes them (see checkpoint()); also tells its epoch and version. */
export class Checkpoint implements Resumable {
  /** Epochs the saved run had completed. */
  readonly epoch: number;
  /** The chainrule version that wrote it. */
  readonly version: string;
  private readonly generators: Record<string, Generator>;

  /** Reads the header now, so a file that is no checkpoint fails here; `bytes` are decoded by restore(). */
  constructor(private readonly bytes: Uint8Array, options: CheckpointOptions = {}) {
    const fn = 'io.checkpoint';
    if (!(bytes instanceof Uint8Array)) throw new TypeError(`${fn}: bytes must be a Uint8Array`);
    const { metadata } = readSafetensorsHeader(bytes);
    this.epoch = readSaved(metadata, fn).epoch;
    this.version = metadata[META.version] ?? 'unknown';
    this.generators = { ...checkGenerators(options.generators, fn) };
  }

  /**
   * Restores into fit()'s model, optimizer, scheduler and generators; all or nothing. Decodes the
   * bytes afresh each time, so two runs restored from one checkpoint share no tensors.
   */
  restore(targets: ResumeTargets): void {
    const fn = 'io.checkpoint';
    const { model, optimizer, scheduler } = targets;
    if (!hasState(model)) throw new TypeError(`${fn}: the model must have stateDict() and loadStateDict() (an nn.Module does)`);
    if (!hasState(optimizer)) throw new TypeError(`${fn}: the optimizer must have stateDict() and loadStateDict() (every optim optimizer does)`);
    if (scheduler !== undefined && !hasState(scheduler)) throw new TypeError(`${fn}: the scheduler must have stateDict() and loadStateDict() (every optim scheduler does)`);
    const generators = mergeGenerators(this.generators, targets.generators, fn);
    restoreInto(this.bytes, { model, optimizer, scheduler, generators }, fn, true);
  }
}

function hasState<T>(x: T): x is T & ModelState & Stateful {
  const o = x as Partial<Stateful> | null | undefined;
  return o !== null && typeof o === 'object' && typeof o.stateDict === 'function' && typeof o.loadStateDict === 'function';
}

function checkGenerators(generators: Record<string, Generator> | undefined, fn: string): Record<string, Generator> {
  for (const [name, g] of Object.entries(generators ?? {})) {
    if (!(g instanceof Generator)) throw new TypeError(`${fn}: generators.${name} must be a Generator`);
    if (name === 'default') throw new RangeError(`${fn}: the name 'default' is taken by the default generator`);
  }
  return generators ?? {};
}

/**
 * The generators given by name together with those fit() knows of (TrainState.generators); a
 * name may appear in both only for the same generator, so each name saves one state.
 */
function mergeGenerators(given: Record<string, Generator> | undefined, run: Readonly<Record<string, Generator>>, fn: string): Record<string, Generator> {
  const all: Record<string, Generator> = { ...given };
  for (const [name, g] of Object.entries(run)) {
    if (Object.hasOwn(all, name) && all[name] !== g) {
      throw new RangeError(`${fn}: generators.${name} is not the generator fit() uses under that name (the training loader's); leave it out, fit() adds it`);
    }
    all[name] = g;
  }
  return all;
}

export interface CheckpointCallbackOptions {
  /** Save after every this many epochs (default 1); the last epoch is always saved. */
  every?: number;
}

/**
 * A fit() callback that hands a checkpoint to `write` after each epoch (every `every` epochs,
 * and after the last). Besides the targets' generators it saves those fit() reports in
 * TrainState.generators (the training loader's own), which fit(…, { resumeFrom }) restores. In
 * Node, `checkpointCallback(path, …)` from 'chainrule/node' writes it to a file atomically.
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
    const generators = mergeGenerators(this.targets.generators, state.generators ?? {}, 'CheckpointCallback');
    this.write(serializeCheckpoint({ ...this.targets, generators, epoch: done }), done);
  }
}
