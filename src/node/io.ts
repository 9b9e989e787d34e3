// The file versions of chainrule's io (model files, weights, checkpoints, ONNX), for Node. Every
// write is atomic (writeFileAtomic), and every read error names the file.
import { readFileSync } from 'node:fs';
import {
  checkpoint, CheckpointCallback, deserialize, exportOnnx as exportOnnxBytes, loadWeights as loadWeightsBytes, restoreCheckpoint, serialize,
  serializeCheckpoint, serializeStateDict,
  type CheckpointCallbackOptions, type CheckpointContents, type CheckpointOptions, type CheckpointTargets, type ExportOnnxOptions, type Metadata,
  type RestoredCheckpoint, type SerializeOptions, type SerializeStateDictOptions,
} from '../io/index.js';
import type { TensorModule } from '../nn/layers/container.js';
import type { AnyModule, LoadStateDictOptions, LoadStateDictResult, StateDict } from '../nn/module.js';
import type { Resumable, ResumeTargets } from '../train/types.js';
import { writeFileAtomic } from './atomic-write.js';

/**
 * Saves a model (architecture, weights and buffers) as a safetensors file.
 * @example
 * save(model, 'mnist.safetensors');
 * const same = load('mnist.safetensors');
 */
export function save(model: TensorModule, path: string, options?: SerializeOptions): void {
  writeFileAtomic(path, serialize(model, options));
}

/** Rebuilds a model saved with save() (or io.serialize), without the code that defined it. */
export function load(path: string): TensorModule {
  return fromFile(path, deserialize);
}

/** The weights alone, e.g. with `names: 'pytorch'` for torch's load_state_dict. */
export function saveWeights(model: AnyModule | StateDict, path: string, options?: SerializeStateDictOptions): void {
  writeFileAtomic(path, serializeStateDict(model, options));
}

/**
 * Loads a safetensors file (ours, or PyTorch's safetensors.torch.save_file of the same
 * architecture) into an existing model; all or nothing, as loadStateDict.
 */
export function loadWeights(model: AnyModule, path: string, options?: LoadStateDictOptions): LoadStateDictResult {
  return fromFile(path, (bytes) => loadWeightsBytes(model, bytes, options));
}

/**
 * Saves a training checkpoint: model, optimizer, scheduler, epochs done and generator states.
 * @example
 * saveCheckpoint('run.ckpt', { model, optimizer, scheduler, epoch: 5 });
 */
export function saveCheckpoint(path: string, contents: CheckpointContents, options?: { metadata?: Metadata }): void {
  writeFileAtomic(path, serializeCheckpoint(contents, options));
}

/**
 * Restores a checkpoint into freshly built objects of the same kinds; all or nothing. To go on
 * training, fit(…, { resumeFrom: checkpointFile(path) }) does this and picks the epoch.
 * @example
 * const { epoch } = loadCheckpoint('run.ckpt', { model, optimizer, scheduler });
 * fit(model, loader, { epochs: 10, initialEpoch: epoch, optimizer, scheduler, loss });
 */
export function loadCheckpoint(path: string, targets: CheckpointTargets): RestoredCheckpoint {
  return fromFile(path, (bytes) => restoreCheckpoint(bytes, targets));
}

/**
 * A checkpoint file for fit() to resume from (io.checkpoint on the file's bytes): the file is
 * read now, and restored, all or nothing, when fit() starts. Errors name the file.
 * @example
 * fit(model, loader, { epochs: 6, optimizer, scheduler, loss, callbacks: [checkpointCallback('run.ckpt', { model, optimizer, scheduler })],
 *   resumeFrom: existsSync('run.ckpt') ? checkpointFile('run.ckpt') : undefined });
 */
export function checkpointFile(path: string, options?: CheckpointOptions): Resumable {
  const saved = fromFile(path, (bytes) => checkpoint(bytes, options));
  return {
    epoch: saved.epoch,
    restore: (targets: ResumeTargets) => withPath(path, () => saved.restore(targets)),
  };
}

/**
 * A fit() callback that saves a checkpoint after each epoch (or every `every` epochs). A
 * '{epoch}' in the path becomes the number of epochs done; without it each save replaces the
 * last, atomically, so an interrupted run always leaves a whole checkpoint behind.
 */
export function checkpointCallback(path: string, targets: CheckpointTargets, options?: CheckpointCallbackOptions): CheckpointCallback {
  if (typeof path !== 'string' || path === '') throw new TypeError(`checkpointCallback: path must be a non-empty string, got ${JSON.stringify(path)}`);
  return new CheckpointCallback(targets, (bytes, epoch) => writeFileAtomic(path.replaceAll('{epoch}', String(epoch)), bytes), options);
}

/** Writes the model's inference graph as an ONNX file (see io.exportOnnx) and returns its bytes. */
export function exportOnnx(model: TensorModule, sampleInputShape: readonly number[], path: string, options?: ExportOnnxOptions): Uint8Array {
  const bytes = exportOnnxBytes(model, sampleInputShape, options);
  writeFileAtomic(path, bytes);
  return bytes;
}

export { writeFileAtomic };

/** Reads a file and decodes it; errors name the file. */
function fromFile<T>(path: string, decode: (bytes: Uint8Array) => T): T {
  const bytes = readFileSync(path);
  return withPath(path, () => decode(bytes));
}

/** Runs work on a file's contents; any error is rethrown (same class) with the path in front. */
function withPath<T>(path: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof Error) {
      const Kind = error.constructor as new (message: string) => Error;
      throw new Kind(`${path}: ${error.message}`);
    }
    throw error;
  }
}
