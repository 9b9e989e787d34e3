import { getBackend } from '../backend/registry.js';
import { zeros } from '../tensor/creation.js';
import type { FloatArray } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { floatData, Optimizer, type ParamGroup, type Params } from './optimizer.js';
import type { StateFields } from './state-dict.js';
import { checkBoolean, checkNonNegative, checkRange } from './validate.js';

export interface RmspropOptions {
  lr: number;
  /** Smoothing constant of the running averages, in [0, 1]. */
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  /** Normalize by an estimate of the gradient's variance rather than its second moment. */
  centered: boolean;
  maximize: boolean;
}

export interface RmspropState {
  /** Steps taken; kept as PyTorch does, though the update does not use it. */
  step: number;
  squareAvg: Tensor;
  /** Present once a step ran with momentum > 0. */
  momentumBuffer?: Tensor;
  /** Present once a step ran centered. */
  gradAvg?: Tensor;
}

/**
 * RMSprop (Hinton) with PyTorch 1.13's update: s ← α·s + (1 − α)·g², p ← p − lr·g/(√s + eps);
 * `centered` subtracts the squared running mean of g inside the root, `momentum` accumulates
 * g/(√s + eps) in a buffer first.
 * @example
 * const opt = new optim.RMSprop(model.parameters(), { lr: 1e-2, momentum: 0.9 });
 */
export class RMSprop extends Optimizer<RmspropOptions, RmspropState> {
  constructor(params: Params<RmspropOptions>, options: Partial<RmspropOptions> = {}) {
    const o: Partial<RmspropOptions> = options ?? {};
    super('RMSprop', params, o, {
      lr: o.lr ?? 1e-2,
      alpha: o.alpha ?? 0.99,
      eps: o.eps ?? 1e-8,
      weightDecay: o.weightDecay ?? 0,
      momentum: o.momentum ?? 0,
      centered: o.centered ?? false,
      maximize: o.maximize ?? false,
    });
  }

  protected checkHyper(h: RmspropOptions, prefix: string): void {
    // PyTorch only asks alpha ≥ 0; above 1 the average gives negative weights and √ of a negative.
    checkRange(`${prefix}alpha`, h.alpha, 0, 1, true);
    checkNonNegative(`${prefix}eps`, h.eps);
    checkNonNegative(`${prefix}weightDecay`, h.weightDecay);
    checkNonNegative(`${prefix}momentum`, h.momentum);
    checkBoolean(`${prefix}centered`, h.centered);
    checkBoolean(`${prefix}maximize`, h.maximize);
  }

  protected stateFields(): StateFields<RmspropState> {
    return { step: 'count', squareAvg: 'tensor', momentumBuffer: 'optional tensor', gradAvg: 'optional tensor' };
  }

  protected initState(p: Tensor): RmspropState {
    return { step: 0, squareAvg: zeros(p.shape, { dtype: p.dtype }) };
  }

  protected update(p: Tensor, g: FloatArray, state: RmspropState, group: ParamGroup<RmspropOptions>): void {
    state.step += 1;
    // Buffers start at zero (unlike SGD's), so making them at first use equals PyTorch's making
    // them with the rest of the state; it also lets a group turn momentum or centering on later.
    let gradAvg: FloatArray | null = null;
    if (group.centered) {
      state.gradAvg ??= zeros(p.shape, { dtype: p.dtype });
      gradAvg = floatData(state.gradAvg);
    }
    let momentumBuffer: FloatArray | null = null;
    if (group.momentum > 0) {
      state.momentumBuffer ??= zeros(p.shape, { dtype: p.dtype });
      momentumBuffer = floatData(state.momentumBuffer);
    }
    getBackend().rmspropStep(floatData(p), g, floatData(state.squareAvg), gradAvg, momentumBuffer, {
      lr: group.lr,
      alpha: group.alpha,
      eps: group.eps,
      weightDecay: group.weightDecay,
      momentum: group.momentum,
      maximize: group.maximize,
    });
  }
}
