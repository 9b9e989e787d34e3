// Building blocks the network examples share: layers with the lecture's weights, and its error.
import { Linear } from '../../nn/layers/linear.js';
import { mseLoss } from '../../nn/losses/regression.js';
import { tensor } from '../../tensor/creation.js';
import type { NestedArray } from '../../tensor/format.js';
import type { Tensor } from '../../tensor/tensor.js';

const f64 = { dtype: 'float64' } as const;

/** nn.Linear in float64 with the given weight [out, in] (row j = the weights into unit j) and bias. */
export function linearWith(weight: number[][], bias: number[] | null): Linear {
  const layer = new Linear(weight[0].length, weight.length, { bias: bias !== null, dtype: 'float64' });
  layer.loadStateDict(bias === null ? { weight: tensor(weight, f64) } : { weight: tensor(weight, f64), bias: tensor(bias, f64) });
  return layer;
}

export function data(values: NestedArray): Tensor {
  return tensor(values, f64);
}

/** The lectures' error E = ½ Σ (t − y)², as the design spells it. */
export function halfSquaredError(y: Tensor, t: Tensor): Tensor {
  return mseLoss(y, t, { reduction: 'sum' }).mul(0.5);
}
