// Builds ONNX ModelProto bytes (onnx.proto, IR version 5 / opset 10) from a small in-memory graph.
// Only the message fields OpenCV 4.6's importer reads are written. Field numbers are from onnx.proto.
import { ProtobufWriter } from './protobuf-writer.js';

/** ONNX TensorProto.DataType values used here. */
const ONNX_FLOAT = 1;
const ONNX_INT64 = 7;

/** ONNX AttributeProto.AttributeType values used here. */
const ATTR_FLOAT = 1;
const ATTR_INT = 2;
const ATTR_STRING = 3;
const ATTR_INTS = 7;

export type OnnxAttribute =
  | { kind: 'int'; value: number }
  | { kind: 'float'; value: number }
  | { kind: 'ints'; value: readonly number[] }
  | { kind: 'string'; value: string };

export const attr = {
  int: (value: number): OnnxAttribute => ({ kind: 'int', value }),
  float: (value: number): OnnxAttribute => ({ kind: 'float', value }),
  ints: (value: readonly number[]): OnnxAttribute => ({ kind: 'ints', value }),
  string: (value: string): OnnxAttribute => ({ kind: 'string', value }),
};

export interface OnnxNode {
  opType: string;
  name: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attributes: Readonly<Record<string, OnnxAttribute>>;
}

export interface OnnxInitializer {
  name: string;
  dims: readonly number[];
  data: Float32Array | BigInt64Array;
}

/** A float tensor's name and static shape, for graph inputs and outputs. */
export interface OnnxValueInfo {
  name: string;
  dims: readonly number[];
}

export interface OnnxModel {
  graphName: string;
  producerName: string;
  producerVersion: string;
  docString: string;
  opsetVersion: number;
  nodes: readonly OnnxNode[];
  initializers: readonly OnnxInitializer[];
  inputs: readonly OnnxValueInfo[];
  outputs: readonly OnnxValueInfo[];
  /** ModelProto.metadata_props, written in key order. */
  metadata: Readonly<Record<string, string>>;
}

export function encodeOnnxModel(model: OnnxModel): Uint8Array {
  const graph = new ProtobufWriter();
  for (const node of model.nodes) graph.message(1, encodeNode(node));
  graph.string(2, model.graphName);
  for (const init of model.initializers) graph.message(5, encodeInitializer(init));
  // Graph inputs list the real inputs only: since IR 4 initializers need not be repeated there.
  for (const input of model.inputs) graph.message(11, encodeValueInfo(input));
  for (const output of model.outputs) graph.message(12, encodeValueInfo(output));

  const out = new ProtobufWriter();
  out.int(1, 5); // ir_version 5 pairs with opset 10
  out.string(2, model.producerName);
  out.string(3, model.producerVersion);
  out.string(6, model.docString);
  out.message(7, graph);
  out.message(8, new ProtobufWriter().string(1, '').int(2, model.opsetVersion));
  for (const key of Object.keys(model.metadata).sort()) {
    out.message(14, new ProtobufWriter().string(1, key).string(2, model.metadata[key]));
  }
  return out.finish();
}

function encodeNode(node: OnnxNode): ProtobufWriter {
  const w = new ProtobufWriter();
  for (const input of node.inputs) w.string(1, input);
  for (const output of node.outputs) w.string(2, output);
  w.string(3, node.name);
  w.string(4, node.opType);
  for (const [name, value] of Object.entries(node.attributes)) w.message(5, encodeAttribute(name, value));
  return w;
}

function encodeAttribute(name: string, a: OnnxAttribute): ProtobufWriter {
  const w = new ProtobufWriter().string(1, name);
  switch (a.kind) {
    case 'float':
      return w.float(2, a.value).int(20, ATTR_FLOAT);
    case 'int':
      return w.int(3, checkedInt(a.value, name)).int(20, ATTR_INT);
    case 'string':
      return w.string(4, a.value).int(20, ATTR_STRING);
    case 'ints':
      // proto2 `repeated int64` without [packed]: one tag per element, as the reference onnx library writes it.
      for (const v of a.value) w.int(8, checkedInt(v, name));
      return w.int(20, ATTR_INTS);
  }
}

function encodeInitializer(init: OnnxInitializer): ProtobufWriter {
  const w = new ProtobufWriter();
  for (const d of init.dims) w.int(1, checkedInt(d, init.name));
  const expected = init.dims.reduce((a, b) => a * b, 1);
  if (init.data.length !== expected) {
    throw new Error(`ONNX initializer ${init.name}: ${init.data.length} values for shape [${init.dims.join(',')}]`);
  }
  w.int(2, init.data instanceof Float32Array ? ONNX_FLOAT : ONNX_INT64);
  w.string(8, init.name);
  w.bytes(9, littleEndianBytes(init.data)); // raw_data is little-endian by definition
  return w;
}

function encodeValueInfo(info: OnnxValueInfo): ProtobufWriter {
  const shape = new ProtobufWriter();
  for (const d of info.dims) shape.message(1, new ProtobufWriter().int(1, checkedInt(d, info.name)));
  const tensorType = new ProtobufWriter().int(1, ONNX_FLOAT).message(2, shape);
  const type = new ProtobufWriter().message(1, tensorType);
  return new ProtobufWriter().string(1, info.name).message(2, type);
}

function littleEndianBytes(data: Float32Array | BigInt64Array): Uint8Array {
  const bytes = new Uint8Array(data.length * data.BYTES_PER_ELEMENT);
  const view = new DataView(bytes.buffer);
  if (data instanceof Float32Array) {
    for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i], true);
  } else {
    for (let i = 0; i < data.length; i++) view.setBigInt64(i * 8, data[i], true);
  }
  return bytes;
}

function checkedInt(v: number, where: string): number {
  if (!Number.isSafeInteger(v)) throw new Error(`ONNX ${where}: expected an integer, got ${v}`);
  return v;
}

/** Accumulates nodes and initializers with unique, stable names. */
export class OnnxGraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxInitializer[] = [];
  readonly #used = new Set<string>();

  /** Returns `base` the first time, then `base__2`, `base__3`, ... so names stay deterministic. */
  uniqueName(base: string): string {
    let name = base;
    for (let n = 2; this.#used.has(name); n++) name = `${base}__${n}`;
    this.#used.add(name);
    return name;
  }

  floatConstant(base: string, dims: readonly number[], data: Float32Array): string {
    const name = this.uniqueName(base);
    this.initializers.push({ name, dims: [...dims], data });
    return name;
  }

  int64Constant(base: string, values: readonly number[]): string {
    const name = this.uniqueName(base);
    this.initializers.push({ name, dims: [values.length], data: BigInt64Array.from(values.map((v) => BigInt(v))) });
    return name;
  }

  /** Adds a single-output node; `output` must already be unique (use uniqueName). Returns the output name. */
  node(opType: string, inputs: readonly string[], output: string, attributes: Record<string, OnnxAttribute> = {}): string {
    this.nodes.push({ opType, name: output, inputs: [...inputs], outputs: [output], attributes });
    return output;
  }
}
