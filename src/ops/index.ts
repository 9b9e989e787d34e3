export { add, sub, mul, div, pow, maximum, minimum, eq, ne, lt, le, gt, ge, where, clamp } from './binary.js';
export { neg, exp, log, sqrt, square, abs, sign, erf, tanh, sigmoid, relu, leakyRelu, gelu } from './unary.js';
export { sum, mean, max, min, argmax, argmin, softmax, logSoftmax } from './reduce.js';
export { matmul } from './matmul.js';
export { reshape, flatten, squeeze, unsqueeze, permute, transpose, expand, slice, concat, stack, cast, clone } from './movement.js';
export { gather, scatterAdd } from './gather.js';
