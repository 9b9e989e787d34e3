// Model files: the state dict as safetensors, plus the architecture and library version in the
// header's metadata, so that deserialize() rebuilds the model without the code that made it.
import type { TensorModule } from '../nn/layers/container.js';
import { Module, type LoadStateDictOptions, type LoadStateDictResult, type StateDict } from '../nn/module.js';
import { buildModel, describeModel, type LayerSpec } from './registry.js';
import { checkMetadata, decodeSafetensors, encodeSafetensors, type Metadata } from './safetensors.js';
import { VERSION } from './version.js';

/** The metadata keys chainrule writes; user metadata may not start with 'chainrule.'. */
export const META = {
  version: 'chainrule.version',
  content: 'chainrule.content',
  architecture: 'chainrule.architecture',
  checkpoint: 'chainrule.checkpoint',
} as const;

export interface SerializeOptions {
  /** Extra string metadata to store in the header (keys must not start with 'chainrule.'). */
  metadata?: Metadata;
}

export interface SerializeStateDictOptions extends SerializeOptions {
  /**
   * 'chainrule' (default) keeps the state-dict names; 'pytorch' writes them in snake_case
   * (`0.runningMean` → `0.running_mean`), as PyTorch's load_state_dict expects.
   */
  names?: 'chainrule' | 'pytorch';
}

/**
 * A model as safetensors bytes: its weights and buffers, its architecture and the library version.
 * Works in browsers; in Node, `save(model, path)` from 'chainrule/node' writes it to a file.
 * @example
 * const bytes = io.serialize(model);
 * const copy = io.deserialize(bytes);   // same layers, same weights
 */
export function serialize(model: TensorModule, options: SerializeOptions = {}): Uint8Array {
  const architecture = describeModel(model);
  return encodeSafetensors(model.stateDict(), {
    ...userMetadata(options.metadata, 'serialize'),
    [META.version]: VERSION,
    [META.content]: 'model',
    [META.architecture]: JSON.stringify(architecture),
  });
}

/**
 * Rebuilds a model from serialize()'s bytes: its layers from the stored architecture, then its
 * weights. The model comes back in training mode, as a freshly built one; call eval() to infer.
 */
export function deserialize(bytes: Uint8Array): TensorModule {
  const { tensors, metadata } = decodeSafetensors(bytes);
  const raw = metadata[META.architecture];
  if (raw === undefined) {
    const from = metadata[META.content] === 'checkpoint' ? 'a training checkpoint (use io.restoreCheckpoint)' : 'weights without an architecture (saved by PyTorch, or by serializeStateDict)';
    throw new TypeError(`deserialize: this file holds ${from}; build the model in code and load them with io.loadWeights(model, bytes)`);
  }
  let spec: LayerSpec;
  try {
    spec = JSON.parse(raw) as LayerSpec;
  } catch (error) {
    throw new TypeError(`deserialize: the stored architecture is not valid JSON (${(error as Error).message})`);
  }
  const model = buildModel(spec);
  try {
    model.loadStateDict(tensors);
  } catch (error) {
    throw new RangeError(`deserialize: the weights do not fit the stored architecture: ${(error as Error).message}`);
  }
  return model;
}

/** The weights alone (no architecture): for PyTorch, or for models of unregistered layer types. */
export function serializeStateDict(source: Module<never[], unknown> | StateDict, options: SerializeStateDictOptions = {}): Uint8Array {
  const stateDict = source instanceof Module ? source.stateDict() : source;
  const names = options.names ?? 'chainrule';
  if (names !== 'chainrule' && names !== 'pytorch') throw new TypeError(`serializeStateDict: names must be 'chainrule' or 'pytorch', got ${JSON.stringify(names)}`);
  const renamed = new Map<string, StateDict[string]>();
  for (const [name, t] of Object.entries(stateDict)) {
    const key = names === 'pytorch' ? toSnakeCase(name) : name;
    if (renamed.has(key)) throw new RangeError(`serializeStateDict: two entries would both be named '${key}'`);
    renamed.set(key, t);
  }
  return encodeSafetensors(renamed, { ...userMetadata(options.metadata, 'serializeStateDict'), [META.version]: VERSION, [META.content]: 'weights' });
}

/**
 * Loads the weights of a safetensors file into an existing model, in place, as loadStateDict:
 * every mismatch is reported in one error and then nothing has changed. Names may be
 * chainrule's or PyTorch's snake_case ones (`running_mean`), so a PyTorch state dict of the
 * same architecture loads; PyTorch's int64 counters are read as int32.
 * @example
 * io.loadWeights(model, bytes);   // bytes from serialize, serializeStateDict or safetensors.torch.save_file
 */
export function loadWeights(model: Module<never[], unknown>, bytes: Uint8Array, options: LoadStateDictOptions = {}): LoadStateDictResult {
  if (!(model instanceof Module)) throw new TypeError(`loadWeights: expected an nn.Module first, got ${model === null ? 'null' : typeof model}`);
  const { tensors } = decodeSafetensors(bytes);
  return model.loadStateDict(matchNames(model, tensors), options);
}

/** File entries under the model's own names where only their snake_case spelling matches. */
function matchNames(model: Module<never[], unknown>, tensors: StateDict): Map<string, StateDict[string]> {
  const own = Object.keys(model.stateDict());
  const bySnake = new Map<string, string>();
  for (const name of own) bySnake.set(toSnakeCase(name), name);
  const ownSet = new Set(own);
  const out = new Map<string, StateDict[string]>();
  for (const [name, t] of Object.entries(tensors)) {
    const target = ownSet.has(name) ? name : (bySnake.get(name) ?? name);
    if (out.has(target)) throw new RangeError(`loadWeights: the file has both '${target}' and another spelling of it`);
    out.set(target, t);
  }
  return out;
}

/** `0.runningMean` → `0.running_mean`: each dotted part in PyTorch's snake_case. */
export function toSnakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

export function userMetadata(metadata: Metadata | undefined, fn: string): Metadata {
  if (metadata === undefined) return {};
  checkMetadata(metadata, fn);
  const reserved = Object.keys(metadata).filter((k) => k.startsWith('chainrule.'));
  if (reserved.length > 0) throw new RangeError(`${fn}: metadata keys starting with 'chainrule.' are reserved: ${reserved.join(', ')}`);
  return { ...metadata };
}
