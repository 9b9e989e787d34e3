export { add, sub, mul, div, pow, maximum, minimum, eq, ne, lt, le, gt, ge, where, clamp } from './binary.js';
export { neg, exp, log, sqrt, square, abs, sign, erf, tanh, sigmoid, relu, leakyRelu, gelu } from './unary.js';
export { sum, mean, max, min, argmax, argmin, softmax, logSoftmax } from './reduce.js';
export { matmul } from './matmul.js';
export { reshape, flatten, squeeze, unsqueeze, permute, transpose, expand, slice, concat, stack, cast, clone } from './movement.js';
export { gather, scatterAdd } from './gather.js';
export { conv1d, conv2d, convTranspose1d, convTranspose2d, type Conv1dOptions, type Conv2dOptions, type ConvTranspose1dOptions, type ConvTranspose2dOptions } from './conv.js';
export { maxPool1d, maxPool2d, avgPool1d, avgPool2d, type MaxPool1dOptions, type MaxPool2dOptions, type AvgPool1dOptions, type AvgPool2dOptions } from './pool.js';
export type { Size1d, Size2d, Padding1d, Padding2d } from './conv-args.js';
