// Initialisers with PyTorch's names (camelCased), gains and fan rules. Each fills a tensor in
// place from the seeded generator (or the one passed) and returns it; they write the storage
// directly, so no graph is recorded (PyTorch runs them under no_grad).
import { isFloat } from '../tensor/dtype.js';
import { defaultGenerator, type Generator } from '../tensor/random.js';
import { formatShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';

export type Nonlinearity =
  | 'linear' | 'conv1d' | 'conv2d' | 'conv3d' | 'convTranspose1d' | 'convTranspose2d' | 'convTranspose3d'
  | 'sigmoid' | 'tanh' | 'relu' | 'leakyRelu' | 'selu';

export type FanMode = 'fanIn' | 'fanOut';

export interface InitOptions {
  generator?: Generator;
}

export interface KaimingOptions extends InitOptions {
  /** The negative slope of the leaky ReLU that follows (only used with 'leakyRelu'; default 0). */
  a?: number;
  /** 'fanIn' (default) keeps the forward variance; 'fanOut' the backward one. */
  mode?: FanMode;
  /** Default 'leakyRelu', as PyTorch. */
  nonlinearity?: Nonlinearity;
}

/**
 * The factor that keeps the variance of activations steady through a nonlinearity: 1 for linear
 * maps and sigmoid, 5/3 for tanh, √2 for ReLU, √(2 / (1 + slope²)) for leaky ReLU, 3/4 for SELU.
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear': case 'conv1d': case 'conv2d': case 'conv3d':
    case 'convTranspose1d': case 'convTranspose2d': case 'convTranspose3d': case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leakyRelu': {
      const slope = param ?? 0.01;
      if (typeof slope !== 'number' || !Number.isFinite(slope)) throw new TypeError(`calculateGain: negative slope ${String(param)} is not a number`);
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu':
      return 3 / 4;
    default:
      throw new RangeError(`calculateGain: unsupported nonlinearity ${JSON.stringify(nonlinearity)}`);
  }
}

/**
 * PyTorch's fans: for a weight [out, in, …kernel], fanIn = in·k and fanOut = out·k, where k is the
 * product of the kernel dimensions (1 for a Linear weight).
 */
export function calculateFanInAndFanOut(t: Tensor): { fanIn: number; fanOut: number } {
  if (t.ndim < 2) {
    throw new RangeError(`init: fan in and fan out cannot be computed for a tensor of shape ${formatShape(t.shape)}; it needs at least 2 dimensions`);
  }
  let receptive = 1;
  for (let d = 2; d < t.ndim; d++) receptive *= t.shape[d];
  return { fanIn: t.shape[1] * receptive, fanOut: t.shape[0] * receptive };
}

function floatTarget(t: Tensor, fn: string): Tensor {
  if (!(t instanceof Tensor)) throw new TypeError(`${fn}: expected a Tensor, got ${t === null ? 'null' : typeof t}`);
  if (!isFloat(t.dtype)) throw new TypeError(`${fn}: needs a float tensor, got ${t.dtype}`);
  return t;
}

/** Fills t with samples of U(a, b). */
export function uniform_(t: Tensor, a = 0, b = 1, options: InitOptions = {}): Tensor {
  floatTarget(t, 'uniform_');
  if (!(a <= b)) throw new RangeError(`uniform_: expected a ≤ b, got a=${a}, b=${b}`);
  const g = options.generator ?? defaultGenerator;
  const data = t.data;
  for (let i = 0; i < data.length; i++) data[i] = a + (b - a) * g.random();
  return t;
}

/** Fills t with samples of N(mean, std²). */
export function normal_(t: Tensor, mean = 0, std = 1, options: InitOptions = {}): Tensor {
  floatTarget(t, 'normal_');
  if (!(std >= 0)) throw new RangeError(`normal_: std must be ≥ 0, got ${std}`);
  const g = options.generator ?? defaultGenerator;
  const data = t.data;
  for (let i = 0; i < data.length; i++) data[i] = mean + std * g.normal();
  return t;
}

/** Fills t with one value. */
export function constant_(t: Tensor, value: number): Tensor {
  if (!(t instanceof Tensor)) throw new TypeError(`constant_: expected a Tensor, got ${t === null ? 'null' : typeof t}`);
  if (typeof value !== 'number') throw new TypeError(`constant_: value must be a number, got ${typeof value}`);
  t.data.fill(value);
  return t;
}

export function zeros_(t: Tensor): Tensor {
  return constant_(t, 0);
}

export function ones_(t: Tensor): Tensor {
  return constant_(t, 1);
}

/** Glorot & Bengio: U(−a, a) with a = gain·√(6 / (fanIn + fanOut)). */
export function xavierUniform_(t: Tensor, gain = 1, options: InitOptions = {}): Tensor {
  const { fanIn, fanOut } = calculateFanInAndFanOut(floatTarget(t, 'xavierUniform_'));
  const a = gain * Math.sqrt(6 / (fanIn + fanOut));
  return uniform_(t, -a, a, options);
}

/** Glorot & Bengio: N(0, std²) with std = gain·√(2 / (fanIn + fanOut)). */
export function xavierNormal_(t: Tensor, gain = 1, options: InitOptions = {}): Tensor {
  const { fanIn, fanOut } = calculateFanInAndFanOut(floatTarget(t, 'xavierNormal_'));
  return normal_(t, 0, gain * Math.sqrt(2 / (fanIn + fanOut)), options);
}

/** The std of He initialisation: gain / √fan; null for an empty tensor (nothing to fill). */
function kaimingStd(t: Tensor, options: KaimingOptions, fn: string): number | null {
  floatTarget(t, fn);
  const mode = options.mode ?? 'fanIn';
  if (mode !== 'fanIn' && mode !== 'fanOut') throw new RangeError(`${fn}: mode must be 'fanIn' or 'fanOut', got ${JSON.stringify(mode)}`);
  if (t.size === 0) return null;
  const fans = calculateFanInAndFanOut(t);
  const fan = mode === 'fanIn' ? fans.fanIn : fans.fanOut;
  return calculateGain(options.nonlinearity ?? 'leakyRelu', options.a ?? 0) / Math.sqrt(fan);
}

/**
 * He et al.: U(−bound, bound) with bound = √3 · gain / √fan. With a = √5 this is nn.Linear's
 * default, U(−1/√fanIn, 1/√fanIn).
 */
export function kaimingUniform_(t: Tensor, options: KaimingOptions = {}): Tensor {
  const std = kaimingStd(t, options, 'kaimingUniform_');
  if (std === null) return t;
  const bound = Math.sqrt(3) * std;
  return uniform_(t, -bound, bound, options);
}

/** He et al.: N(0, std²) with std = gain / √fan. */
export function kaimingNormal_(t: Tensor, options: KaimingOptions = {}): Tensor {
  const std = kaimingStd(t, options, 'kaimingNormal_');
  if (std === null) return t;
  return normal_(t, 0, std, options);
}
