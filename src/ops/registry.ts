import {
  addOp, clampOp, divOp, eqOp, geOp, gtOp, leOp, ltOp, maximumOp, minimumOp, mulOp, neOp, powOp, reluGradOp, sigmoidGradOp, subOp, tanhGradOp, whereOp,
} from './binary.js';
import { conv2dOp, conv2dWeightOp, convTranspose2dOp } from './conv.js';
import { gatherOp, scatterAddOp } from './gather.js';
import { matmulOp } from './matmul.js';
import { castOp, cloneOp, concatOp, expandOp, permuteOp, reshapeOp, sliceOp, unsliceOp } from './movement.js';
import type { OpDef } from './op.js';
import { avgPool2dBackwardOp, avgPool2dOp, maxPool2dBackwardOp, maxPool2dOp } from './pool.js';
import { argmaxOp, argminOp, logSoftmaxOp, maxOp, minOp, softmaxOp, sumOp } from './reduce.js';
import {
  absOp, erfOp, expOp, geluOp, leakyReluOp, logOp, negOp, reluOp, sigmoidOp, signOp, sqrtOp, squareOp, tanhOp,
} from './unary.js';

/**
 * Every primitive op, by name. Tests walk this table so that no op escapes the gradient checks
 * and the PyTorch comparisons; explain uses it to describe nodes.
 */
export const OPS: Readonly<Record<string, OpDef>> = Object.fromEntries(
  ([
    addOp, subOp, mulOp, divOp, powOp, maximumOp, minimumOp, tanhGradOp, sigmoidGradOp, reluGradOp, eqOp, neOp, ltOp, leOp, gtOp, geOp, whereOp, clampOp,
    negOp, expOp, logOp, sqrtOp, squareOp, absOp, signOp, tanhOp, sigmoidOp, reluOp, leakyReluOp, erfOp, geluOp,
    sumOp, maxOp, minOp, argmaxOp, argminOp, softmaxOp, logSoftmaxOp,
    matmulOp, gatherOp, scatterAddOp,
    reshapeOp, permuteOp, expandOp, sliceOp, unsliceOp, concatOp, castOp, cloneOp,
    conv2dOp, convTranspose2dOp, conv2dWeightOp, maxPool2dOp, maxPool2dBackwardOp, avgPool2dOp, avgPool2dBackwardOp,
  ] as unknown as OpDef[]).map((op) => [op.name, op]),
);
