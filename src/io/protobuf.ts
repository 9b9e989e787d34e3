// The few protobuf encodings an ONNX file needs (varints, strings, bytes, fixed32 floats,
// nested messages), written by hand: about sixty lines instead of a runtime dependency and a
// schema compiler. Repeated numbers are written unpacked, as proto2 (onnx.proto) does by default.

import { encodeUtf8 } from './text.js';

type WireType = 0 | 1 | 2 | 5;

/**
 * Builds one message as a list of byte chunks, so nested messages (a graph's initializers, with
 * all the weights) are copied once, in finish(), rather than once per level of nesting.
 */
export class ProtoWriter {
  private readonly parts: Uint8Array[] = [];
  private size = 0;

  get length(): number {
    return this.size;
  }

  private push(bytes: Uint8Array): void {
    this.parts.push(bytes);
    this.size += bytes.length;
  }

  private tag(field: number, wire: WireType): void {
    this.push(varint(BigInt(field * 8 + wire)));
  }

  /** An int32/int64/enum/bool field; negative values take ten bytes, as protobuf's int64. */
  int(field: number, value: number | bigint): this {
    this.tag(field, 0);
    this.push(varint(BigInt.asUintN(64, BigInt(value))));
    return this;
  }

  float(field: number, value: number): this {
    this.tag(field, 5);
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    this.push(bytes);
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.tag(field, 2);
    this.push(varint(BigInt(value.length)));
    this.push(value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, encodeUtf8(value));
  }

  /** A nested message, built by `build` on a fresh writer. */
  message(field: number, build: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    build(inner);
    this.tag(field, 2);
    this.push(varint(BigInt(inner.size)));
    for (const part of inner.parts) this.push(part);
    return this;
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const part of this.parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }
}

/** Base-128 little-endian groups, the high bit marking that more follow. */
function varint(value: bigint): Uint8Array {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return Uint8Array.from(out);
}
