// The architecture half of a model file: each layer type describes itself as JSON (its
// constructor's arguments) and is rebuilt from that, so a file loads without the user's code.
import { Sequential, type TensorModule } from '../nn/layers/container.js';
import { Linear } from '../nn/layers/linear.js';
import { Conv1d, Conv2d } from '../nn/layers/conv.js';
import { AvgPool1d, AvgPool2d, MaxPool1d, MaxPool2d } from '../nn/layers/pool.js';
import { Dropout } from '../nn/layers/dropout.js';
import { BatchNorm1d, BatchNorm2d } from '../nn/layers/batchnorm.js';
import { Flatten } from '../nn/layers/flatten.js';
import { Identity } from '../nn/layers/identity.js';
import { GELU, LeakyReLU, LogSoftmax, ReLU, Sigmoid, Softmax, Tanh } from '../nn/layers/activation.js';
import { Module } from '../nn/module.js';
import { Generator } from '../tensor/random.js';

/** A value JSON can hold. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A model as JSON: a layer type, its constructor arguments, and (for Sequential) its children. */
export interface LayerSpec {
  type: string;
  args: JsonValue[];
  children?: LayerSpec[];
}

/**
 * How one layer type is saved and rebuilt. `args` must give back what `build` needs to make an
 * equal layer (weights aside: they are loaded afterwards).
 * @example
 * io.registerLayer({ type: 'Scale', layer: Scale, args: (m) => [m.factor], build: ([f]) => new Scale(f as number) });
 */
export interface LayerCodec<M extends TensorModule = TensorModule> {
  /** The name written into files. */
  type: string;
  /** The class; a module is described by the codec of its exact class, never of a base class. */
  layer: abstract new (...args: never[]) => M;
  args(module: M): JsonValue[];
  build(args: JsonValue[]): M;
}

// Rebuilt layers draw their (soon overwritten) initial weights from a private generator, so
// loading a model does not advance the user's seeded stream.
const scratch = (): Generator => new Generator(0);

function codec<M extends TensorModule>(c: LayerCodec<M>): LayerCodec {
  return c as unknown as LayerCodec;
}

