// ONNX's messages (onnx.proto, the ONNX IR specification) as plain objects, and their encoding.
// Only the fields an inference graph of dense tensors needs; field numbers are the spec's.
import { ProtoWriter } from './protobuf.js';

/** TensorProto.DataType codes. */
export const ONNX_TYPE = { float32: 1, int64: 7, float64: 11 } as const;
export type OnnxElemType = keyof typeof ONNX_TYPE;

export type OnnxAttribute =
  | { kind: 'float'; value: number }
  | { kind: 'int'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'ints'; value: readonly number[] };

export interface OnnxTensor {
  name: string;
  type: OnnxElemType;
  dims: readonly number[];
  /** Little-endian element bytes (TensorProto.raw_data). */
  raw: Uint8Array;
}

export interface OnnxNode {
  name: string;
  opType: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attributes?: Readonly<Record<string, OnnxAttribute>>;
}

/** A graph input or output: a dimension is a size, a symbolic name (a dynamic batch), or null (unknown). */
export interface OnnxValueInfo {
  name: string;
  type: OnnxElemType;
  dims: readonly (number | string | null)[];
}

export interface OnnxModel {
  irVersion: number;
  opsetVersion: number;
  producerName: string;
  producerVersion: string;
  docString?: string;
  metadata?: Readonly<Record<string, string>>;
  graph: {
    name: string;
    nodes: readonly OnnxNode[];
    initializers: readonly OnnxTensor[];
    inputs: readonly OnnxValueInfo[];
    outputs: readonly OnnxValueInfo[];
  };
}

// AttributeProto.AttributeType codes.
const ATTRIBUTE_TYPE = { float: 1, int: 2, string: 3, ints: 7 } as const;

export function encodeOnnxModel(model: OnnxModel): Uint8Array {
  const w = new ProtoWriter();
  w.int(1, model.irVersion); // ir_version
  w.string(2, model.producerName); // producer_name
  w.string(3, model.producerVersion); // producer_version
  if (model.docString !== undefined) w.string(6, model.docString); // doc_string
  w.message(7, (g) => writeGraph(g, model.graph)); // graph
  w.message(8, (o) => o.string(1, '').int(2, model.opsetVersion)); // opset_import: the default domain
  for (const [key, value] of Object.entries(model.metadata ?? {})) {
    w.message(14, (e) => e.string(1, key).string(2, value)); // metadata_props
  }
  return w.finish();
}

function writeGraph(w: ProtoWriter, graph: OnnxModel['graph']): void {
  for (const node of graph.nodes) w.message(1, (n) => writeNode(n, node)); // node
  w.string(2, graph.name); // name
  for (const t of graph.initializers) w.message(5, (m) => writeTensor(m, t)); // initializer
  for (const v of graph.inputs) w.message(11, (m) => writeValueInfo(m, v)); // input
  for (const v of graph.outputs) w.message(12, (m) => writeValueInfo(m, v)); // output
}

function writeNode(w: ProtoWriter, node: OnnxNode): void {
  for (const input of node.inputs) w.string(1, input);
  for (const output of node.outputs) w.string(2, output);
  w.string(3, node.name);
  w.string(4, node.opType);
  for (const [name, attr] of Object.entries(node.attributes ?? {})) w.message(5, (a) => writeAttribute(a, name, attr));
}

function writeAttribute(w: ProtoWriter, name: string, attr: OnnxAttribute): void {
  w.string(1, name);
  w.int(20, ATTRIBUTE_TYPE[attr.kind]); // type
  switch (attr.kind) {
    case 'float': w.float(2, attr.value); break;
    case 'int': w.int(3, attr.value); break;
    case 'string': w.string(4, attr.value); break;
    case 'ints': for (const v of attr.value) w.int(8, v); break;
  }
}

function writeTensor(w: ProtoWriter, t: OnnxTensor): void {
  for (const d of t.dims) w.int(1, d); // dims
  w.int(2, ONNX_TYPE[t.type]); // data_type
  w.string(8, t.name); // name
  w.bytes(9, t.raw); // raw_data
}

function writeValueInfo(w: ProtoWriter, v: OnnxValueInfo): void {
  w.string(1, v.name);
  w.message(2, (type) => type.message(1, (tensor) => { // TypeProto.tensor_type
    tensor.int(1, ONNX_TYPE[v.type]); // elem_type
    tensor.message(2, (shape) => { // TensorShapeProto
      for (const d of v.dims) {
        shape.message(1, (dim) => {
          if (typeof d === 'number') dim.int(1, d); // dim_value
          else if (typeof d === 'string') dim.string(2, d); // dim_param
        });
      }
    });
  }));
}
