import type { DType, TypedArray } from '../tensor/dtype.js';
import type { Shape } from '../tensor/shape.js';

/**
 * Elementwise functions of one input. `leakyRelu` reads `param` as its negative slope; the
 * others ignore it. Masks (`stepPositive`: 1 where x > 0) serve derivative rules.
 */
export type UnaryOp =
  | 'neg' | 'exp' | 'log' | 'sqrt' | 'abs' | 'sign' | 'reciprocal' | 'square'
  | 'tanh' | 'sigmoid' | 'relu' | 'leakyRelu' | 'gelu' | 'erf';

/** Elementwise functions of two inputs; comparisons write 1 or 0. */
export type BinaryOp =
  | 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum'
  | 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';

export type ReduceOp = 'sum' | 'max' | 'min' | 'prod';
export type ArgReduceOp = 'argmax' | 'argmin';

/**
 * A batch of matrix products out[b] = op(A[b]) · op(B[b]) with op = transpose when the flag is
 * set. A[b] starts at b·strideA (0 repeats one matrix over the batch), likewise B.
 */
export interface MatmulParams {
  batch: number;
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
  strideA: number;
  strideB: number;
}

/**
 * The primitive kernels a backend provides: flat, contiguous, row-major typed arrays plus shapes
 * in; new typed arrays out. Never tensors, never graphs. Shapes have been checked by the core, so
 * kernels trust them. Every backend implements every kernel.
 */
export interface Backend {
  readonly name: string;
  unary(op: UnaryOp, x: TypedArray, outDtype: DType, param?: number): TypedArray;
  binary(op: BinaryOp, a: TypedArray, aShape: Shape, b: TypedArray, bShape: Shape, outShape: Shape, outDtype: DType): TypedArray;
  /** out = cond ≠ 0 ? a : b, all three broadcast to outShape. */
  where(cond: TypedArray, condShape: Shape, a: TypedArray, aShape: Shape, b: TypedArray, bShape: Shape, outShape: Shape, outDtype: DType): TypedArray;
  /** Clamps into [min, max]; either bound may be ±Infinity. */
  clamp(x: TypedArray, min: number, max: number): TypedArray;
  /** Reduces the given axes (sorted, distinct); the result has the kept dimensions in order. */
  reduce(op: ReduceOp, x: TypedArray, shape: Shape, axes: readonly number[]): TypedArray;
  /** Index of the first extreme value along one axis. */
  argReduce(op: ArgReduceOp, x: TypedArray, shape: Shape, axis: number): Int32Array;
  matmul(a: TypedArray, b: TypedArray, p: MatmulParams, outDtype: DType): TypedArray;
  /** out = x with its axes reordered: out dimension i is x dimension perm[i]. */
  permute(x: TypedArray, shape: Shape, perm: readonly number[]): TypedArray;
  /** Broadcasts x (of a shape broadcastable to outShape) into a new contiguous array. */
  expand(x: TypedArray, shape: Shape, outShape: Shape): TypedArray;
  /** Softmax (or log-softmax) along one axis, max-subtracted for stability. */
  softmax(x: TypedArray, shape: Shape, axis: number, log: boolean): TypedArray;
  /** The elements begin[d], begin[d]+step[d], … (outShape[d] of them) of each dimension. */
  slice(x: TypedArray, shape: Shape, begin: readonly number[], step: readonly number[], outShape: Shape): TypedArray;
  /** The inverse placement of slice: x (of sliceShape) written into zeros of outShape. */
  unslice(x: TypedArray, sliceShape: Shape, begin: readonly number[], step: readonly number[], outShape: Shape): TypedArray;
  /** Joins arrays along one axis; all other dimensions agree. */
  concat(xs: readonly TypedArray[], shapes: readonly Shape[], axis: number, outDtype: DType): TypedArray;
  cast(x: TypedArray, dtype: DType): TypedArray;
  /**
   * out[…, i, …] = x[…, index[…, i, …], …] along `axis` (PyTorch's gather): index has x's rank
   * and is no larger than x in the other dimensions. Indices were checked by the core.
   */
  gather(x: TypedArray, shape: Shape, index: Int32Array, indexShape: Shape, axis: number): TypedArray;
  /** The adjoint of gather: zeros of outShape, with each x element added at its index. */
  scatterAdd(x: TypedArray, index: Int32Array, indexShape: Shape, axis: number, outShape: Shape): TypedArray;
}
