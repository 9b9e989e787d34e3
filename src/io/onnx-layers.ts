// How each layer becomes ONNX nodes, in inference (eval) semantics. One converter per layer
// class, keyed by the exact class, so a subclass with its own forward is never exported as its base.
import { spatialArg } from '../ops/conv-args.js';
import { GELU, LeakyReLU, LogSoftmax, ReLU, Sigmoid, Softmax, Tanh } from '../nn/layers/activation.js';
import { BatchNorm1d, BatchNorm2d } from '../nn/layers/batchnorm.js';
import { Conv1d, Conv2d } from '../nn/layers/conv.js';
import { Dropout } from '../nn/layers/dropout.js';
import { Flatten } from '../nn/layers/flatten.js';
import { Identity } from '../nn/layers/identity.js';
import { Linear } from '../nn/layers/linear.js';
import { AvgPool1d, AvgPool2d, MaxPool1d, MaxPool2d } from '../nn/layers/pool.js';
import { formatShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import type { OnnxAttribute } from './onnx-proto.js';

/** What a converter sees of the graph being built. */
export interface Emit {
  /** The layer's state-dict prefix ('0', '2.1'): initializers are named as in the state dict. */
  path: string;
  input: string;
  /** The name the layer's result must have. */
  output: string;
  inShape: readonly number[];
  outShape: readonly number[];
  opset: number;
  node(opType: string, inputs: readonly string[], outputs: readonly string[], attributes?: Record<string, OnnxAttribute>): void;
  /** A fresh name for an intermediate value of this layer. */
  value(suffix: string): string;
  /** Adds a tensor (converted to the graph's dtype) as an initializer named `path.name`; returns the name. */
  initializer(name: string, t: Tensor): string;
  /** A scalar or vector constant of the graph's float dtype. */
  constant(name: string, values: readonly number[], dims: readonly number[]): string;
  /** An int64 constant (shapes). */
  int64(name: string, values: readonly number[]): string;
  fail(message: string): never;
}

const int = (value: number): OnnxAttribute => ({ kind: 'int', value });
const float = (value: number): OnnxAttribute => ({ kind: 'float', value });
const ints = (value: readonly number[]): OnnxAttribute => ({ kind: 'ints', value });

type Converter = (m: never, e: Emit) => void;
const converters = new Map<unknown, Converter>();
function on<M>(layers: readonly (abstract new (...args: never[]) => M)[], convert: (m: M, e: Emit) => void): void {
  for (const layer of layers) converters.set(layer, convert as Converter);
}

/** The converter of a module's exact class, or undefined. */
export function converterOf(module: object): ((m: object, e: Emit) => void) | undefined {
  return converters.get(module.constructor) as ((m: object, e: Emit) => void) | undefined;
}

/** The layer class names exportOnnx knows. */
export function exportableLayers(): string[] {
  return [...converters.keys()].map((c) => (c as { name: string }).name);
}

const simple = (op: string) => (_: unknown, e: Emit): void => e.node(op, [e.input], [e.output]);
on([ReLU], simple('Relu'));
on([Sigmoid], simple('Sigmoid'));
on([Tanh], simple('Tanh'));
// Dropout is the identity in eval mode, which is what an exported graph runs.
on<Dropout | Identity>([Dropout, Identity], simple('Identity'));
on([LeakyReLU], (m, e) => e.node('LeakyRelu', [e.input], [e.output], { alpha: float(m.negativeSlope) }));
on([Softmax], (m, e) => e.node('Softmax', [e.input], [e.output], { axis: int(m.dim) }));
on([LogSoftmax], (m, e) => e.node('LogSoftmax', [e.input], [e.output], { axis: int(m.dim) }));

on([Linear], (m, e) => {
  const weight = e.initializer('weight', m.weight);
  const bias = m.bias === null ? null : e.initializer('bias', m.bias);
  if (e.inShape.length === 2) {
    // Gemm computes x·Wᵀ + b in one node with the weight as stored ([out, in]).
    e.node('Gemm', [e.input, weight, ...(bias === null ? [] : [bias])], [e.output], { transB: int(1) });
    return;
  }
  const wt = e.value('weight_t');
  e.node('Transpose', [weight], [wt], { perm: ints([1, 0]) });
  if (bias === null) {
    e.node('MatMul', [e.input, wt], [e.output]);
  } else {
    const product = e.value('matmul');
    e.node('MatMul', [e.input, wt], [product]);
    e.node('Add', [product, bias], [e.output]);
  }
});

function needBatch(e: Emit, dims: number, layer: string): void {
  if (e.inShape.length !== dims + 2) e.fail(`ONNX's ${layer} needs a batched input [N, C, …]; export with a batched sample shape instead of ${formatShape(e.inShape)}`);
}

on<Conv1d | Conv2d>([Conv1d, Conv2d], (m, e) => {
  const dims = m.kernelSize.length;
  needBatch(e, dims, 'Conv');
  let begin: number[];
  let end: number[];
  if (m.padding === 'valid') {
    begin = end = m.kernelSize.map(() => 0);
  } else if (m.padding === 'same') {
    // PyTorch's 'same': the odd one of an uneven total goes after the input.
    const total = m.kernelSize.map((k, i) => m.dilation[i] * (k - 1));
    begin = total.map((t) => Math.floor(t / 2));
    end = total.map((t, i) => t - begin[i]);
  } else {
    begin = end = m.padding;
  }
  const inputs = [e.input, e.initializer('weight', m.weight), ...(m.bias === null ? [] : [e.initializer('bias', m.bias)])];
  e.node('Conv', inputs, [e.output], {
    kernel_shape: ints(m.kernelSize), strides: ints(m.stride), pads: ints([...begin, ...end]), dilations: ints(m.dilation), group: int(m.groups),
  });
});

on<MaxPool1d | MaxPool2d | AvgPool1d | AvgPool2d>([MaxPool1d, MaxPool2d, AvgPool1d, AvgPool2d], (m, e) => {
  const max = m instanceof MaxPool1d || m instanceof MaxPool2d;
  const dims = m instanceof MaxPool1d || m instanceof AvgPool1d ? 1 : 2;
  const layer = max ? 'MaxPool' : 'AveragePool';
  needBatch(e, dims, layer);
  const o = m.options as { stride?: unknown; padding?: unknown; dilation?: unknown; ceilMode?: boolean; countIncludePad?: boolean };
  const kernel = spatialArg(layer, 'kernelSize', m.kernelSize, dims, 1);
  const stride = o.stride === undefined || o.stride === null ? kernel : spatialArg(layer, 'stride', o.stride, dims, 1);
  const pads = spatialArg(layer, 'padding', o.padding ?? 0, dims, 0);
  const attributes: Record<string, OnnxAttribute> = {
    kernel_shape: ints(kernel), strides: ints(stride), pads: ints([...pads, ...pads]), ceil_mode: int(o.ceilMode === true ? 1 : 0),
  };
  if (max) attributes.dilations = ints(spatialArg(layer, 'dilation', o.dilation ?? 1, dims, 1));
  else attributes.count_include_pad = int(o.countIncludePad === false ? 0 : 1);
  e.node(layer, [e.input], [e.output], attributes);
});

on<BatchNorm1d | BatchNorm2d>([BatchNorm1d, BatchNorm2d], (m, e) => {
  const mean = m.runningMean;
  const variance = m.runningVar;
  if (mean === null || variance === null) {
    return e.fail('a BatchNorm without running statistics (trackRunningStats: false) normalises with each batch\'s own statistics, which ONNX\'s BatchNormalization cannot express');
  }
  if (e.inShape.length < 2) e.fail(`BatchNormalization needs input [N, C, …], got ${formatShape(e.inShape)}`);
  const c = m.numFeatures;
  // ONNX's BatchNormalization always takes a scale and a shift: 1 and 0 without affine.
  const scale = m.weight === null ? e.constant('weight', new Array<number>(c).fill(1), [c]) : e.initializer('weight', m.weight);
  const shift = m.bias === null ? e.constant('bias', new Array<number>(c).fill(0), [c]) : e.initializer('bias', m.bias);
  const inputs = [e.input, scale, shift, e.initializer('runningMean', mean), e.initializer('runningVar', variance)];
  e.node('BatchNormalization', inputs, [e.output], { epsilon: float(m.eps) });
});

on([Flatten], (m, e) => {
  const rank = e.inShape.length;
  const start = m.startDim < 0 ? m.startDim + rank : m.startDim;
  const end = m.endDim < 0 ? m.endDim + rank : m.endDim;
  if (start === 1 && end === rank - 1) {
    e.node('Flatten', [e.input], [e.output], { axis: int(1) });
    return;
  }
  // Reshape copies the dims before the flattened run (0), so a dynamic batch size passes through.
  const target = [...e.inShape.slice(0, start).map(() => 0), -1, ...e.inShape.slice(end + 1)];
  e.node('Reshape', [e.input, e.int64('shape', target)], [e.output]);
});

on([GELU], (m, e) => {
  if (e.opset >= 20) {
    e.node('Gelu', [e.input], [e.output], { approximate: { kind: 'string', value: m.approximate } });
    return;
  }
  const x = e.input;
  const half = e.constant('half', [0.5], []);
  const one = e.constant('one', [1], []);
  const step = (op: string, inputs: string[], name: string): string => {
    const out = e.value(name);
    e.node(op, inputs, [out]);
    return out;
  };
  let inner: string;
  if (m.approximate === 'none') {
    // x·Φ(x) = ½·x·(1 + erf(x/√2))
    inner = step('Erf', [step('Div', [x, e.constant('sqrt2', [Math.SQRT2], [])], 'scaled')], 'erf');
  } else {
    // ½·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
    const cube = step('Mul', [step('Mul', [x, x], 'square'), x], 'cube');
    const sum = step('Add', [x, step('Mul', [cube, e.constant('coefficient', [0.044715], [])], 'cubic')], 'sum');
    inner = step('Tanh', [step('Mul', [sum, e.constant('sqrt_2_over_pi', [Math.sqrt(2 / Math.PI)], [])], 'scaled')], 'tanh');
  }
  e.node('Mul', [step('Mul', [x, step('Add', [inner, one], 'plus_one')], 'product'), half], [e.output]);
});
