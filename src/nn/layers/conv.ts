import { spatialArg, type Padding1d, type Padding2d, type Size1d, type Size2d } from '../../ops/conv-args.js';
import { conv1d, conv2d } from '../../ops/conv.js';
import { zeros } from '../../tensor/creation.js';
import { assertDType, isFloat, type DType } from '../../tensor/dtype.js';
import type { Generator } from '../../tensor/random.js';
import type { Tensor } from '../../tensor/tensor.js';
import { calculateFanInAndFanOut, kaimingUniform_, uniform_ } from '../init.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';

interface ConvModuleOptions {
  /** Split the channels into this many independent groups (default 1); it must divide both counts. */
  groups?: number;
  /** Learn a per-output-channel bias (default true). */
  bias?: boolean;
  /** Parameter dtype (default float32). */
  dtype?: DType;
  /** Where the initial values come from (default: the seeded default generator). */
  generator?: Generator;
}

export interface Conv1dModuleOptions extends ConvModuleOptions {
  stride?: Size1d;
  padding?: Padding1d;
  dilation?: Size1d;
}

export interface Conv2dModuleOptions extends ConvModuleOptions {
  stride?: Size2d;
  padding?: Padding2d;
  dilation?: Size2d;
}

/**
 * What Conv1d and Conv2d share: the checks PyTorch makes when the layer is built (so a bad layer
 * fails where it is declared, not at its first batch), the parameters and their initialisation.
 */
abstract class ConvNd extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[] | 'same' | 'valid';
  readonly dilation: number[];
  readonly groups: number;
  weight: Parameter;
  bias: Parameter | null;

  protected constructor(layer: string, dims: 1 | 2, inChannels: number, outChannels: number, kernelSize: unknown, options: Conv2dModuleOptions | Conv1dModuleOptions) {
    super();
    for (const [name, v] of [['inChannels', inChannels], ['outChannels', outChannels]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new RangeError(`${layer}: ${name} must be a positive integer, got ${String(v)}`);
    }
    const groups = options.groups ?? 1;
    if (!Number.isInteger(groups) || groups < 1) throw new RangeError(`${layer}: groups must be a positive integer, got ${String(groups)}`);
    if (inChannels % groups !== 0) throw new RangeError(`${layer}: groups=${groups} does not divide inChannels=${inChannels}`);
    if (outChannels % groups !== 0) throw new RangeError(`${layer}: groups=${groups} does not divide outChannels=${outChannels}`);
    this.kernelSize = spatialArg(layer, 'kernelSize', kernelSize, dims, 1);
    this.stride = spatialArg(layer, 'stride', options.stride ?? 1, dims, 1);
    this.dilation = spatialArg(layer, 'dilation', options.dilation ?? 1, dims, 1);
    const padding = options.padding ?? 0;
    if (padding === 'same' && this.stride.some((s) => s !== 1)) {
      throw new RangeError(`${layer}: padding 'same' needs stride 1, got stride ${JSON.stringify(options.stride)}`);
    }
    this.padding = padding === 'same' || padding === 'valid' ? padding : spatialArg(layer, 'padding', padding, dims, 0);
    const dtype = assertDType(options.dtype ?? 'float32', `${layer}: dtype`);
    if (!isFloat(dtype)) throw new TypeError(`${layer}: dtype must be 'float32' or 'float64', got '${dtype}'`);
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.groups = groups;
    this.weight = new Parameter(zeros([outChannels, inChannels / groups, ...this.kernelSize], { dtype }));
    this.bias = (options.bias ?? true) ? new Parameter(zeros([outChannels], { dtype })) : null;
    this.resetParameters(options.generator);
  }

  /**
   * Draws fresh initial values, PyTorch's default: weight from kaiming uniform with a = √5, which
   * is U(−1/√fanIn, 1/√fanIn), and bias from the same range; fanIn = inChannels/groups · kernel.
   */
  resetParameters(generator?: Generator): void {
    kaimingUniform_(this.weight, { a: Math.sqrt(5), generator });
    if (this.bias !== null) {
      const bound = 1 / Math.sqrt(calculateFanInAndFanOut(this.weight).fanIn);
      uniform_(this.bias, -bound, bound, { generator });
    }
  }

  override extraRepr(): string {
    const size = (v: number[]): string => (v.length === 1 ? String(v[0]) : `[${v.join(', ')}]`);
    const parts = [`${this.inChannels}, ${this.outChannels}, kernelSize=${size(this.kernelSize)}, stride=${size(this.stride)}`];
    if (this.padding === 'same' || this.padding === 'valid') parts.push(`padding='${this.padding}'`);
    else if (this.padding.some((p) => p !== 0)) parts.push(`padding=${size(this.padding)}`);
    if (this.dilation.some((d) => d !== 1)) parts.push(`dilation=${size(this.dilation)}`);
    if (this.groups !== 1) parts.push(`groups=${this.groups}`);
    if (this.bias === null) parts.push('bias=false');
    return parts.join(', ');
  }
}

/**
 * 1-D convolution over [N, C, L] (or [C, L]) input: weight [outC, inC/groups, k], bias [outC].
 * @example
 * const conv = new nn.Conv1d(1, 4, 3, { padding: 'same' });
 * conv.forward(x);   // [N, 1, L] → [N, 4, L]
 */
export class Conv1d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: Size1d, options: Conv1dModuleOptions = {}) {
    super('Conv1d', 1, inChannels, outChannels, kernelSize, options);
  }

  forward(input: Tensor): Tensor {
    const padding = this.padding === 'same' || this.padding === 'valid' ? this.padding : this.padding[0];
    return conv1d(input, this.weight, this.bias, { stride: this.stride[0], padding, dilation: this.dilation[0], groups: this.groups });
  }
}

/**
 * 2-D convolution over [N, C, H, W] (or [C, H, W]) input: weight [outC, inC/groups, kH, kW], bias [outC].
 * @example
 * const conv = new nn.Conv2d(1, 8, 3, { stride: 1, padding: 'same' });
 * conv.forward(x);   // [N, 1, 28, 28] → [N, 8, 28, 28]
 */
export class Conv2d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: Size2d, options: Conv2dModuleOptions = {}) {
    super('Conv2d', 2, inChannels, outChannels, kernelSize, options);
  }

  forward(input: Tensor): Tensor {
    const pair = (v: number[]): [number, number] => [v[0], v[1]];
    const padding = this.padding === 'same' || this.padding === 'valid' ? this.padding : pair(this.padding);
    return conv2d(input, this.weight, this.bias, { stride: pair(this.stride), padding, dilation: pair(this.dilation), groups: this.groups });
  }
}
