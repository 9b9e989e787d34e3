// chainrule's io: safetensors model files, training checkpoints and ONNX export, as bytes
// (Uint8Array), so everything here runs in browsers too. 'chainrule/node' adds the file versions
// (save, load, saveCheckpoint, …). Exported from the package as `io`.
export { encodeSafetensors, decodeSafetensors, readSafetensorsHeader, type Metadata, type SafetensorsContents, type SafetensorsEntry, type SafetensorsHeader } from './safetensors.js';
export { serialize, deserialize, serializeStateDict, loadWeights, toSnakeCase, META, type SerializeOptions, type SerializeStateDictOptions } from './model-file.js';
export { registerLayer, layerTypes, describeModel, buildModel, type LayerCodec, type LayerSpec, type JsonValue } from './registry.js';
export { serializeCheckpoint, restoreCheckpoint, checkpoint, Checkpoint, CheckpointCallback, type CheckpointOptions, type Stateful, type CheckpointTargets, type CheckpointContents, type RestoredCheckpoint, type CheckpointCallbackOptions } from './checkpoint.js';
export { exportOnnx, type ExportOnnxOptions } from './onnx-export.js';
export { exportableLayers } from './onnx-layers.js';
export { VERSION } from './version.js';
