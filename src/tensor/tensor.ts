import type { Node } from '../ops/op.js';
import * as ops from '../ops/index.js';
import { backward, type BackwardOptions } from '../autograd/backward.js';
import { formatTensor, toNested, type NestedArray } from './format.js';
import { dtypeOf, isFloat, type DType, type TypedArray } from './dtype.js';
import { formatShape, type Shape } from './shape.js';

/** A number, or a tensor: what binary ops accept as their other operand. */
export type TensorLike = Tensor | number;

/**
 * An n-dimensional array of float32, float64 or int32 values in one contiguous, row-major typed
 * array, with the autograd state of the lectures' graph: whether it requires grad, the node that
 * produced it (`gradFn`), and the accumulated gradient of a leaf (`grad`).
 *
 * Make tensors with `tensor`, `zeros`, `randn`…; the constructor trusts its arguments.
 */
export class Tensor {
  /** Gradient accumulated here by backward() (leaves, and tensors that called retainGrad). */
  grad: Tensor | null = null;
  /** The node that produced this tensor; null for leaves. */
  gradFn: Node | null = null;
  private requires = false;
  private retains = false;
  /** @internal Scratch state of a running backward pass. */
  pending: Tensor | null = null;
  /** @internal Whether `pending` is a sum this pass allocated, so it may be added into in place. */
  pendingOwned = false;
  /** @internal Visit mark of a running backward pass. */
  mark = 0;

  /** @internal */
  constructor(
    /** The elements, row-major. Shared, not copied, by reshape-like ops. */
    public readonly data: TypedArray,
    readonly shape: Shape,
    public readonly dtype: DType,
  ) {}

  /**
   * @internal Swaps in new storage of the same shape (possibly another dtype), keeping this
   * tensor's identity: what Module.to(dtype) needs so optimizers keep their parameters.
   */
  replaceData(data: TypedArray): void {
    if (data.length !== this.data.length) {
      throw new RangeError(`replaceData: new storage has ${data.length} elements, the tensor has ${this.data.length}`);
    }
    (this as { data: TypedArray }).data = data;
    (this as { dtype: DType }).dtype = dtypeOf(data);
  }

  get requiresGrad(): boolean {
    return this.requires;
  }

  set requiresGrad(flag: boolean) {
    this.requiresGrad_(flag);
  }

  /**
   * Asks backward() for this leaf's gradient. Only float tensors can require grad.
   * @example
   * const w = randn([3, 2]).requiresGrad_();
   */
  requiresGrad_(flag = true): this {
    if (flag && !isFloat(this.dtype)) {
      throw new TypeError(`requiresGrad: only float tensors can require gradients; this tensor is ${this.dtype} (use .to('float32') first)`);
    }
    if (!flag && this.gradFn !== null) {
      throw new Error('requiresGrad: cannot turn off requiresGrad on a non-leaf tensor; use .detach() to get a tensor without history');
    }
    this.requires = flag;
    return this;
  }

  /** @internal Set by the engine on an op's output. */
  markRequiresGrad(): void {
    this.requires = true;
  }

  /** Keeps .grad on this non-leaf tensor after backward(), as PyTorch's retain_grad(). */
  retainGrad(): this {
    if (!this.requires) throw new Error('retainGrad: this tensor does not require grad, so it will have no gradient');
    this.retains = true;
    return this;
  }

  get retainsGrad(): boolean {
    return this.retains || this.gradFn === null;
  }

  /** True for tensors made by the user rather than by an op that recorded a node. */
  get isLeaf(): boolean {
    return this.gradFn === null;
  }

  get ndim(): number {
    return this.shape.length;
  }

  /** The number of elements. */
  get size(): number {
    return this.data.length;
  }

  numel(): number {
    return this.data.length;
  }

  /** The elements as nested arrays (a number for a 0-d tensor). */
  toArray(): NestedArray {
    return toNested(this.data, this.shape);
  }

  /** The value of a one-element tensor. */
  item(): number {
    if (this.data.length !== 1) {
      throw new RangeError(`item: only a tensor with one element has an item; this one has shape ${formatShape(this.shape)} (${this.data.length} elements)`);
    }
    return this.data[0];
  }

  /** The same values without history, sharing the data. */
  detach(): Tensor {
    return new Tensor(this.data, this.shape, this.dtype);
  }

  toString(): string {
    return formatTensor(this);
  }

  /**
   * Backpropagates from this tensor: fills .grad of every leaf that requires grad. A scalar needs
   * no argument; otherwise pass the gradient of the final result with respect to this tensor.
   */
  backward(gradient?: Tensor | BackwardOptions, options?: BackwardOptions): void {
    if (gradient instanceof Tensor || gradient === undefined) backward(this, gradient ?? null, options ?? {});
    else backward(this, null, gradient);
  }

