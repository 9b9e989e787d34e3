// Losses between a prediction and a target of the same shape: squared and absolute error.
import type { Tensor } from '../../tensor/tensor.js';
import { Module } from '../module.js';
import { assertFloatArg, assertSameShape, reduce, reductionOf, type Reduction, type ReductionOptions } from './reduction.js';

function checked(input: Tensor, target: Tensor, fn: string): void {
  assertFloatArg(input, fn, 'input');
  assertFloatArg(target, fn, 'target');
  assertSameShape(input, target, fn);
}

/**
 * Mean squared error (y − t)², averaged (default), summed or per element. The lectures'
 * E = ½ Σ (t − y)² is `mseLoss(y, t, { reduction: 'sum' }).mul(0.5)`.
 * @example
 * F.mseLoss(prediction, target);   // a scalar
 */
export function mseLoss(input: Tensor, target: Tensor, options: ReductionOptions = {}): Tensor {
  const reduction = reductionOf(options, 'mseLoss');
  checked(input, target, 'mseLoss');
  return reduce(input.sub(target).square(), reduction);
}

/** Mean absolute error |y − t| (its gradient at y = t is 0, as PyTorch's). */
export function l1Loss(input: Tensor, target: Tensor, options: ReductionOptions = {}): Tensor {
  const reduction = reductionOf(options, 'l1Loss');
  checked(input, target, 'l1Loss');
  return reduce(input.sub(target).abs(), reduction);
}

export class MSELoss extends Module<[Tensor, Tensor], Tensor> {
  readonly reduction: Reduction;

  constructor(options: ReductionOptions = {}) {
    super();
    this.reduction = reductionOf(options, 'MSELoss');
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return mseLoss(input, target, { reduction: this.reduction });
  }

  override extraRepr(): string {
    return `reduction='${this.reduction}'`;
  }
}

export class L1Loss extends Module<[Tensor, Tensor], Tensor> {
  readonly reduction: Reduction;

  constructor(options: ReductionOptions = {}) {
    super();
    this.reduction = reductionOf(options, 'L1Loss');
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return l1Loss(input, target, { reduction: this.reduction });
  }

  override extraRepr(): string {
    return `reduction='${this.reduction}'`;
  }
}
