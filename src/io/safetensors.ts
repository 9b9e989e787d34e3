// The safetensors format: an 8-byte little-endian header length N, N bytes of JSON naming each
// tensor's dtype, shape and byte range, then the raw little-endian data. Readers in PyTorch,
// JAX, Rust and the browser share it, and it cannot carry code, unlike pickle.
import type { DType, TypedArray } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { LITTLE_ENDIAN, writeLittleEndian } from './little-endian.js';
import { setOwn } from './own-property.js';
import { decodeUtf8, encodeUtf8 } from './text.js';

/** String metadata stored in the header under `__metadata__`. */
export type Metadata = Record<string, string>;

/** What a safetensors file holds: tensors by name, and the header's metadata. */
export interface SafetensorsContents {
  tensors: Record<string, Tensor>;
  metadata: Metadata;
}

/** One tensor as the header describes it (offsets count from the start of the data section). */
export interface SafetensorsEntry {
  dtype: string;
  shape: number[];
  dataOffsets: [number, number];
}

/** The parsed header, checked against the file's length, and where the data section starts. */
export interface SafetensorsHeader {
  entries: Map<string, SafetensorsEntry>;
  metadata: Metadata;
  dataStart: number;
}

// The official implementation refuses headers over 100 MB; so do we, before allocating anything.
const MAX_HEADER = 100_000_000;
const READABLE: Record<string, { bytes: number; dtype: DType }> = {
  F64: { bytes: 8, dtype: 'float64' },
  F32: { bytes: 4, dtype: 'float32' },
  I32: { bytes: 4, dtype: 'int32' },
  // PyTorch stores integer buffers (BatchNorm's num_batches_tracked) as int64: read into int32.
  I64: { bytes: 8, dtype: 'int32' },
};
const UNREADABLE = new Set(['BOOL', 'U8', 'I8', 'U16', 'I16', 'F16', 'BF16', 'U32', 'U64', 'F8_E4M3', 'F8_E5M2', 'F8_E8M0', 'F4', 'F6_E2M3', 'F6_E3M2', 'C64']);
const WRITTEN: Record<DType, { code: string; bytes: number; rank: number }> = {
  // The official writer orders tensors by dtype (wider first), then name, so every tensor starts
  // at a multiple of its element size once the header is padded to 8 bytes.
  float64: { code: 'F64', bytes: 8, rank: 0 },
  float32: { code: 'F32', bytes: 4, rank: 1 },
  int32: { code: 'I32', bytes: 4, rank: 2 },
};

/**
 * Encodes named tensors (float32 → F32, float64 → F64, int32 → I32) and string metadata as a
 * safetensors file.
 * @example
 * const bytes = io.encodeSafetensors({ w: randn([2, 3]) }, { note: 'demo' });
 */
export function encodeSafetensors(tensors: Record<string, Tensor> | ReadonlyMap<string, Tensor>, metadata: Metadata = {}): Uint8Array {
  const list = [...(tensors instanceof Map ? tensors : Object.entries(tensors))] as [string, unknown][];
  for (const [name, t] of list) {
    if (name === '' || name === '__metadata__') throw new RangeError(`encodeSafetensors: ${JSON.stringify(name)} cannot name a tensor`);
    if (!(t instanceof Tensor)) throw new TypeError(`encodeSafetensors: '${name}' must be a Tensor, got ${t === null ? 'null' : typeof t}`);
  }
  checkMetadata(metadata, 'encodeSafetensors');
  const sorted = (list as [string, Tensor][]).slice().sort(([a, ta], [b, tb]) => WRITTEN[ta.dtype].rank - WRITTEN[tb.dtype].rank || (a < b ? -1 : a > b ? 1 : 0));
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of sorted) {
    const size = t.data.length * WRITTEN[t.dtype].bytes;
    setOwn(header, name, { dtype: WRITTEN[t.dtype].code, shape: t.shape.slice(), data_offsets: [offset, offset + size] });
    offset += size;
  }
  const json = encodeUtf8(JSON.stringify(header));
  // Spaces after the JSON (which the format allows) keep the data section 8-byte aligned.
  const headerLength = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLength + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, headerLength, true);
  view.setUint32(4, Math.floor(headerLength / 2 ** 32), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);
  let at = 8 + headerLength;
  for (const [, t] of sorted) {
    writeLittleEndian(t.data, out, at);
    at += t.data.length * WRITTEN[t.dtype].bytes;
  }
  return out;
}

