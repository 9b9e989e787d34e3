import { allocate, assertDType, dtypeOf, type DType, type TypedArray } from './dtype.js';
import { defaultGenerator, type Generator } from './random.js';
import { assertShape, formatShape, sizeOf } from './shape.js';
import { Tensor } from './tensor.js';

export interface TensorOptions {
  dtype?: DType;
  requiresGrad?: boolean;
}

export interface FromDataOptions extends TensorOptions {
  /** Required with a flat typed array or flat number array of more than one dimension. */
  shape?: readonly number[];
}

export interface RandomOptions extends TensorOptions {
  generator?: Generator;
}

type Nested = number | boolean | readonly Nested[];

/**
 * A tensor from a number, nested arrays, or a typed array. A typed array whose type matches the
 * dtype is taken without a copy; give `shape` to lay it out (otherwise it is 1-D).
 * @example
 * tensor([[1, 2], [3, 4]], { dtype: 'float64', requiresGrad: true });
 * tensor(new Float32Array(64 * 784), { shape: [64, 784] });
 */
export function tensor(data: Nested | TypedArray | Tensor, options: FromDataOptions = {}): Tensor {
  const requested = options.dtype === undefined ? undefined : assertDType(options.dtype, 'tensor: dtype');
  let values: TypedArray;
  let shape: number[];
  if (data instanceof Tensor) {
    values = data.data.slice();
    shape = data.shape.slice();
    if (requested !== undefined && requested !== data.dtype) values = convert(values, requested);
  } else if (ArrayBuffer.isView(data)) {
    if (!(data instanceof Float32Array || data instanceof Float64Array || data instanceof Int32Array)) {
      throw new TypeError(`tensor: data is a ${(data as object).constructor.name}; expected a Float32Array, Float64Array or Int32Array (or nested arrays of numbers)`);
    }
    values = requested === undefined || requested === dtypeOf(data) ? data : convert(data, requested);
    shape = [data.length];
  } else {
    shape = inferShape(data);
    values = allocate(requested ?? 'float32', sizeOf(shape));
    flattenInto(data, values, shape);
  }
  if (options.shape !== undefined) {
    const wanted = assertShape(options.shape, 'tensor: shape');
    if (sizeOf(wanted) !== values.length) {
      throw new RangeError(`tensor: shape ${formatShape(wanted)} holds ${sizeOf(wanted)} elements but the data has ${values.length}`);
    }
    shape = wanted;
  }
  const t = new Tensor(values, shape, dtypeOf(values));
  if (options.requiresGrad) t.requiresGrad_(true);
  return t;
}

function convert(values: TypedArray, dtype: DType): TypedArray {
  const out = allocate(dtype, values.length);
  if (dtype === 'int32') for (let i = 0; i < values.length; i++) out[i] = Math.trunc(values[i]);
  else out.set(values);
  return out;
}

function inferShape(data: Nested): number[] {
  const shape: number[] = [];
  let level: Nested = data;
  while (Array.isArray(level)) {
    shape.push(level.length);
    if (level.length === 0) break;
    level = level[0];
  }
  if (!Array.isArray(data) && typeof data !== 'number' && typeof data !== 'boolean') {
    throw new TypeError(`tensor: data must be a number, nested arrays of numbers, or a typed array; got ${describe(data)}`);
  }
  return shape;
}

function flattenInto(data: Nested, out: TypedArray, shape: readonly number[]): void {
  let k = 0;
  const walk = (value: Nested, dim: number, path: number[]): void => {
    if (dim === shape.length) {
      if (typeof value === 'number') out[k++] = value;
      else if (typeof value === 'boolean') out[k++] = value ? 1 : 0;
      else throw new TypeError(`tensor: ragged nested array: element at [${path.join(', ')}] is ${describe(value)}, expected a number (shape so far ${formatShape(shape)})`);
      return;
    }
    if (!Array.isArray(value) || value.length !== shape[dim]) {
      const got = Array.isArray(value) ? `an array of length ${value.length}` : describe(value);
      throw new TypeError(`tensor: ragged nested array: element at [${path.join(', ')}] is ${got}, expected an array of length ${shape[dim]} (shape ${formatShape(shape)})`);
    }
    for (let i = 0; i < value.length; i++) walk(value[i], dim + 1, [...path, i]);
  };
  walk(data, 0, []);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (value === null) return 'null';
  if (typeof value === 'object') return `a ${(value as object).constructor?.name ?? 'object'}`;
  return `${typeof value} ${JSON.stringify(value)}`;
}

function checkedShape(shape: readonly number[], fn: string): number[] {
  return assertShape(shape, `${fn}: shape`);
}

function make(values: TypedArray, shape: number[], options: TensorOptions): Tensor {
  const t = new Tensor(values, shape, dtypeOf(values));
  if (options.requiresGrad) t.requiresGrad_(true);
  return t;
}

