// A protobuf reader for the tests: decodes an exported ONNX file into plain objects, so its
// structure can be checked independently of the writer's code.

type Field = { field: number; wire: number; value: bigint | Uint8Array };

function readVarint(bytes: Uint8Array, at: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    const b = bytes[at++];
    if (b === undefined) throw new RangeError('truncated varint');
    result |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return [result, at];
    shift += 7n;
  }
}

export function fields(bytes: Uint8Array): Field[] {
  const out: Field[] = [];
  let at = 0;
  while (at < bytes.length) {
    const [key, next] = readVarint(bytes, at);
    at = next;
    const field = Number(key >> 3n);
    const wire = Number(key & 7n);
    if (wire === 0) {
      const [v, after] = readVarint(bytes, at);
      out.push({ field, wire, value: v });
      at = after;
    } else if (wire === 2) {
      const [len, after] = readVarint(bytes, at);
      out.push({ field, wire, value: bytes.subarray(after, after + Number(len)) });
      at = after + Number(len);
    } else if (wire === 5) {
      out.push({ field, wire, value: bytes.subarray(at, at + 4) });
      at += 4;
    } else {
      throw new RangeError(`unexpected wire type ${wire}`);
    }
    if (at > bytes.length) throw new RangeError('message runs past its end');
  }
  return out;
}

const text = (v: Field['value']): string => new TextDecoder().decode(v as Uint8Array);
const int = (v: Field['value']): number => Number(BigInt.asIntN(64, v as bigint));
const all = (fs: Field[], n: number): Field[] => fs.filter((f) => f.field === n);
const one = (fs: Field[], n: number): Field | undefined => fs.find((f) => f.field === n);

export interface DecodedModel {
  irVersion: number;
  opset: { domain: string; version: number }[];
  producer: string;
  producerVersion: string;
  nodes: { opType: string; name: string; inputs: string[]; outputs: string[]; attributes: Record<string, number | number[] | string> }[];
  initializers: { name: string; dataType: number; dims: number[]; raw: Uint8Array }[];
  inputs: { name: string; elemType: number; dims: (number | string | null)[] }[];
  outputs: { name: string; elemType: number; dims: (number | string | null)[] }[];
}

export function decodeOnnx(bytes: Uint8Array): DecodedModel {
  const model = fields(bytes);
  const graph = fields(one(model, 7)!.value as Uint8Array);
  const valueInfo = (f: Field) => {
    const v = fields(f.value as Uint8Array);
    const tensorType = fields(one(fields(one(v, 2)!.value as Uint8Array), 1)!.value as Uint8Array);
    const dims = all(fields(one(tensorType, 2)!.value as Uint8Array), 1).map((d) => {
      const parts = fields(d.value as Uint8Array);
      const value = one(parts, 1);
      const param = one(parts, 2);
      return value ? int(value.value) : param ? text(param.value) : null;
    });
    return { name: text(one(v, 1)!.value), elemType: int(one(tensorType, 1)!.value), dims };
  };
  return {
    irVersion: int(one(model, 1)!.value),
    opset: all(model, 8).map((f) => {
      const o = fields(f.value as Uint8Array);
      return { domain: text(one(o, 1)?.value ?? new Uint8Array()), version: int(one(o, 2)!.value) };
    }),
    producer: text(one(model, 2)!.value),
    producerVersion: text(one(model, 3)!.value),
    nodes: all(graph, 1).map((f) => {
      const n = fields(f.value as Uint8Array);
      const attributes: Record<string, number | number[] | string> = {};
      for (const a of all(n, 5)) {
        const af = fields(a.value as Uint8Array);
        const name = text(one(af, 1)!.value);
        const type = int(one(af, 20)!.value);
        if (type === 1) attributes[name] = new DataView((one(af, 2)!.value as Uint8Array).slice().buffer).getFloat32(0, true);
        else if (type === 2) attributes[name] = int(one(af, 3)!.value);
        else if (type === 3) attributes[name] = text(one(af, 4)!.value);
        else if (type === 7) attributes[name] = all(af, 8).map((x) => int(x.value));
        else throw new RangeError(`attribute type ${type}`);
      }
      return { opType: text(one(n, 4)!.value), name: text(one(n, 3)!.value), inputs: all(n, 1).map((x) => text(x.value)), outputs: all(n, 2).map((x) => text(x.value)), attributes };
    }),
    initializers: all(graph, 5).map((f) => {
      const t = fields(f.value as Uint8Array);
      return { name: text(one(t, 8)!.value), dataType: int(one(t, 2)!.value), dims: all(t, 1).map((d) => int(d.value)), raw: one(t, 9)!.value as Uint8Array };
    }),
    inputs: all(graph, 11).map(valueInfo),
    outputs: all(graph, 12).map(valueInfo),
  };
}
