// The public API of chainrule. Importing this module has no side effects.
export { Tensor, type TensorLike } from './tensor/tensor.js';
export type { DType, TypedArray } from './tensor/dtype.js';
export type { Shape } from './tensor/shape.js';
export type { NestedArray } from './tensor/format.js';
export {
  tensor, zeros, ones, full, zerosLike, onesLike, fullLike, arange, eye, rand, randn, randint,
  type TensorOptions, type FromDataOptions, type RandomOptions,
} from './tensor/creation.js';
export { manualSeed, Generator, defaultGenerator, type GeneratorState } from './tensor/random.js';

export type { Backend, UnaryOp, BinaryOp, ReduceOp, ArgReduceOp, MatmulParams, Conv2dParams, Pool2dParams, MaxPool2dParams, AvgPool2dParams } from './backend/backend.js';
export { setBackend, getBackend, registerBackend, listBackends } from './backend/registry.js';
export { jsBackend } from './backends/js/index.js';

export {
  add, sub, mul, div, pow, maximum, minimum, eq, ne, lt, le, gt, ge, where, clamp,
  neg, exp, log, sqrt, square, abs, sign, erf, tanh, sigmoid, relu, leakyRelu, gelu,
  sum, mean, max, min, argmax, argmin, softmax, logSoftmax,
  matmul, gather, scatterAdd, reshape, flatten, squeeze, unsqueeze, permute, transpose, expand, slice, concat, stack, cast, clone,
  conv1d, conv2d, convTranspose1d, convTranspose2d, maxPool1d, maxPool2d, avgPool1d, avgPool2d,
  type Conv1dOptions, type Conv2dOptions, type ConvTranspose1dOptions, type ConvTranspose2dOptions,
  type MaxPool1dOptions, type MaxPool2dOptions, type AvgPool1dOptions, type AvgPool2dOptions,
  type Size1d, type Size2d, type Padding1d, type Padding2d,
} from './ops/index.js';
export { noGrad, enableGrad, isGradEnabled } from './ops/grad-mode.js';
export { Node, defineOp, type OpDef, type Vjp } from './ops/op.js';
export { apply } from './ops/apply.js';

export { gradients, type BackwardOptions, type GradientsOptions } from './autograd/backward.js';
export { grad, valueAndGrad, vjp, type GradOptions } from './autograd/functional.js';
export { gradcheck, gradgradcheck, describeGradcheck, type GradcheckOptions, type GradcheckReport } from './autograd/gradcheck.js';
export { OPS } from './ops/registry.js';
export * as nn from './nn/index.js';
export * as optim from './optim/index.js';
export * as data from './data/index.js';
export { fit, evaluate, predict, History, EarlyStopping, Accuracy, accuracy, confusionMatrix, predictedClasses, epochLine, type FitOptions, type EvaluateOptions, type PredictOptions, type Callback, type TrainState, type EarlyStoppingOptions, type Metric, type ClassOptions, type Trainable, type OptimizerLike, type LossFunction, type SchedulerLike, type Logs, type Batch, type Batches, type Resumable, type ResumeTargets } from './train/index.js';
export * as io from './io/index.js';
export { explain, renderTable, renderMarkdown, renderJson, renderDot, renderSvg, dotToSvg, runExample, exampleNames, listExamples, LEDGER_SCHEMA, type ExplainOptions, type Ledger, type LedgerNode, type LedgerEdge, type LedgerLeaf, type LedgerValues, type LedgerUpdate, type RenderOptions, type DotOptions, type ExampleResult, type ExampleName, type LectureCheck } from './explain/index.js';