function dtypeOption(options: TensorOptions, fn: string): DType {
  return options.dtype === undefined ? 'float32' : assertDType(options.dtype, `${fn}: dtype`);
}

/** A tensor of the given shape filled with one value. */
export function full(shape: readonly number[], value: number, options: TensorOptions = {}): Tensor {
  return filled(shape, value, options, 'full');
}

// `fn` is the public function the user called, so that its errors name it (not 'full').
function filled(shape: readonly number[], value: number, options: TensorOptions, fn: string): Tensor {
  const s = checkedShape(shape, fn);
  if (typeof value !== 'number') throw new TypeError(`${fn}: value must be a number, got ${describe(value)}`);
  const values = allocate(dtypeOption(options, fn), sizeOf(s));
  if (value !== 0) values.fill(value);
  return make(values, s, options);
}

export function zeros(shape: readonly number[], options: TensorOptions = {}): Tensor {
  return filled(shape, 0, options, 'zeros');
}

export function ones(shape: readonly number[], options: TensorOptions = {}): Tensor {
  return filled(shape, 1, options, 'ones');
}

export function zerosLike(t: Tensor, options: TensorOptions = {}): Tensor {
  return full(t.shape, 0, { dtype: t.dtype, ...options });
}

export function onesLike(t: Tensor, options: TensorOptions = {}): Tensor {
  return full(t.shape, 1, { dtype: t.dtype, ...options });
}

export function fullLike(t: Tensor, value: number, options: TensorOptions = {}): Tensor {
  return full(t.shape, value, { dtype: t.dtype, ...options });
}

/**
 * Values from start (inclusive) to end (exclusive) by step; arange(n) counts 0…n−1. The dtype
 * defaults to int32 when all arguments are integers, as in PyTorch.
 */
export function arange(start: number, end?: number, step = 1, options: TensorOptions = {}): Tensor {
  if (end === undefined) {
    end = start;
    start = 0;
  }
  for (const [name, v] of [['start', start], ['end', end], ['step', step]] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError(`arange: ${name} must be a finite number, got ${describe(v)}`);
  }
  if (step === 0) throw new RangeError('arange: step must not be 0');
  const n = Math.max(0, Math.ceil((end - start) / step));
  const integral = Number.isInteger(start) && Number.isInteger(end) && Number.isInteger(step);
  const dtype = options.dtype === undefined ? (integral ? 'int32' : 'float32') : assertDType(options.dtype, 'arange: dtype');
  const values = allocate(dtype, n);
  for (let i = 0; i < n; i++) values[i] = start + i * step;
  return make(values, [n], options);
}

/** The n×m identity matrix (m defaults to n). */
export function eye(n: number, m: number = n, options: TensorOptions = {}): Tensor {
  const s = checkedShape([n, m], 'eye');
  const values = allocate(dtypeOption(options, 'eye'), n * m);
  for (let i = 0; i < Math.min(n, m); i++) values[i * m + i] = 1;
  return make(values, s, options);
}

/** Uniform samples in [0, 1) from the seeded generator. */
export function rand(shape: readonly number[], options: RandomOptions = {}): Tensor {
  const s = checkedShape(shape, 'rand');
  const dtype = dtypeOption(options, 'rand');
  if (dtype === 'int32') throw new TypeError("rand: dtype must be 'float32' or 'float64' (use randint for integers)");
  const g = options.generator ?? defaultGenerator;
  const values = allocate(dtype, sizeOf(s));
  for (let i = 0; i < values.length; i++) values[i] = g.random();
  return make(values, s, options);
}

/** Standard normal samples from the seeded generator. */
export function randn(shape: readonly number[], options: RandomOptions = {}): Tensor {
  const s = checkedShape(shape, 'randn');
  const dtype = dtypeOption(options, 'randn');
  if (dtype === 'int32') throw new TypeError("randn: dtype must be 'float32' or 'float64'");
  const g = options.generator ?? defaultGenerator;
  const values = allocate(dtype, sizeOf(s));
  for (let i = 0; i < values.length; i++) values[i] = g.normal();
  return make(values, s, options);
}

/** Uniform integers in [low, high) as int32. */
export function randint(low: number, high: number, shape: readonly number[], options: RandomOptions = {}): Tensor {
  if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low) {
    throw new RangeError(`randint: expected integers low < high, got low=${low}, high=${high}`);
  }
  const s = checkedShape(shape, 'randint');
  const g = options.generator ?? defaultGenerator;
  const values = new Int32Array(sizeOf(s));
  for (let i = 0; i < values.length; i++) values[i] = g.integer(low, high);
  return make(values, s, { ...options, dtype: 'int32' });
}

