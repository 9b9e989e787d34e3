// Tensor data in files is little-endian. Every engine chainrule runs on is little-endian too, so
// the byte copies below are the path taken; the DataView loops keep a big-endian host correct.
import type { TypedArray } from '../tensor/dtype.js';

export const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Writes the elements of `data` into `out` at byte offset `at`, little-endian. */
export function writeLittleEndian(data: TypedArray, out: Uint8Array, at: number): void {
  if (LITTLE_ENDIAN) {
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), at);
    return;
  }
  const view = new DataView(out.buffer, out.byteOffset + at, data.byteLength);
  const step = data.BYTES_PER_ELEMENT;
  for (let i = 0; i < data.length; i++) {
    if (data instanceof Float64Array) view.setFloat64(i * step, data[i], true);
    else if (data instanceof Float32Array) view.setFloat32(i * step, data[i], true);
    else view.setInt32(i * step, data[i], true);
  }
}

/** The little-endian bytes of `data`, in a new array. */
export function littleEndianBytes(data: TypedArray): Uint8Array {
  const out = new Uint8Array(data.byteLength);
  writeLittleEndian(data, out, 0);
  return out;
}

/** Integers as little-endian int64 bytes (ONNX's shape and axis tensors). */
export function int64Bytes(values: readonly number[]): Uint8Array {
  const out = new Uint8Array(values.length * 8);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
  return out;
}
