/** The element types a tensor can hold. */
export type DType = 'float32' | 'float64' | 'int32';

/** The typed array that stores each dtype. */
export type TypedArray = Float32Array | Float64Array | Int32Array;
export type FloatArray = Float32Array | Float64Array;

export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32'];

export function isDType(value: unknown): value is DType {
  return value === 'float32' || value === 'float64' || value === 'int32';
}

export function assertDType(value: unknown, argName = 'dtype'): DType {
  if (!isDType(value)) {
    throw new TypeError(`${argName}: unknown dtype ${JSON.stringify(value)}; expected one of 'float32', 'float64', 'int32'`);
  }
  return value;
}

export function isFloat(dtype: DType): boolean {
  return dtype !== 'int32';
}

/** The typed-array class of each dtype, for views over an existing buffer. */
export const ARRAY_TYPES = { float32: Float32Array, float64: Float64Array, int32: Int32Array } as const;

export function allocate(dtype: DType, size: number): TypedArray {
  switch (dtype) {
    case 'float32': return new Float32Array(size);
    case 'float64': return new Float64Array(size);
    case 'int32': return new Int32Array(size);
  }
}

export function dtypeOf(data: TypedArray): DType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  return 'int32';
}

/** PyTorch's promotion among our dtypes: any float64 wins, then any float32, else int32. */
export function promote(a: DType, b: DType): DType {
  if (a === b) return a;
  if (a === 'float64' || b === 'float64') return 'float64';
  return 'float32';
}

/** The float dtype an op such as exp or div produces from an input dtype. */
export function floatOf(dtype: DType): 'float32' | 'float64' {
  return dtype === 'float64' ? 'float64' : 'float32';
}
