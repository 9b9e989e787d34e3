import {
  avgPool1d, avgPool2d, conv1d, conv2d, convTranspose1d, convTranspose2d, maxPool1d, maxPool2d,
  type AvgPool1dOptions, type AvgPool2dOptions, type Conv1dOptions, type ConvTranspose1dOptions, type ConvTranspose2dOptions,
  type MaxPool1dOptions, type MaxPool2dOptions, type Padding2d, type Size2d, type Tensor,
} from '../../src/index.js';

/** The attributes of scripts/make-conv-fixtures.py's cases (PyTorch's, camelCased). */
export interface ConvFixtureAttrs {
  stride?: Size2d;
  padding?: Padding2d;
  dilation?: Size2d;
  groups?: number;
  outputPadding?: Size2d;
  kernelSize?: Size2d;
  ceilMode?: boolean;
  countIncludePad?: boolean;
}

type Call = (xs: Tensor[], a: ConvFixtureAttrs) => Tensor;

function kernelOf(a: ConvFixtureAttrs): Size2d {
  if (a.kernelSize === undefined) throw new Error('fixture is missing attribute kernelSize');
  return a.kernelSize;
}

// One attribute record serves every op; each op's options type is the part it reads (1-D sizes
// are plain numbers in the fixtures, which the 1-D options accept as they are).
const options = <T>(a: ConvFixtureAttrs): T => a as unknown as T;

/** How each convolution and pooling fixture op is called through the public API. */
export const CONV_CALLS: Record<string, Call> = {
  conv2d: ([x, w, b], a) => conv2d(x, w, b ?? null, a),
  conv1d: ([x, w, b], a) => conv1d(x, w, b ?? null, options<Conv1dOptions>(a)),
  convTranspose2d: ([x, w, b], a) => convTranspose2d(x, w, b ?? null, options<ConvTranspose2dOptions>(a)),
  convTranspose1d: ([x, w, b], a) => convTranspose1d(x, w, b ?? null, options<ConvTranspose1dOptions>(a)),
  maxPool2d: ([x], a) => maxPool2d(x, kernelOf(a), options<MaxPool2dOptions>(a)),
  maxPool1d: ([x], a) => maxPool1d(x, kernelOf(a) as number, options<MaxPool1dOptions>(a)),
  avgPool2d: ([x], a) => avgPool2d(x, kernelOf(a), options<AvgPool2dOptions>(a)),
  avgPool1d: ([x], a) => avgPool1d(x, kernelOf(a) as number, options<AvgPool1dOptions>(a)),
};
