import type { BinaryOp, ReduceOp, UnaryOp } from '../../backend/backend.js';
import type { TypedArray } from '../../tensor/dtype.js';

/**
 * The instruction-set paths of the native GEMM. 'avx512-tiles' runs AVX-512's tile shapes and
 * blocking with AVX2 instructions: a test path, so that logic is checked on CPUs without AVX-512.
 */
export type NativeIsa = 'avx512' | 'avx2' | 'generic' | 'avx512-tiles';

/**
 * The functions of the C++ addon (native/*.cc). Kernels write into the output arrays they are
 * given, which the shim allocates; integer and real parameters travel in one Float64Array, `P`,
 * whose layout each kernel's comment in native/ describes. This module only describes the addon:
 * loading it is Node's business (src/node/native.ts), so the core stays free of Node imports.
 */
export interface NativeAddon {
  isa(): NativeIsa;
  /** False when this CPU cannot run that path. */
  setIsa(isa: NativeIsa): boolean;
  /** The paths this CPU can run, best first. */
  supportedIsas(): NativeIsa[];
  /** The path chosen at load: the best one, or CHAINRULE_NATIVE_ISA's. */
  bestIsa(): NativeIsa;
  threads(): number;
  setThreads(n: number): number;
  /** Whether the addon set glibc's allocator to keep freed arrays' memory (native/allocator.cc). */
  allocatorTuned(): boolean;

  unary(x: TypedArray, out: TypedArray, P: Float64Array): void;
  binary(a: TypedArray, b: TypedArray, out: TypedArray, P: Float64Array): void;
  where(cond: TypedArray, a: TypedArray, b: TypedArray, out: TypedArray, P: Float64Array): void;
  clamp(x: TypedArray, out: TypedArray, P: Float64Array): void;
  cast(x: TypedArray, out: TypedArray): void;
  reduce(x: TypedArray, out: TypedArray, P: Float64Array): void;
  argReduce(x: TypedArray, out: Int32Array, P: Float64Array): void;
  softmax(x: TypedArray, out: TypedArray, P: Float64Array): void;
  matmul(a: TypedArray, b: TypedArray, out: TypedArray, P: Float64Array): void;
  strided(x: TypedArray, out: TypedArray, P: Float64Array): void;
  unslice(x: TypedArray, out: TypedArray, P: Float64Array): void;
  concat(xs: readonly TypedArray[], out: TypedArray, P: Float64Array): void;
  im2col(x: TypedArray, cols: TypedArray, P: Float64Array): void;
  col2im(cols: TypedArray, x: TypedArray, P: Float64Array): void;
  /**
   * P: the im2col fields, then outChannels and groups; the third array is the output, which
   * conv2d and conv2dWeight overwrite and conv2dInput (zeroed) adds into. conv2dWeight's bias,
   * when given, is overwritten with g's sum per output channel.
   */
  conv2d(x: TypedArray, w: TypedArray, y: TypedArray, P: Float64Array, bias: TypedArray | null): void;
  conv2dInput(g: TypedArray, w: TypedArray, dx: TypedArray, P: Float64Array): void;
  conv2dWeight(x: TypedArray, g: TypedArray, dw: TypedArray, P: Float64Array, bias?: TypedArray): void;
  maxPool2d(x: TypedArray, values: TypedArray, argmax: Int32Array, P: Float64Array): void;
  maxPool2dBackward(g: TypedArray, argmax: Int32Array, dx: TypedArray, P: Float64Array): void;
  avgPool2d(x: TypedArray, y: TypedArray, P: Float64Array): void;
  avgPool2dBackward(g: TypedArray, dx: TypedArray, P: Float64Array): void;
  gather(x: TypedArray, index: Int32Array, out: TypedArray, P: Float64Array): void;
  scatterAdd(x: TypedArray, index: Int32Array, out: TypedArray, P: Float64Array): void;
  sgdStep(p: TypedArray, g: TypedArray, momentumBuf: TypedArray | null, P: Float64Array): void;
  adamStep(p: TypedArray, g: TypedArray, expAvg: TypedArray, expAvgSq: TypedArray, maxExpAvgSq: TypedArray | null, P: Float64Array): void;
  rmspropStep(p: TypedArray, g: TypedArray, squareAvg: TypedArray, gradAvg: TypedArray | null, momentumBuf: TypedArray | null, P: Float64Array): void;
}

// Op codes: the position in each list is the enum value in native/ (elementwise.cc, reduce.cc).
// A name missing here is a compile error, since each record is exhaustive over its union.
export const UNARY_CODES: Readonly<Record<UnaryOp, number>> = {
  neg: 0, exp: 1, log: 2, sqrt: 3, abs: 4, sign: 5, reciprocal: 6, square: 7,
  tanh: 8, sigmoid: 9, relu: 10, leakyRelu: 11, gelu: 12, erf: 13,
};

export const BINARY_CODES: Readonly<Record<BinaryOp, number>> = {
  add: 0, sub: 1, mul: 2, div: 3, pow: 4, maximum: 5, minimum: 6,
  eq: 7, ne: 8, lt: 9, le: 10, gt: 11, ge: 12, tanhGrad: 13, sigmoidGrad: 14, reluGrad: 15,
};

export const REDUCE_CODES: Readonly<Record<ReduceOp, number>> = { sum: 0, max: 1, min: 2, prod: 3 };

/** The highest rank the native kernels walk (kMaxRank in native/common.h); higher goes to js. */
export const NATIVE_MAX_RANK = 16;
