import { getBackend } from '../backend/registry.js';
import { zeros } from '../tensor/creation.js';
import type { FloatArray } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { floatData, Optimizer, type ParamGroup, type Params } from './optimizer.js';
import type { StateFields } from './state-dict.js';
import { checkBoolean, checkNonNegative, checkNumber } from './validate.js';

export interface SgdOptions {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
}

export interface SgdState {
  /** Made at the first step with momentum ≠ 0. */
  momentumBuffer?: Tensor;
}

/**
 * Stochastic gradient descent with optional momentum, Nesterov momentum, L2 weight decay and
 * dampening: PyTorch 1.13's update, p ← p − lr·d with
 * d = g + weightDecay·p, then with momentum buf ← momentum·buf + (1 − dampening)·d (buf = d at
 * the first step) and d = buf, or d + momentum·buf with Nesterov. `maximize` ascends instead.
 * @example
 * const opt = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 * opt.zeroGrad(); loss.backward(); opt.step();
 */
export class SGD extends Optimizer<SgdOptions, SgdState> {
  constructor(params: Params<SgdOptions>, options: Partial<SgdOptions> & { lr: number }) {
    // `?? {}` so that plain JavaScript leaving the options out hears 'lr must be…', not a TypeError.
    const o: Partial<SgdOptions> = options ?? {};
    super('SGD', params, o, {
      lr: o.lr as number,
      momentum: o.momentum ?? 0,
      dampening: o.dampening ?? 0,
      weightDecay: o.weightDecay ?? 0,
      nesterov: o.nesterov ?? false,
      maximize: o.maximize ?? false,
    });
  }

  protected checkHyper(h: SgdOptions, prefix: string): void {
    checkNonNegative(`${prefix}momentum`, h.momentum);
    checkNumber(`${prefix}dampening`, h.dampening);
    checkNonNegative(`${prefix}weightDecay`, h.weightDecay);
    checkBoolean(`${prefix}maximize`, h.maximize);
    if (checkBoolean(`${prefix}nesterov`, h.nesterov) && (h.momentum <= 0 || h.dampening !== 0)) {
      throw new RangeError(`${prefix}nesterov requires a momentum and zero dampening; got momentum ${h.momentum}, dampening ${h.dampening}`);
    }
  }

  protected stateFields(): StateFields<SgdState> {
    return { momentumBuffer: 'optional tensor' };
  }

  protected initState(): SgdState {
    return {};
  }

  protected update(p: Tensor, g: FloatArray, state: SgdState, group: ParamGroup<SgdOptions>): void {
    let buffer: FloatArray | null = null;
    let freshBuffer = false;
    if (group.momentum !== 0) {
      if (state.momentumBuffer === undefined) {
        state.momentumBuffer = zeros(p.shape, { dtype: p.dtype });
        freshBuffer = true;
      }
      buffer = floatData(state.momentumBuffer);
    }
    getBackend().sgdStep(floatData(p), g, buffer, {
      lr: group.lr,
      momentum: group.momentum,
      dampening: group.dampening,
      weightDecay: group.weightDecay,
      nesterov: group.nesterov,
      maximize: group.maximize,
      freshBuffer,
    });
  }
}
