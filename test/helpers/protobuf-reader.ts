// A minimal protobuf wire-format reader for tests: decodes a message into its fields by number,
// enough to inspect the ONNX files the converter writes without an ONNX library.
export type ProtoField = { field: number; wire: number; varint?: bigint; bytes?: Uint8Array; fixed32?: number };

export function readFields(buf: Uint8Array): ProtoField[] {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const fields: ProtoField[] = [];
  let pos = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (pos >= buf.length) throw new RangeError('truncated varint');
      const b = buf[pos++];
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
    }
  };
  while (pos < buf.length) {
    const key = varint();
    const field = Number(key >> 3n);
    const wire = Number(key & 7n);
    if (wire === 0) fields.push({ field, wire, varint: varint() });
    else if (wire === 2) {
      const len = Number(varint());
      if (pos + len > buf.length) throw new RangeError('truncated length-delimited field');
      fields.push({ field, wire, bytes: buf.subarray(pos, pos + len) });
      pos += len;
    } else if (wire === 5) {
      fields.push({ field, wire, fixed32: view.getFloat32(pos, true) });
      pos += 4;
    } else if (wire === 1) {
      pos += 8;
      fields.push({ field, wire });
    } else throw new RangeError(`unsupported wire type ${wire}`);
  }
  return fields;
}

const text = new TextDecoder();
export const str = (f: ProtoField | undefined): string => (f?.bytes ? text.decode(f.bytes) : '');
export const all = (fields: ProtoField[], n: number): ProtoField[] => fields.filter((f) => f.field === n);
export const one = (fields: ProtoField[], n: number): ProtoField | undefined => fields.find((f) => f.field === n);

export interface OnnxSummary {
  irVersion: number;
  opset: number;
  inputs: { name: string; dims: number[] }[];
  outputs: { name: string; dims: number[] }[];
  initializerNames: string[];
  nodes: { opType: string; inputs: string[]; outputs: string[]; attributes: Record<string, { type: number; i?: number; f?: number; ints?: number[]; s?: string; hasInputs?: boolean }> }[];
}

function valueInfo(bytes: Uint8Array): { name: string; dims: number[] } {
  const f = readFields(bytes);
  const type = readFields(one(f, 2)!.bytes!);
  const tensor = readFields(one(type, 1)!.bytes!);
  const shape = readFields(one(tensor, 2)!.bytes!);
  const dims = all(shape, 1).map((d) => Number(one(readFields(d.bytes!), 1)?.varint ?? -1n));
  return { name: str(one(f, 1)), dims };
}

/** Reads the ModelProto fields the tests check (onnx.proto field numbers). */
export function summariseOnnx(bytes: Uint8Array): OnnxSummary {
  const model = readFields(bytes);
  const graph = readFields(one(model, 7)!.bytes!);
  const opset = readFields(one(model, 8)!.bytes!);
  return {
    irVersion: Number(one(model, 1)!.varint),
    opset: Number(one(opset, 2)!.varint),
    inputs: all(graph, 11).map((f) => valueInfo(f.bytes!)),
    outputs: all(graph, 12).map((f) => valueInfo(f.bytes!)),
    initializerNames: all(graph, 5).map((f) => str(one(readFields(f.bytes!), 8))),
    nodes: all(graph, 1).map((nf) => {
      const n = readFields(nf.bytes!);
      const attributes: OnnxSummary['nodes'][number]['attributes'] = {};
      for (const af of all(n, 5)) {
        const a = readFields(af.bytes!);
        attributes[str(one(a, 1))] = {
          type: Number(one(a, 20)?.varint ?? 0n),
          i: one(a, 3) ? Number(one(a, 3)!.varint) : undefined,
          f: one(a, 2)?.fixed32,
          ints: all(a, 8).map((x) => Number(BigInt.asIntN(64, x.varint!))),
          s: one(a, 4) ? str(one(a, 4)) : undefined,
        };
      }
      return { opType: str(one(n, 4)), inputs: all(n, 1).map(str), outputs: all(n, 2).map(str), attributes };
    }),
  };
}
