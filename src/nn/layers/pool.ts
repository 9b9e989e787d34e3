import { spatialArg, type Size1d, type Size2d } from '../../ops/conv-args.js';
import {
  avgPool1d, avgPool2d, maxPool1d, maxPool2d,
  type AvgPool1dOptions, type AvgPool2dOptions, type MaxPool1dOptions, type MaxPool2dOptions,
} from '../../ops/pool.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Module } from '../module.js';

// Pooling layers hold no parameters: each keeps its arguments and calls the function. The kernel
// size is checked when the layer is built; the rest depends on the input and is checked then.

function kernelOf(layer: string, kernelSize: unknown, dims: 1 | 2): number[] {
  return spatialArg(layer, 'kernelSize', kernelSize, dims, 1);
}

/** The arguments as given, as PyTorch prints a pooling layer. */
function describeOptions(kernel: Size1d | Size2d, options: object): string {
  const size = typeof kernel === 'number' ? String(kernel) : `[${kernel.join(', ')}]`;
  const rest = Object.entries(options).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return [`kernelSize=${size}`, ...rest].join(', ');
}

/**
 * The maximum of each window, per channel, over [N, C, H, W] (or [C, H, W]); stride defaults to
 * the kernel size.
 * @example
 * new nn.MaxPool2d(2).forward(x);   // [N, C, 28, 28] → [N, C, 14, 14]
 */
export class MaxPool2d extends Module {
  readonly kernelSize: Size2d;
  readonly options: Readonly<MaxPool2dOptions>;

  constructor(kernelSize: Size2d, options: MaxPool2dOptions = {}) {
    super();
    kernelOf('MaxPool2d', kernelSize, 2);
    this.kernelSize = kernelSize;
    this.options = { ...options };
  }

  forward(input: Tensor): Tensor {
    return maxPool2d(input, this.kernelSize, this.options);
  }

  override extraRepr(): string {
    return describeOptions(this.kernelSize, this.options);
  }
}

/** The maximum of each window, per channel, over [N, C, L] (or [C, L]). */
export class MaxPool1d extends Module {
  readonly kernelSize: Size1d;
  readonly options: Readonly<MaxPool1dOptions>;

  constructor(kernelSize: Size1d, options: MaxPool1dOptions = {}) {
    super();
    kernelOf('MaxPool1d', kernelSize, 1);
    this.kernelSize = kernelSize;
    this.options = { ...options };
  }

  forward(input: Tensor): Tensor {
    return maxPool1d(input, this.kernelSize, this.options);
  }

  override extraRepr(): string {
    return describeOptions(this.kernelSize, this.options);
  }
}

/**
 * The mean of each window, per channel, over [N, C, H, W] (or [C, H, W]); padding counts in the
 * divisor unless countIncludePad is false.
 * @example
 * new nn.AvgPool2d(2, { stride: 2 }).forward(x);
 */
export class AvgPool2d extends Module {
  readonly kernelSize: Size2d;
  readonly options: Readonly<AvgPool2dOptions>;

  constructor(kernelSize: Size2d, options: AvgPool2dOptions = {}) {
    super();
    kernelOf('AvgPool2d', kernelSize, 2);
    this.kernelSize = kernelSize;
    this.options = { ...options };
  }

  forward(input: Tensor): Tensor {
    return avgPool2d(input, this.kernelSize, this.options);
  }

  override extraRepr(): string {
    return describeOptions(this.kernelSize, this.options);
  }
}

/** The mean of each window, per channel, over [N, C, L] (or [C, L]). */
export class AvgPool1d extends Module {
  readonly kernelSize: Size1d;
  readonly options: Readonly<AvgPool1dOptions>;

  constructor(kernelSize: Size1d, options: AvgPool1dOptions = {}) {
    super();
    kernelOf('AvgPool1d', kernelSize, 1);
    this.kernelSize = kernelSize;
    this.options = { ...options };
  }

  forward(input: Tensor): Tensor {
    return avgPool1d(input, this.kernelSize, this.options);
  }

  override extraRepr(): string {
    return describeOptions(this.kernelSize, this.options);
  }
}
