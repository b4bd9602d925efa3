// A minimal protocol-buffers encoder: just the wire types ONNX needs (varint, 32-bit, length-delimited).
// Written by hand so the build needs no protobuf dependency; field order is the caller's call order,
// which keeps the output byte-deterministic.

const WIRE_VARINT = 0;
const WIRE_LENGTH_DELIMITED = 2;
const WIRE_FIXED32 = 5;

const textEncoder = new TextEncoder();

export class ProtobufWriter {
  readonly #chunks: Uint8Array[] = [];
  #length = 0;

  /** Varint-encoded integer field (int32/int64/enum). Negative values use 10-byte two's complement, as protobuf does. */
  int(field: number, value: number | bigint): this {
    this.#tag(field, WIRE_VARINT);
    this.#varint(BigInt(value));
    return this;
  }

  /** A `float` field (wire type 5, little-endian IEEE-754 single). */
  float(field: number, value: number): this {
    this.#tag(field, WIRE_FIXED32);
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    this.#push(bytes);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, textEncoder.encode(value));
  }

  bytes(field: number, value: Uint8Array): this {
    this.#tag(field, WIRE_LENGTH_DELIMITED);
    this.#varint(BigInt(value.length));
    this.#push(value);
    return this;
  }

  /** An embedded message: the child is encoded first so its length prefix is known. */
  message(field: number, child: ProtobufWriter): this {
    return this.bytes(field, child.finish());
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.#length);
    let offset = 0;
    for (const chunk of this.#chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }

  #tag(field: number, wireType: number): void {
    if (!Number.isInteger(field) || field < 1) throw new RangeError(`protobuf field number must be a positive integer, got ${field}`);
    this.#varint(BigInt(field) << 3n | BigInt(wireType));
  }

  #varint(value: bigint): void {
    let v = value < 0n ? BigInt.asUintN(64, value) : value;
    const bytes: number[] = [];
    do {
      let byte = Number(v & 0x7fn);
      v >>= 7n;
      if (v !== 0n) byte |= 0x80;
      bytes.push(byte);
    } while (v !== 0n);
    this.#push(Uint8Array.from(bytes));
  }

  #push(bytes: Uint8Array): void {
    this.#chunks.push(bytes);
    this.#length += bytes.length;
  }
}
