import { allocate, type TypedArray } from '../tensor/dtype.js';
import { formatShape, sameShape, sizeOf } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';

/** One example or one batch: the input and its target. */
export type Sample = [x: Tensor, y: Tensor];

/**
 * A finite, indexable collection of (input, target) pairs, as PyTorch's map-style Dataset.
 * `getBatch` is optional: a dataset that can copy many rows at once (TensorDataset does) gives
 * the DataLoader one copy per batch instead of one small tensor per example.
 */
export interface Dataset {
  /** The number of examples. */
  readonly length: number;
  /** Example i (0 ≤ i < length): its input and target without a batch dimension. */
  get(index: number): Sample;
  /** Examples at these indices stacked along a new first (batch) dimension. */
  getBatch?(indices: ArrayLike<number>): Sample;
}

/**
 * Examples held as two tensors whose first dimension indexes the example: x of shape [N, …] and
 * y of shape [N, …] (class labels are int32 [N]).
 * @example
 * const ds = new TensorDataset(randn([100, 4]), randint(0, 3, [100]));
 * const [x0, y0] = ds.get(0);   // shapes [4] and []
 */
export class TensorDataset implements Dataset {
  readonly x: Tensor;
  readonly y: Tensor;

  constructor(x: Tensor, y: Tensor) {
    if (!(x instanceof Tensor) || !(y instanceof Tensor)) throw new TypeError('TensorDataset: x and y must be Tensors');
    if (x.ndim === 0 || y.ndim === 0) {
      throw new RangeError(`TensorDataset: x and y need a first (example) dimension; got shapes ${formatShape(x.shape)} and ${formatShape(y.shape)}`);
    }
    if (x.shape[0] !== y.shape[0]) {
      throw new RangeError(`TensorDataset: x has ${x.shape[0]} examples (shape ${formatShape(x.shape)}) but y has ${y.shape[0]} (shape ${formatShape(y.shape)}); the first dimensions must agree`);
    }
    // Detached so that batches never carry a user's graph into training.
    this.x = x.detach();
    this.y = y.detach();
  }

  get length(): number {
    return this.x.shape[0];
  }

  get(index: number): Sample {
    checkIndex(index, this.length, 'TensorDataset.get');
    return [row(this.x, index), row(this.y, index)];
  }

  getBatch(indices: ArrayLike<number>): Sample {
    for (let i = 0; i < indices.length; i++) checkIndex(indices[i], this.length, 'TensorDataset.getBatch');
    return [gatherRows(this.x, indices), gatherRows(this.y, indices)];
  }
}

/**
 * The examples of another dataset at the given indices, in that order (PyTorch's Subset).
 * @example
 * const firstThousand = new Subset(train, Array.from({ length: 1000 }, (_, i) => i));
 */
export class Subset implements Dataset {
  readonly indices: Int32Array;

  constructor(readonly dataset: Dataset, indices: ArrayLike<number>) {
    this.indices = Int32Array.from(indices as ArrayLike<number>);
    for (let i = 0; i < this.indices.length; i++) {
      if (this.indices[i] !== indices[i]) throw new TypeError(`Subset: indices[${i}] = ${indices[i]} is not an integer`);
      checkIndex(this.indices[i], dataset.length, 'Subset');
    }
  }

  get length(): number {
    return this.indices.length;
  }

  get(index: number): Sample {
    checkIndex(index, this.length, 'Subset.get');
    return this.dataset.get(this.indices[index]);
  }

  getBatch(indices: ArrayLike<number>): Sample {
    const mapped = new Int32Array(indices.length);
    for (let i = 0; i < indices.length; i++) {
      checkIndex(indices[i], this.length, 'Subset.getBatch');
      mapped[i] = this.indices[indices[i]];
    }
    return fetchBatch(this.dataset, mapped);
  }
}

/** A batch from any dataset: its own getBatch when it has one, else its examples stacked. */
export function fetchBatch(dataset: Dataset, indices: ArrayLike<number>): Sample {
  if (dataset.getBatch !== undefined) return dataset.getBatch(indices);
  const xs: Tensor[] = [];
  const ys: Tensor[] = [];
  for (let i = 0; i < indices.length; i++) {
    const sample = dataset.get(indices[i]);
    if (!Array.isArray(sample) || !(sample[0] instanceof Tensor) || !(sample[1] instanceof Tensor)) {
      throw new TypeError(`Dataset.get(${indices[i]}) must return [x, y], a pair of Tensors`);
    }
    xs.push(sample[0]);
    ys.push(sample[1]);
  }
  return [stackCopies(xs, 'x', indices), stackCopies(ys, 'y', indices)];
}

function checkIndex(index: number, length: number, where: string): void {
  if (!Number.isInteger(index) || index < 0 || index >= length) {
    throw new RangeError(`${where}: index ${index} is out of range for a dataset of ${length} examples`);
  }
}

function rowSize(t: Tensor): number {
  return sizeOf(t.shape.slice(1));
}

function row(t: Tensor, index: number): Tensor {
  const n = rowSize(t);
  // A copy, so that nothing done to an example can change the dataset.
  return new Tensor(t.data.slice(index * n, (index + 1) * n), t.shape.slice(1), t.dtype);
}

/** Rows of t at the indices, copied into one new typed array. */
export function gatherRows(t: Tensor, indices: ArrayLike<number>): Tensor {
  const n = rowSize(t);
  const out = allocate(t.dtype, indices.length * n);
  const src = t.data;
  if (n === 1) {
    for (let i = 0; i < indices.length; i++) out[i] = src[indices[i]];
  } else {
    for (let i = 0; i < indices.length; i++) {
      const start = indices[i] * n;
      (out as TypedArray).set(src.subarray(start, start + n), i * n);
    }
  }
  return new Tensor(out, [indices.length, ...t.shape.slice(1)], t.dtype);
}

function stackCopies(parts: Tensor[], what: string, indices: ArrayLike<number>): Tensor {
  const first = parts[0];
  const n = first.size;
  const out = allocate(first.dtype, parts.length * n);
  parts.forEach((t, i) => {
    if (!sameShape(t.shape, first.shape) || t.dtype !== first.dtype) {
      throw new RangeError(`DataLoader: example ${indices[i]} has ${what} of shape ${formatShape(t.shape)} (${t.dtype}) but example ${indices[0]} has ${formatShape(first.shape)} (${first.dtype}); a batch needs equal shapes and dtypes`);
    }
    out.set(t.data, i * n);
  });
  return new Tensor(out, [parts.length, ...first.shape], first.dtype);
}
