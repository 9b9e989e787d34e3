import { getBackend } from '../backend/registry.js';
import { zeros } from '../tensor/creation.js';
import type { FloatArray } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { floatData, Optimizer, type ParamGroup, type Params } from './optimizer.js';
import type { StateFields } from './state-dict.js';
import { checkBoolean, checkNonNegative, checkRange, fail } from './validate.js';

export interface AdamOptions {
  lr: number;
  /** Decay rates of the first and second moment estimates, each in [0, 1). */
  betas: [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
}

export interface AdamState {
  /** Steps this parameter has taken (parameters without a gradient do not count one). */
  step: number;
  expAvg: Tensor;
  expAvgSq: Tensor;
  /** AMSGrad's running maximum of expAvgSq. */
  maxExpAvgSq?: Tensor;
}

/**
 * The moment-estimate updates shared by Adam and AdamW; `decoupled` is what tells them apart.
 */
abstract class AdamBase extends Optimizer<AdamOptions, AdamState> {
  protected abstract readonly decoupled: boolean;

  protected checkHyper(h: AdamOptions, prefix: string): void {
    checkNonNegative(`${prefix}eps`, h.eps);
    if (!Array.isArray(h.betas) || h.betas.length !== 2) fail(`${prefix}betas`, 'a pair [beta1, beta2]', h.betas);
    checkRange(`${prefix}betas[0]`, h.betas[0], 0, 1, false);
    checkRange(`${prefix}betas[1]`, h.betas[1], 0, 1, false);
    checkNonNegative(`${prefix}weightDecay`, h.weightDecay);
    checkBoolean(`${prefix}amsgrad`, h.amsgrad);
    checkBoolean(`${prefix}maximize`, h.maximize);
  }

  protected stateFields(): StateFields<AdamState> {
    return { step: 'count', expAvg: 'tensor', expAvgSq: 'tensor', maxExpAvgSq: 'optional tensor' };
  }

  protected initState(p: Tensor): AdamState {
    return { step: 0, expAvg: zeros(p.shape, { dtype: p.dtype }), expAvgSq: zeros(p.shape, { dtype: p.dtype }) };
  }

  protected update(p: Tensor, g: FloatArray, state: AdamState, group: ParamGroup<AdamOptions>): void {
    state.step += 1;
    let maxExpAvgSq: FloatArray | null = null;
    if (group.amsgrad) {
      // Made here rather than in initState so that turning amsgrad on in a group later works.
      state.maxExpAvgSq ??= zeros(p.shape, { dtype: p.dtype });
      maxExpAvgSq = floatData(state.maxExpAvgSq);
    }
    getBackend().adamStep(floatData(p), g, floatData(state.expAvg), floatData(state.expAvgSq), maxExpAvgSq, {
      lr: group.lr,
      beta1: group.betas[0],
      beta2: group.betas[1],
      eps: group.eps,
      weightDecay: group.weightDecay,
      decoupled: this.decoupled,
      maximize: group.maximize,
      step: state.step,
    });
  }
}

function adamDefaults(options: Partial<AdamOptions>, weightDecay: number): AdamOptions {
  return {
    lr: options.lr ?? 1e-3,
    betas: options.betas === undefined ? [0.9, 0.999] : options.betas,
    eps: options.eps ?? 1e-8,
    weightDecay: options.weightDecay ?? weightDecay,
    amsgrad: options.amsgrad ?? false,
    maximize: options.maximize ?? false,
  };
}

/**
 * Adam (Kingma & Ba) with PyTorch 1.13's update: weight decay is an L2 term added to the
 * gradient; `amsgrad` normalizes by the running maximum of the second moment.
 * @example
 * const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
 */
export class Adam extends AdamBase {
  protected readonly decoupled = false;

  constructor(params: Params<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super('Adam', params, options ?? {}, adamDefaults(options ?? {}, 0));
  }
}

/**
 * AdamW (Loshchilov & Hutter): Adam with weight decay decoupled from the gradient, each step
 * first scaling p by 1 − lr·weightDecay. weightDecay defaults to 1e-2, as in PyTorch.
 * @example
 * const opt = new optim.AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.05 });
 */
export class AdamW extends AdamBase {
  protected readonly decoupled = true;

  constructor(params: Params<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super('AdamW', params, options ?? {}, adamDefaults(options ?? {}, 1e-2));
  }
}
