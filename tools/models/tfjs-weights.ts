// Reads a TF.js weights manifest and its binary shards into float32/int32 arrays, dequantising
// exactly as @tensorflow/tfjs-core's io.decodeWeights does (so the converted model sees the same
// numbers the TF.js reference runs with).

export interface TfjsQuantization {
  dtype: 'uint8' | 'uint16' | 'float16';
  scale?: number;
  min?: number;
}

export interface TfjsWeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32' | string;
  quantization?: TfjsQuantization;
}

export interface TfjsWeightGroup {
  paths: string[];
  weights: TfjsWeightSpec[];
}

export interface DecodedTensor {
  shape: number[];
  dtype: 'float32' | 'int32';
  values: Float32Array | Int32Array;
}

export type WeightMap = Map<string, DecodedTensor>;

/** Decodes every group; `readShard` returns the bytes of one path from the manifest. */
export function decodeWeightsManifest(groups: readonly TfjsWeightGroup[], readShard: (path: string) => Uint8Array): WeightMap {
  const out: WeightMap = new Map();
  for (const group of groups) {
    const bytes = concatBytes(group.paths.map(readShard));
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let offset = 0;
    for (const spec of group.weights) {
      const count = spec.shape.reduce((a, b) => a * b, 1);
      const decoded = decodeOne(spec, view, offset, count);
      offset += decoded.byteLength;
      if (offset > bytes.length) throw new Error(`TF.js weights: ${spec.name} runs past the end of shards ${group.paths.join(', ')}`);
      out.set(spec.name, decoded.tensor);
    }
    if (offset !== bytes.length) {
      throw new Error(`TF.js weights: shards ${group.paths.join(', ')} hold ${bytes.length} bytes, the manifest describes ${offset}`);
    }
  }
  return out;
}

function decodeOne(spec: TfjsWeightSpec, view: DataView, offset: number, count: number): { tensor: DecodedTensor; byteLength: number } {
  const shape = [...spec.shape];
  const q = spec.quantization;
  if (q) {
    if (spec.dtype !== 'float32') throw new Error(`TF.js weights: quantised ${spec.name} has dtype ${spec.dtype}, only float32 is supported`);
    const values = new Float32Array(count);
    if (q.dtype === 'float16') {
      for (let i = 0; i < count; i++) values[i] = halfToFloat(view.getUint16(offset + 2 * i, true));
      return { tensor: { shape, dtype: 'float32', values }, byteLength: 2 * count };
    }
    if (q.scale === undefined || q.min === undefined) throw new Error(`TF.js weights: ${spec.name} is ${q.dtype}-quantised without scale/min`);
    const { scale, min } = q;
    // tfjs computes v * scale + min in double precision, then stores to float32; so do we.
    if (q.dtype === 'uint8') {
      for (let i = 0; i < count; i++) values[i] = view.getUint8(offset + i) * scale + min;
      return { tensor: { shape, dtype: 'float32', values }, byteLength: count };
    }
    if (q.dtype === 'uint16') {
      for (let i = 0; i < count; i++) values[i] = view.getUint16(offset + 2 * i, true) * scale + min;
      return { tensor: { shape, dtype: 'float32', values }, byteLength: 2 * count };
    }
    throw new Error(`TF.js weights: ${spec.name} uses unsupported quantisation ${(q as { dtype: string }).dtype}`);
  }
  if (spec.dtype === 'float32') {
    const values = new Float32Array(count);
    for (let i = 0; i < count; i++) values[i] = view.getFloat32(offset + 4 * i, true);
    return { tensor: { shape, dtype: 'float32', values }, byteLength: 4 * count };
  }
  if (spec.dtype === 'int32') {
    const values = new Int32Array(count);
    for (let i = 0; i < count; i++) values[i] = view.getInt32(offset + 4 * i, true);
    return { tensor: { shape, dtype: 'int32', values }, byteLength: 4 * count };
  }
  throw new Error(`TF.js weights: ${spec.name} has unsupported dtype ${spec.dtype}`);
}

/** IEEE-754 binary16 to number; exact (every half value is representable in float32). */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const mantissa = h & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa === 0 ? sign * Infinity : NaN;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

function concatBytes(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
