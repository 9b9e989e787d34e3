// ONNX export of inference graphs: a Sequential (possibly nested) of the layers onnx-layers.ts
// converts, run once on a sample input to learn every intermediate shape.
import { Sequential, type TensorModule } from '../nn/layers/container.js';
import { Flatten } from '../nn/layers/flatten.js';
import { Module } from '../nn/module.js';
import { noGrad } from '../ops/grad-mode.js';
import { zeros } from '../tensor/creation.js';
import { isFloat } from '../tensor/dtype.js';
import { formatShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { int64Bytes, littleEndianBytes } from './little-endian.js';
import { converterOf, exportableLayers, type Emit } from './onnx-layers.js';
import { encodeOnnxModel, type OnnxModel, type OnnxNode, type OnnxTensor, type OnnxValueInfo } from './onnx-proto.js';
import { VERSION } from './version.js';

export interface ExportOnnxOptions {
  /**
   * The ONNX opset, 13 to 21 (default 17, what PyTorch 1.13 and most runtimes read). From 20 on,
   * GELU is one Gelu node; before, it is spelled out with Erf (or Tanh).
   */
  opset?: number;
  /** Make the first dimension a symbolic batch size 'N' (default: true for inputs of 2+ dims). */
  dynamicBatch?: boolean;
  /** Graph input and output names (default 'input' and 'output'). */
  inputName?: string;
  outputName?: string;
  /** The input dtype of a model without float parameters (default float32). */
  dtype?: 'float32' | 'float64';
  docString?: string;
}

// The IR version each opset was released with (ONNX's versioning table).
const IR_VERSION: Record<number, number> = { 13: 7, 14: 7, 15: 8, 16: 8, 17: 8, 18: 8, 19: 9, 20: 9, 21: 10 };

/**
 * The model's inference graph (eval mode: dropout off, batch norm on running statistics) as an
 * ONNX file, for onnxruntime and other runtimes. Browser-safe; `exportOnnx(model, shape, path)`
 * from 'chainrule/node' writes it to a file.
 * @example
 * const bytes = io.exportOnnx(model, [1, 784]);   // input [N, 784], N free
 */
export function exportOnnx(model: TensorModule, sampleInputShape: readonly number[], options: ExportOnnxOptions = {}): Uint8Array {
  const fn = 'exportOnnx';
  if (!(model instanceof Module)) throw new TypeError(`${fn}: expected an nn.Module, got ${model === null ? 'null' : typeof model}`);
  if (!Array.isArray(sampleInputShape) || !sampleInputShape.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new TypeError(`${fn}: sampleInputShape must be a list of positive integers such as [1, 784], got ${JSON.stringify(sampleInputShape)}`);
  }
  const opset = options.opset ?? 17;
  if (IR_VERSION[opset] === undefined) throw new RangeError(`${fn}: opset must be an integer from 13 to 21, got ${String(opset)}`);
  const inputName = options.inputName ?? 'input';
  const outputName = options.outputName ?? 'output';
  if (typeof inputName !== 'string' || typeof outputName !== 'string' || inputName === '' || inputName === outputName) {
    throw new TypeError(`${fn}: inputName and outputName must be two different non-empty strings`);
  }
  const dynamic = options.dynamicBatch ?? sampleInputShape.length >= 2;
  const type = graphDtype(model, options.dtype ?? 'float32');

  const layers = flatten(model, '');
  const nodes: OnnxNode[] = [];
  const initializers: OnnxTensor[] = [];
  const names = new Set<string>([inputName, outputName]);
  const unique = (name: string): string => {
    let candidate = name;
    for (let k = 1; names.has(candidate); k++) candidate = `${name}_${k}`;
    names.add(candidate);
    return candidate;
  };
  // Every layer runs once on zeros, in eval mode, for its input and output shapes.
  const shapes = traceShapes(model, layers.map(([, m]) => m), sampleInputShape, type);
  let current = inputName;
  layers.forEach(([path, layer], i) => {
    const convert = converterOf(layer);
    const label = path === '' ? 'the model' : `the layer at '${path}'`;
    if (convert === undefined) {
      throw new TypeError(`${fn}: ${label} is a ${layer.constructor.name}, which has no ONNX conversion (supported: Sequential, ${exportableLayers().join(', ')})`);
    }
    const prefix = path === '' ? '' : `${path}.`;
    const nodeBase = path === '' ? layer.constructor.name : path;
    const output = i === layers.length - 1 ? outputName : unique(`${nodeBase}/output`);
    let counter = 0;
    const emit: Emit = {
      path, input: current, output, inShape: shapes[i], outShape: shapes[i + 1], opset,
      node: (opType, inputs, outputs, attributes) => {
        nodes.push({ name: unique(`${nodeBase}/${opType}${counter++ === 0 ? '' : `_${counter - 1}`}`), opType, inputs, outputs, attributes });
      },
      value: (suffix) => unique(`${nodeBase}/${suffix}`),
      initializer: (name, t) => {
        const data = t.dtype === type ? t.data : t.to(type).data;
        return addInitializer(unique(`${prefix}${name}`), type, t.shape, littleEndianBytes(data));
      },
      constant: (name, values, dims) => {
        const data = type === 'float64' ? Float64Array.from(values) : Float32Array.from(values);
        return addInitializer(unique(`${nodeBase}/${name}`), type, dims, littleEndianBytes(data));
      },
      int64: (name, values) => addInitializer(unique(`${nodeBase}/${name}`), 'int64', [values.length], int64Bytes(values)),
      fail: (message) => {
        throw new RangeError(`${fn}: ${label} (${layer.constructor.name}): ${message}`);
      },
    };
    convert(layer, emit);
    current = output;
  });
  if (layers.length === 0) nodes.push({ name: 'Identity', opType: 'Identity', inputs: [inputName], outputs: [outputName] });

  function addInitializer(name: string, t: OnnxTensor['type'], dims: readonly number[], raw: Uint8Array): string {
    initializers.push({ name, type: t, dims: dims.slice(), raw });
    return name;
  }

  const outShape = shapes[shapes.length - 1];
  const onnx: OnnxModel = {
    irVersion: IR_VERSION[opset],
    opsetVersion: opset,
    producerName: 'chainrule',
    producerVersion: VERSION,
    docString: options.docString,
    graph: {
      name: 'chainrule',
      nodes,
      initializers,
      inputs: [valueInfo(inputName, type, sampleInputShape, dynamic ? 'N' : undefined)],
      outputs: [valueInfo(outputName, type, outShape, dynamic ? (batchMerged(layers.map(([, m]) => m), shapes) ? null : 'N') : undefined)],
    },
  };
  return encodeOnnxModel(onnx);
}

/** The leaf layers of (nested) Sequentials in order, with their state-dict paths. */
function flatten(model: TensorModule, path: string): [string, TensorModule][] {
  if (model.constructor !== Sequential) return [[path, model]];
  return [...(model as Sequential)].flatMap((child, i) => flatten(child, path === '' ? String(i) : `${path}.${i}`));
}

/** The one float dtype of the model's parameters and buffers (a mixed model is refused). */
function graphDtype(model: TensorModule, fallback: 'float32' | 'float64'): 'float32' | 'float64' {
  const dtypes = new Set([...model.parameters(), ...model.buffers()].map((t) => t.dtype).filter(isFloat));
  if (dtypes.size > 1) throw new TypeError('exportOnnx: the model mixes float32 and float64 tensors; convert it with model.to(dtype) first');
  const [only] = dtypes;
  return (only ?? fallback) as 'float32' | 'float64';
}

function traceShapes(model: TensorModule, layers: TensorModule[], shape: readonly number[], dtype: 'float32' | 'float64'): number[][] {
  const modes = model.modules().map((m) => [m, m.training] as const);
  model.eval();
  try {
    return noGrad(() => {
      let x: Tensor = zeros(shape.slice(), { dtype });
      const shapes = [x.shape.slice()];
      for (const layer of layers) {
        try {
          x = layer.forward(x);
        } catch (error) {
          throw new RangeError(`exportOnnx: the sample input of shape ${formatShape(shape)} does not fit the model: ${(error as Error).message}`);
        }
        shapes.push(x.shape.slice());
      }
      return shapes;
    });
  } finally {
    for (const [m, training] of modes) m.training = training;
  }
}

/** Whether a Flatten from dim 0 merged the batch with other dims, so the output's dim 0 is not N. */
function batchMerged(layers: TensorModule[], shapes: number[][]): boolean {
  return layers.some((m, i) => {
    if (!(m instanceof Flatten)) return false;
    const rank = shapes[i].length;
    const start = m.startDim < 0 ? m.startDim + rank : m.startDim;
    const end = m.endDim < 0 ? m.endDim + rank : m.endDim;
    return start === 0 && end > 0;
  });
}

/** A graph input or output; with a batch name (or null: unknown), dim 0 is left free. */
function valueInfo(name: string, type: 'float32' | 'float64', shape: readonly number[], batch?: string | null): OnnxValueInfo {
  return { name, type, dims: shape.map((d, i) => (batch !== undefined && i === 0 ? batch : d)) };
}