  // Elementwise arithmetic, with broadcasting and number operands.
  add(other: TensorLike): Tensor { return ops.add(this, other); }
  sub(other: TensorLike): Tensor { return ops.sub(this, other); }
  mul(other: TensorLike): Tensor { return ops.mul(this, other); }
  div(other: TensorLike): Tensor { return ops.div(this, other); }
  pow(exponent: TensorLike): Tensor { return ops.pow(this, exponent); }
  maximum(other: TensorLike): Tensor { return ops.maximum(this, other); }
  minimum(other: TensorLike): Tensor { return ops.minimum(this, other); }
  neg(): Tensor { return ops.neg(this); }
  exp(): Tensor { return ops.exp(this); }
  log(): Tensor { return ops.log(this); }
  sqrt(): Tensor { return ops.sqrt(this); }
  square(): Tensor { return ops.square(this); }
  abs(): Tensor { return ops.abs(this); }
  sign(): Tensor { return ops.sign(this); }
  erf(): Tensor { return ops.erf(this); }
  clamp(min: number | null, max?: number | null): Tensor { return ops.clamp(this, min, max ?? null); }

  // Activations.
  sigmoid(): Tensor { return ops.sigmoid(this); }
  tanh(): Tensor { return ops.tanh(this); }
  relu(): Tensor { return ops.relu(this); }
  leakyRelu(negativeSlope = 0.01): Tensor { return ops.leakyRelu(this, negativeSlope); }
  gelu(): Tensor { return ops.gelu(this); }
  softmax(dim: number): Tensor { return ops.softmax(this, dim); }
  logSoftmax(dim: number): Tensor { return ops.logSoftmax(this, dim); }

  // Comparisons: int32 masks of 1 and 0.
  eq(other: TensorLike): Tensor { return ops.eq(this, other); }
  ne(other: TensorLike): Tensor { return ops.ne(this, other); }
  lt(other: TensorLike): Tensor { return ops.lt(this, other); }
  le(other: TensorLike): Tensor { return ops.le(this, other); }
  gt(other: TensorLike): Tensor { return ops.gt(this, other); }
  ge(other: TensorLike): Tensor { return ops.ge(this, other); }

  // Reductions: over everything, or over dim (a number or a list) keeping it with keepdim.
  sum(dim?: number | readonly number[] | null, keepdim = false): Tensor { return ops.sum(this, dim, keepdim); }
  mean(dim?: number | readonly number[] | null, keepdim = false): Tensor { return ops.mean(this, dim, keepdim); }
  max(dim?: number | readonly number[] | null, keepdim = false): Tensor { return ops.max(this, dim, keepdim); }
  min(dim?: number | readonly number[] | null, keepdim = false): Tensor { return ops.min(this, dim, keepdim); }
  argmax(dim?: number | null, keepdim = false): Tensor { return ops.argmax(this, dim, keepdim); }
  argmin(dim?: number | null, keepdim = false): Tensor { return ops.argmin(this, dim, keepdim); }

  // Linear algebra and shape.
  matmul(other: Tensor): Tensor { return ops.matmul(this, other); }
  /** Values picked along dim by an int32 index of the same rank (PyTorch's gather). */
  gather(dim: number, index: Tensor): Tensor { return ops.gather(this, dim, index); }
  /** All dimensions reversed (the transpose of a matrix). */
  get T(): Tensor { return ops.permute(this, this.shape.map((_, i) => this.shape.length - 1 - i)); }
  /** The last two dimensions swapped (a batch of transposes). */
  get mT(): Tensor { return ops.transpose(this, -2, -1); }
  transpose(dim0: number, dim1: number): Tensor { return ops.transpose(this, dim0, dim1); }
  permute(...dims: number[]): Tensor { return ops.permute(this, dims); }
  reshape(...shape: number[] | [readonly number[]]): Tensor { return ops.reshape(this, flatArgs(shape)); }
  view(...shape: number[] | [readonly number[]]): Tensor { return ops.reshape(this, flatArgs(shape)); }
  flatten(startDim = 0, endDim = -1): Tensor { return ops.flatten(this, startDim, endDim); }
  squeeze(dim?: number | readonly number[]): Tensor { return ops.squeeze(this, dim); }
  unsqueeze(dim: number): Tensor { return ops.unsqueeze(this, dim); }
  expand(...shape: number[] | [readonly number[]]): Tensor { return ops.expand(this, flatArgs(shape)); }
  /** Elements start, start+step, … below end along one dimension (negative indices count from the end). */
  slice(dim: number, start?: number | null, end?: number | null, step = 1): Tensor { return ops.slice(this, dim, start ?? null, end ?? null, step); }
  /** A copy with its own storage. */
  clone(): Tensor { return ops.clone(this); }
  /** A converted copy (or this tensor when the dtype already matches). */
  to(dtype: DType): Tensor { return ops.cast(this, dtype); }
  float(): Tensor { return ops.cast(this, 'float32'); }
  double(): Tensor { return ops.cast(this, 'float64'); }
  int(): Tensor { return ops.cast(this, 'int32'); }
}

function flatArgs(args: number[] | [readonly number[]]): readonly number[] {
  return args.length === 1 && Array.isArray(args[0]) ? args[0] : (args as number[]);
}
