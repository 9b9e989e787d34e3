import type { Backend } from '../../backend/backend.js';
import { col2im, im2col } from './conv.js';
import { conv2d, conv2dInput, conv2dWeight, conv2dWeightAndBias } from './conv-products.js';
import { binary, cast, clamp, unary, where } from './elementwise.js';
import { gather, scatterAdd } from './gather.js';
import { matmul } from './matmul.js';
import { adamStep, rmspropStep, sgdStep } from './optim.js';
import { concat, expand, permute, slice, unslice } from './movement.js';
import { avgPool2d, avgPool2dBackward, maxPool2d, maxPool2dBackward } from './pool.js';
import { argReduce, reduce, softmax } from './reduce.js';

/**
 * The reference backend: plain TypeScript loops that import nothing from Node. Every other
 * backend is tested against it, kernel by kernel.
 */
export const jsBackend: Backend = {
  name: 'js',
  unary, binary, where, clamp, cast,
  reduce, argReduce, softmax,
  matmul,
  permute, expand, slice, unslice, concat,
  gather, scatterAdd,
  im2col, col2im, conv2d, conv2dInput, conv2dWeight, conv2dWeightAndBias, maxPool2d, maxPool2dBackward, avgPool2d, avgPool2dBackward,
  sgdStep, adamStep, rmspropStep,
};