/** Reads an options object from args[i], allowing only the given keys. */
function opts(type: string, args: JsonValue[], i: number, allowed: readonly string[]): Record<string, JsonValue> {
  const value = args[i] ?? {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new TypeError(`${type}: argument ${i} must be an options object, got ${JSON.stringify(value)}`);
  const extra = Object.keys(value).filter((k) => !allowed.includes(k));
  if (extra.length > 0) throw new TypeError(`${type}: unknown option(s) ${extra.join(', ')}; expected ${allowed.join(', ')}`);
  return value;
}

function num(args: JsonValue[], i: number): number {
  return args[i] as number;
}

// BatchNorm keeps no dtype of its own: it is that of its weight, or of its statistics without one.
const dtypeOfFirst = (...tensors: ({ dtype: string } | null)[]): string => tensors.find((t) => t !== null)?.dtype ?? 'float32';

// JSON arguments are handed to the constructors as they are: each checks its own arguments.
const cast = <T>(value: unknown): T => value as T;

const BUILTIN: LayerCodec[] = [
  codec<Linear>({
    type: 'Linear', layer: Linear,
    args: (m) => [m.inFeatures, m.outFeatures, { bias: m.bias !== null, dtype: m.weight.dtype }],
    build: (a) => new Linear(num(a, 0), num(a, 1), { ...cast<object>(opts('Linear', a, 2, ['bias', 'dtype'])), generator: scratch() }),
  }),
  ...([['Conv1d', Conv1d], ['Conv2d', Conv2d]] as const).map(([type, Layer]) => codec<Conv1d | Conv2d>({
    type, layer: Layer,
    args: (m) => [m.inChannels, m.outChannels, m.kernelSize.slice(), {
      stride: m.stride.slice(), padding: typeof m.padding === 'string' ? m.padding : m.padding.slice(), dilation: m.dilation.slice(),
      groups: m.groups, bias: m.bias !== null, dtype: m.weight.dtype,
    }],
    build: (a) => new Layer(num(a, 0), num(a, 1), cast<number>(a[2]), {
      ...cast<object>(opts(type, a, 3, ['stride', 'padding', 'dilation', 'groups', 'bias', 'dtype'])), generator: scratch(),
    }),
  })),
  ...([['MaxPool1d', MaxPool1d], ['MaxPool2d', MaxPool2d], ['AvgPool1d', AvgPool1d], ['AvgPool2d', AvgPool2d]] as const).map(([type, Layer]) => codec<MaxPool1d | MaxPool2d | AvgPool1d | AvgPool2d>({
    type, layer: Layer,
    args: (m) => [cast<JsonValue>(m.kernelSize), cast<JsonValue>(stripUndefined(m.options))],
    build: (a) => new Layer(cast<number>(a[0]), cast<object>(opts(type, a, 1, ['stride', 'padding', 'dilation', 'ceilMode', 'countIncludePad']))),
  })),
  codec<Dropout>({ type: 'Dropout', layer: Dropout, args: (m) => [m.p], build: (a) => new Dropout(num(a, 0)) }),
  ...([['BatchNorm1d', BatchNorm1d], ['BatchNorm2d', BatchNorm2d]] as const).map(([type, Layer]) => codec<BatchNorm1d | BatchNorm2d>({
    type, layer: Layer,
    args: (m) => [m.numFeatures, {
      eps: m.eps, momentum: m.momentum, affine: m.affine, trackRunningStats: m.trackRunningStats, dtype: dtypeOfFirst(m.weight, m.runningMean),
    }],
    build: (a) => new Layer(num(a, 0), cast<object>(opts(type, a, 1, ['eps', 'momentum', 'affine', 'trackRunningStats', 'dtype']))),
  })),
  codec<Flatten>({ type: 'Flatten', layer: Flatten, args: (m) => [m.startDim, m.endDim], build: (a) => new Flatten(num(a, 0), num(a, 1)) }),
  codec<LeakyReLU>({ type: 'LeakyReLU', layer: LeakyReLU, args: (m) => [m.negativeSlope], build: (a) => new LeakyReLU(num(a, 0)) }),
  codec<GELU>({ type: 'GELU', layer: GELU, args: (m) => [{ approximate: m.approximate }], build: (a) => new GELU(cast<object>(opts('GELU', a, 0, ['approximate']))) }),
  codec<Softmax>({ type: 'Softmax', layer: Softmax, args: (m) => [m.dim], build: (a) => new Softmax(num(a, 0)) }),
  codec<LogSoftmax>({ type: 'LogSoftmax', layer: LogSoftmax, args: (m) => [m.dim], build: (a) => new LogSoftmax(num(a, 0)) }),
  ...([['ReLU', ReLU], ['Sigmoid', Sigmoid], ['Tanh', Tanh], ['Identity', Identity]] as const).map(([type, Layer]) => codec<ReLU | Sigmoid | Tanh | Identity>({
    type, layer: Layer, args: () => [], build: () => new Layer(),
  })),
];

const byType = new Map<string, LayerCodec>(BUILTIN.map((c) => [c.type, c]));
const byClass = new Map<unknown, LayerCodec>(BUILTIN.map((c) => [c.layer, c]));

/**
 * Makes a layer type of your own saveable with io.serialize / save, and rebuildable by
 * io.deserialize / load. Its parameters must be registered as usual (assigned Parameters).
 */
export function registerLayer<M extends TensorModule>(layerCodec: LayerCodec<M>): void {
  const c = layerCodec as unknown as LayerCodec;
  if (c === null || typeof c !== 'object' || typeof c.type !== 'string' || c.type === '' || typeof c.layer !== 'function' || typeof c.args !== 'function' || typeof c.build !== 'function') {
    throw new TypeError('registerLayer: expected { type: string, layer: class, args(module), build(args) }');
  }
  const taken = byType.get(c.type);
  if (c.type === 'Sequential' || (taken !== undefined && taken.layer !== c.layer)) throw new RangeError(`registerLayer: the type name '${c.type}' is already taken by another layer class`);
  const owner = byClass.get(c.layer);
  if (owner !== undefined && owner.type !== c.type) throw new RangeError(`registerLayer: ${c.layer.name} is already registered as '${owner.type}'`);
  byType.set(c.type, c);
  byClass.set(c.layer, c);
}

/** The layer type names that can be saved and rebuilt. */
export function layerTypes(): string[] {
  return ['Sequential', ...byType.keys()];
}

/** The JSON description of a model built from registered layers (nested Sequentials allowed). */
export function describeModel(model: TensorModule, path = ''): LayerSpec {
  if (!(model instanceof Module)) throw new TypeError(`describeModel: expected an nn.Module, got ${model === null ? 'null' : typeof model}`);
  const where = path === '' ? 'the model' : `the layer at '${path}'`;
  if (model.constructor === Sequential) {
    const children = [...(model as Sequential)].map((child, i) => describeModel(child, path === '' ? String(i) : `${path}.${i}`));
    return { type: 'Sequential', args: [], children };
  }
  const c = byClass.get(model.constructor);
  if (c === undefined) {
    throw new TypeError(`describeModel: ${where} is a ${model.constructor.name}, which is not a registered layer type (${layerTypes().join(', ')}); register it with io.registerLayer, or save the weights alone with io.serializeStateDict`);
  }
  return { type: c.type, args: c.args(model) };
}

/** A new model from a description (fresh initial weights; load the saved ones afterwards). */
export function buildModel(spec: LayerSpec, path = ''): TensorModule {
  const where = `architecture${path === '' ? '' : ` at '${path}'`}`;
  if (spec === null || typeof spec !== 'object' || typeof spec.type !== 'string' || !Array.isArray(spec.args)) {
    throw new TypeError(`${where}: expected { type, args } but got ${JSON.stringify(spec)}`);
  }
  if (spec.type === 'Sequential') {
    if (!Array.isArray(spec.children)) throw new TypeError(`${where}: a Sequential needs a children list`);
    return new Sequential(...spec.children.map((child, i) => buildModel(child, path === '' ? String(i) : `${path}.${i}`)));
  }
  const c = byType.get(spec.type);
  if (c === undefined) throw new TypeError(`${where}: unknown layer type '${spec.type}' (known: ${layerTypes().join(', ')}; a type of your own needs io.registerLayer before loading)`);
  try {
    return c.build(spec.args);
  } catch (error) {
    throw new TypeError(`${where}: cannot rebuild ${spec.type} from arguments ${JSON.stringify(spec.args)}: ${(error as Error).message}`);
  }
}

function stripUndefined(options: object): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const [k, v] of Object.entries(options)) if (v !== undefined) out[k] = Array.isArray(v) ? v.slice() : (v as JsonValue);
  return out;
}