/**
 * Reads a safetensors file's tensors (copies, independent of `bytes`) and metadata. Everything in
 * the header is checked against the file first; any problem is one error that names it.
 */
export function decodeSafetensors(input: Uint8Array): SafetensorsContents {
  const { entries, metadata, dataStart } = readSafetensorsHeader(input);
  // A plain view: a Node Buffer's slice() shares memory where Uint8Array's copies.
  const bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  const tensors: Record<string, Tensor> = {};
  for (const [name, entry] of entries) {
    const kind = READABLE[entry.dtype];
    const begin = dataStart + entry.dataOffsets[0];
    const count = (entry.dataOffsets[1] - entry.dataOffsets[0]) / kind.bytes;
    const data = readLittleEndian(bytes, begin, count, entry.dtype, name);
    setOwn(tensors, name, new Tensor(data, entry.shape.slice(), kind.dtype));
  }
  return { tensors, metadata };
}

/** Parses and checks the header alone: names, dtypes, shapes and byte ranges, and the metadata. */
export function readSafetensorsHeader(bytes: Uint8Array): SafetensorsHeader {
  const fail = (message: string): never => {
    throw new RangeError(`safetensors: ${message}`);
  };
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`safetensors: expected the file's bytes as a Uint8Array, got ${bytes === null ? 'null' : typeof bytes}`);
  if (bytes.length < 8) fail(`the file is ${bytes.length} bytes long, too short for the 8-byte header length (truncated, or not a safetensors file)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const high = view.getUint32(4, true);
  const headerLength = high * 2 ** 32 + view.getUint32(0, true);
  if (high !== 0 || headerLength > MAX_HEADER) fail(`the header length field says ${headerLength} bytes, more than the 100 MB a header may have (not a safetensors file?)`);
  if (8 + headerLength > bytes.length) {
    fail(`the header length field says ${headerLength} bytes but only ${bytes.length - 8} follow it (the file is truncated or the length is corrupt)`);
  }
  let text: string;
  try {
    text = decodeUtf8(bytes.subarray(8, 8 + headerLength));
  } catch {
    return fail('the header is not valid UTF-8 (corrupt file?)');
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (error) {
    return fail(`the header is not valid JSON (${(error as Error).message}); it starts ${JSON.stringify(text.slice(0, 40))}`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) fail('the header must be a JSON object of name → {dtype, shape, data_offsets}');
  const fields = header as Record<string, unknown>;
  const metadata: Metadata = {};
  if ('__metadata__' in fields) {
    const raw = fields.__metadata__;
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) fail('__metadata__ must be an object of string values');
    for (const [key, value] of Object.entries(raw as object)) {
      if (typeof value !== 'string') fail(`__metadata__['${key}'] must be a string, got ${JSON.stringify(value)}`);
      setOwn(metadata, key, value as string);
    }
  }
  const dataLength = bytes.length - 8 - headerLength;
  const entries = new Map<string, SafetensorsEntry>();
  for (const [name, raw] of Object.entries(fields)) {
    if (name !== '__metadata__') entries.set(name, readEntry(name, raw, fail));
  }
  checkLayout(entries, dataLength, fail);
  return { entries, metadata, dataStart: 8 + headerLength };
}

function readEntry(name: string, raw: unknown, fail: (message: string) => never): SafetensorsEntry {
  const where = `tensor '${name}'`;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) fail(`${where} must be described by an object {dtype, shape, data_offsets}`);
  const { dtype, shape, data_offsets: offsets } = raw as Record<string, unknown>;
  if (typeof dtype !== 'string') fail(`${where} has no dtype string`);
  const d = dtype as string;
  if (!(d in READABLE)) {
    if (UNREADABLE.has(d)) fail(`${where} has dtype ${d}, which chainrule cannot read (it reads F32, F64, I32 and I64; convert in PyTorch with .float() before saving)`);
    fail(`${where} has unknown dtype ${JSON.stringify(d)}`);
  }
  if (!Array.isArray(shape) || !shape.every((n) => Number.isSafeInteger(n) && n >= 0)) fail(`${where} has shape ${JSON.stringify(shape)}; expected a list of non-negative integers`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((n) => Number.isSafeInteger(n) && n >= 0)) {
    fail(`${where} has data_offsets ${JSON.stringify(offsets)}; expected [begin, end], two non-negative integers`);
  }
  const [begin, end] = offsets as number[];
  if (begin > end) fail(`${where} has data_offsets [${begin}, ${end}], which run backwards`);
  const count = (shape as number[]).reduce((a, b) => a * b, 1);
  const need = count * READABLE[d].bytes;
  if (!Number.isSafeInteger(need) || end - begin !== need) {
    fail(`${where}: shape ${JSON.stringify(shape)} of ${d} needs ${need} bytes, but data_offsets [${begin}, ${end}] span ${end - begin}`);
  }
  return { dtype: d, shape: (shape as number[]).slice(), dataOffsets: [begin, end] };
}

/** The tensors must tile the data section exactly: no gap, no overlap, nothing past its end. */
function checkLayout(entries: Map<string, SafetensorsEntry>, dataLength: number, fail: (message: string) => never): void {
  const sorted = [...entries].sort(([, a], [, b]) => a.dataOffsets[0] - b.dataOffsets[0] || a.dataOffsets[1] - b.dataOffsets[1]);
  let cursor = 0;
  let previous = '';
  for (const [name, { dataOffsets: [begin, end] }] of sorted) {
    if (begin < cursor) fail(`the data of tensors '${previous}' (ending at byte ${cursor}) and '${name}' (starting at ${begin}) overlap`);
    if (begin > cursor) fail(`bytes ${cursor}…${begin} of the data belong to no tensor (before '${name}'); the offsets are inconsistent`);
    if (end > dataLength) fail(`tensor '${name}' ends at byte ${end} of the data section, but the file holds only ${dataLength} data bytes (truncated?)`);
    cursor = end;
    if (end > begin) previous = name;
  }
  if (cursor !== dataLength) fail(`the file has ${dataLength - cursor} data bytes after the last tensor that belong to no tensor`);
}

export function checkMetadata(metadata: unknown, fn: string): void {
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) throw new TypeError(`${fn}: metadata must be an object of strings`);
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== 'string') throw new TypeError(`${fn}: metadata['${key}'] must be a string, got ${typeof value} (JSON.stringify it first)`);
  }
}

function readLittleEndian(bytes: Uint8Array, at: number, count: number, code: string, name: string): TypedArray {
  if (code === 'I64') {
    const view = new DataView(bytes.buffer, bytes.byteOffset + at, count * 8);
    const out = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      const v = view.getBigInt64(i * 8, true);
      if (v < -2147483648n || v > 2147483647n) {
        throw new RangeError(`safetensors: tensor '${name}' (I64) holds ${v} at index ${i}, outside the int32 range of chainrule's integer tensors`);
      }
      out[i] = Number(v);
    }
    return out;
  }
  const width = READABLE[code].bytes;
  // slice() copies into a fresh, aligned buffer, which typed arrays need.
  const copy = bytes.slice(at, at + count * width);
  if (LITTLE_ENDIAN) {
    if (code === 'F64') return new Float64Array(copy.buffer);
    return code === 'F32' ? new Float32Array(copy.buffer) : new Int32Array(copy.buffer);
  }
  const view = new DataView(copy.buffer);
  const out = code === 'F64' ? new Float64Array(count) : code === 'F32' ? new Float32Array(count) : new Int32Array(count);
  for (let i = 0; i < count; i++) {
    out[i] = code === 'F64' ? view.getFloat64(i * 8, true) : code === 'F32' ? view.getFloat32(i * 4, true) : view.getInt32(i * 4, true);
  }
  return out;
}
