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

export type { Backend, UnaryOp, BinaryOp, ReduceOp, ArgReduceOp, MatmulParams } from './backend/backend.js';
export { setBackend, getBackend, registerBackend, listBackends } from './backend/registry.js';
export { jsBackend } from './backends/js/index.js';

export {
  add, sub, mul, div, pow, maximum, minimum, eq, ne, lt, le, gt, ge, where, clamp,
  neg, exp, log, sqrt, square, abs, sign, erf, tanh, sigmoid, relu, leakyRelu, gelu,
  sum, mean, max, min, argmax, argmin, softmax, logSoftmax,
  matmul, gather, scatterAdd, reshape, flatten, squeeze, unsqueeze, permute, transpose, expand, slice, concat, stack, cast, clone,
} from './ops/index.js';
export { noGrad, enableGrad, isGradEnabled } from './ops/grad-mode.js';
export { Node, defineOp, type OpDef, type Vjp } from './ops/op.js';
export { apply } from './ops/apply.js';

export { gradients, type BackwardOptions, type GradientsOptions } from './autograd/backward.js';
export { grad, valueAndGrad, vjp, type GradOptions } from './autograd/functional.js';
export { gradcheck, gradgradcheck, describeGradcheck, type GradcheckOptions, type GradcheckReport } from './autograd/gradcheck.js';
export { OPS } from './ops/registry.js';
