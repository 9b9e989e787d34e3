import { zeros, ones } from '../../tensor/creation.js';
import { assertDType, isFloat, type DType } from '../../tensor/dtype.js';
import { formatShape } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { batchNorm } from '../functional.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';

export interface BatchNormModuleOptions {
  eps?: number;
  /** The weight of each new batch in the running statistics (default 0.1); null: a cumulative average. */
  momentum?: number | null;
  /** Learn a per-channel scale (weight, starts at 1) and shift (bias, starts at 0); default true. */
  affine?: boolean;
  /** Keep running statistics for eval mode (default true); without them eval uses batch statistics. */
  trackRunningStats?: boolean;
  dtype?: DType;
}

/**
 * Batch normalisation with PyTorch's state: parameters `weight`, `bias`, and buffers
 * `runningMean`, `runningVar` (unbiased) and `numBatchesTracked` (int32).
 */
abstract class BatchNormBase extends Module {
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  weight: Parameter | null;
  bias: Parameter | null;
  declare readonly runningMean: Tensor | null;
  declare readonly runningVar: Tensor | null;
  declare readonly numBatchesTracked: Tensor | null;

  protected constructor(numFeatures: number, options: BatchNormModuleOptions, protected readonly layer: string) {
    super();
    if (!Number.isInteger(numFeatures) || numFeatures < 1) throw new RangeError(`${layer}: numFeatures must be a positive integer, got ${String(numFeatures)}`);
    const dtype = assertDType(options.dtype ?? 'float32', `${layer}: dtype`);
    if (!isFloat(dtype)) throw new TypeError(`${layer}: dtype must be 'float32' or 'float64', got '${dtype}'`);
    const momentum = options.momentum === undefined ? 0.1 : options.momentum;
    if (momentum !== null && !(momentum >= 0 && momentum <= 1)) throw new RangeError(`${layer}: momentum must be in [0, 1] or null, got ${String(momentum)}`);
    this.numFeatures = numFeatures;
    this.eps = options.eps ?? 1e-5;
    this.momentum = momentum;
    this.affine = options.affine ?? true;
    this.trackRunningStats = options.trackRunningStats ?? true;
    this.weight = this.affine ? new Parameter(ones([numFeatures], { dtype })) : null;
    this.bias = this.affine ? new Parameter(zeros([numFeatures], { dtype })) : null;
    const track = this.trackRunningStats;
    this.registerBuffer('runningMean', track ? zeros([numFeatures], { dtype }) : null);
    this.registerBuffer('runningVar', track ? ones([numFeatures], { dtype }) : null);
    this.registerBuffer('numBatchesTracked', track ? zeros([], { dtype: 'int32' }) : null);
  }

  /** The input ranks this layer accepts, e.g. [2, 3] for BatchNorm1d. */
  protected abstract readonly ranks: readonly number[];
  protected abstract readonly layout: string;

  /** Running mean 0, running variance 1, no batches counted. */
  resetRunningStats(): void {
    this.runningMean?.data.fill(0);
    this.runningVar?.data.fill(1);
    this.numBatchesTracked?.data.fill(0);
  }

  forward(input: Tensor): Tensor {
    if (!this.ranks.includes(input.ndim)) {
      throw new RangeError(`${this.layer}: expected ${this.layout} input, got shape ${formatShape(input.shape)}`);
    }
    if (input.shape[1] !== this.numFeatures) {
      throw new RangeError(`${this.layer}: expected ${this.numFeatures} channels (dimension 1), got input of shape ${formatShape(input.shape)}`);
    }
    const counter = this.numBatchesTracked;
    const updating = this.training && counter !== null;
    // momentum null: the running statistics are the plain average of all batches so far.
    const factor = this.momentum ?? (updating ? 1 / (counter.data[0] + 1) : 0);
    // Without running statistics (trackRunningStats false) eval mode normalises with the batch's.
    const y = batchNorm(input, this.runningMean, this.runningVar, {
      weight: this.weight, bias: this.bias, training: this.training || this.runningMean === null, momentum: factor, eps: this.eps,
    });
    if (updating) counter.data[0] += 1;
    return y;
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}, affine=${this.affine}, trackRunningStats=${this.trackRunningStats}`;
  }
}

/** Batch normalisation of [N, C] or [N, C, L] input over N (and L), per channel C. */
export class BatchNorm1d extends BatchNormBase {
  protected readonly ranks = [2, 3];
  protected readonly layout = '2-D [N, C] or 3-D [N, C, L]';

  constructor(numFeatures: number, options: BatchNormModuleOptions = {}) {
    super(numFeatures, options, 'BatchNorm1d');
  }
}

/** Batch normalisation of [N, C, H, W] input over N, H and W, per channel C. */
export class BatchNorm2d extends BatchNormBase {
  protected readonly ranks = [4];
  protected readonly layout = '4-D [N, C, H, W]';

  constructor(numFeatures: number, options: BatchNormModuleOptions = {}) {
    super(numFeatures, options, 'BatchNorm2d');
  }
}
