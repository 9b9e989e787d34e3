import type { Backend } from '../../backend/backend.js';
import { binary, cast, clamp, unary, where } from './elementwise.js';
import { gather, scatterAdd } from './gather.js';
import { matmul } from './matmul.js';
import { concat, expand, permute, slice, unslice } from './movement.js';
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
};
