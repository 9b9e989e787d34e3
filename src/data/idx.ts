import { formatShape, sizeOf } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { TensorDataset } from './dataset.js';

/** The element types of the IDX format, by name. */
export type IdxType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';
export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/** An n-dimensional array as an IDX file holds it. */
export interface IdxArray {
  type: IdxType;
  shape: number[];
  /** Row-major elements, converted from the file's big-endian bytes. */
  data: IdxData;
}

// The third byte of the magic number names the element type (LeCun's MNIST page).
const TYPE_CODES: Record<number, IdxType> = { 0x08: 'uint8', 0x09: 'int8', 0x0b: 'int16', 0x0c: 'int32', 0x0d: 'float32', 0x0e: 'float64' };
const CODE_OF: Record<IdxType, number> = { uint8: 0x08, int8: 0x09, int16: 0x0b, int32: 0x0c, float32: 0x0d, float64: 0x0e };
const BYTES: Record<IdxType, number> = { uint8: 1, int8: 1, int16: 2, int32: 4, float32: 4, float64: 8 };

/**
 * Decodes an IDX file (the format of MNIST's train-images-idx3-ubyte and friends): a magic
 * number 0x0000TTNN (type TT, NN dimensions), NN big-endian int32 sizes, then the elements,
 * big-endian. `name` (a file name, say) goes into the error messages.
 */
export function parseIdx(bytes: Uint8Array, name = 'IDX data'): IdxArray {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`parseIdx(${name}): expected a Uint8Array of the file's bytes`);
  if (bytes.length < 4) throw new RangeError(`parseIdx(${name}): truncated: ${bytes.length} bytes, fewer than the 4 of the magic number`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  const type = TYPE_CODES[bytes[2]];
  if (bytes[0] !== 0 || bytes[1] !== 0 || type === undefined || bytes[3] === 0) {
    throw new RangeError(
      `parseIdx(${name}): bad magic number 0x${magic.toString(16).padStart(8, '0')}; an IDX file starts with 0x0000TTNN, ` +
      'TT the type (08 uint8, 09 int8, 0B int16, 0C int32, 0D float32, 0E float64) and NN ≥ 1 the number of dimensions ' +
      '(MNIST images: 0x00000803, labels: 0x00000801). Is this a gzip file, or not an IDX file at all?',
    );
  }
  const ndim = bytes[3];
  const headerBytes = 4 + 4 * ndim;
  if (bytes.length < headerBytes) {
    throw new RangeError(`parseIdx(${name}): truncated: the header of ${ndim} dimensions needs ${headerBytes} bytes, the data has ${bytes.length}`);
  }
  const shape: number[] = [];
  for (let d = 0; d < ndim; d++) shape.push(view.getUint32(4 + 4 * d));
  const count = sizeOf(shape);
  const size = BYTES[type];
  const expected = headerBytes + count * size;
  if (bytes.length < expected) {
    throw new RangeError(`parseIdx(${name}): truncated: shape ${formatShape(shape)} of ${type} needs ${expected} bytes, the data has ${bytes.length}`);
  }
  if (bytes.length > expected) {
    throw new RangeError(`parseIdx(${name}): ${bytes.length - expected} bytes after the last element of shape ${formatShape(shape)} (${type}); the file is damaged or not what its header says`);
  }
  return { type, shape, data: readElements(view, headerBytes, type, count) };
}

function readElements(view: DataView, at: number, type: IdxType, count: number): IdxData {
  switch (type) {
    case 'uint8': return new Uint8Array(view.buffer, view.byteOffset + at, count).slice();
    case 'int8': return new Int8Array(view.buffer, view.byteOffset + at, count).slice();
    case 'int16': { const out = new Int16Array(count); for (let i = 0; i < count; i++) out[i] = view.getInt16(at + 2 * i); return out; }
    case 'int32': { const out = new Int32Array(count); for (let i = 0; i < count; i++) out[i] = view.getInt32(at + 4 * i); return out; }
    case 'float32': { const out = new Float32Array(count); for (let i = 0; i < count; i++) out[i] = view.getFloat32(at + 4 * i); return out; }
    case 'float64': { const out = new Float64Array(count); for (let i = 0; i < count; i++) out[i] = view.getFloat64(at + 8 * i); return out; }
  }
}

/** Encodes an array in the IDX format (the inverse of parseIdx). */
export function encodeIdx(array: IdxArray): Uint8Array {
  const { type, shape, data } = array;
  if (CODE_OF[type] === undefined) throw new TypeError(`encodeIdx: unknown type ${JSON.stringify(type)}`);
  if (shape.length < 1 || shape.length > 255) throw new RangeError(`encodeIdx: an IDX array has 1 to 255 dimensions, got ${shape.length}`);
  if (shape.some((d) => !Number.isInteger(d) || d < 0 || d > 0xffffffff)) throw new RangeError(`encodeIdx: bad shape ${formatShape(shape)}`);
  const count = sizeOf(shape);
  if (data.length !== count) throw new RangeError(`encodeIdx: shape ${formatShape(shape)} holds ${count} elements but data has ${data.length}`);
  const at = 4 + 4 * shape.length;
  const bytes = new Uint8Array(at + count * BYTES[type]);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, (CODE_OF[type] << 8) | shape.length);
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  for (let i = 0; i < count; i++) {
    const v = data[i];
    switch (type) {
      case 'uint8': view.setUint8(at + i, v); break;
      case 'int8': view.setInt8(at + i, v); break;
      case 'int16': view.setInt16(at + 2 * i, v); break;
      case 'int32': view.setInt32(at + 4 * i, v); break;
      case 'float32': view.setFloat32(at + 4 * i, v); break;
      case 'float64': view.setFloat64(at + 8 * i, v); break;
    }
  }
  return bytes;
}

/**
 * MNIST-style images and labels as a dataset: x float32 [N, rows·cols] scaled from bytes to
 * [0, 1], y int32 [N]. Works for any uint8 image file with one label per image (Fashion-MNIST,
 * EMNIST).
 */
export function imagesAndLabels(images: IdxArray, labels: IdxArray): TensorDataset {
  if (images.type !== 'uint8' || images.shape.length < 2) {
    throw new RangeError(`imagesAndLabels: images must be uint8 of shape [N, rows, cols] (MNIST magic 0x00000803), got ${images.type} ${formatShape(images.shape)}`);
  }
  if (labels.type !== 'uint8' || labels.shape.length !== 1) {
    throw new RangeError(`imagesAndLabels: labels must be uint8 of shape [N] (MNIST magic 0x00000801), got ${labels.type} ${formatShape(labels.shape)}`);
  }
  const n = images.shape[0];
  if (labels.shape[0] !== n) throw new RangeError(`imagesAndLabels: ${n} images but ${labels.shape[0]} labels`);
  const pixels = sizeOf(images.shape.slice(1));
  const x = new Float32Array(n * pixels);
  const src = images.data;
  for (let i = 0; i < x.length; i++) x[i] = src[i] / 255;
  return new TensorDataset(new Tensor(x, [n, pixels], 'float32'), new Tensor(Int32Array.from(labels.data), [n], 'int32'));
}
