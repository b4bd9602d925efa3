// A baseline JPEG encoder for the generator's frames: 4:2:0 chroma subsampling (as webcams and browsers
// send), the IJG quality scaling of the Annex K tables, the float AAN DCT and the Annex K Huffman tables.
// jpeg-js encodes 4:4:4 and rebuilds its tables per call; this one is about three times faster, which is
// what keeps a 30 fps fake-camera clip quick to make. Output decodes with any JPEG decoder.
import type { RgbImage } from '../lib/rgb-image.js';

const ZIGZAG = Uint8Array.from([
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
  35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
]);
/** Annex K.1 luminance and chrominance quantisation tables, natural (row-major) order. */
const LUMA_Q = [
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62,
  18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];
const CHROMA_Q = [
  17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, 24, 26, 56, 99, 99, 99, 99, 99, 47, 66, 99, 99, 99, 99, 99, 99,
  99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
];
/** Annex K.3 Huffman tables: code counts per length 1..16, then the symbols. */
const DC_LUMA = { bits: [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0], vals: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] };
const DC_CHROMA = { bits: [0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0], vals: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] };
const AC_LUMA = {
  bits: [0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7d],
  vals: [
    0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61, 0x07, 0x22, 0x71, 0x14, 0x32, 0x81, 0x91, 0xa1, 0x08,
    0x23, 0x42, 0xb1, 0xc1, 0x15, 0x52, 0xd1, 0xf0, 0x24, 0x33, 0x62, 0x72, 0x82, 0x09, 0x0a, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x25, 0x26, 0x27, 0x28,
    0x29, 0x2a, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59,
    0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89,
    0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6,
    0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xe1, 0xe2,
    0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa,
  ],
};
const AC_CHROMA = {
  bits: [0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 0x77],
  vals: [
    0x00, 0x01, 0x02, 0x03, 0x11, 0x04, 0x05, 0x21, 0x31, 0x06, 0x12, 0x41, 0x51, 0x07, 0x61, 0x71, 0x13, 0x22, 0x32, 0x81, 0x08, 0x14, 0x42, 0x91,
    0xa1, 0xb1, 0xc1, 0x09, 0x23, 0x33, 0x52, 0xf0, 0x15, 0x62, 0x72, 0xd1, 0x0a, 0x16, 0x24, 0x34, 0xe1, 0x25, 0xf1, 0x17, 0x18, 0x19, 0x1a, 0x26,
    0x27, 0x28, 0x29, 0x2a, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58,
    0x59, 0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87,
    0x88, 0x89, 0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4,
    0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda,
    0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa,
  ],
};

interface HuffTable { code: Uint16Array; size: Uint8Array }

function huffTable(spec: { bits: number[]; vals: number[] }): HuffTable {
  const code = new Uint16Array(256);
  const size = new Uint8Array(256);
  let c = 0, k = 0;
  for (let len = 1; len <= 16; len++) {
    for (let i = 0; i < spec.bits[len - 1]; i++) {
      code[spec.vals[k]] = c++;
      size[spec.vals[k]] = len;
      k++;
    }
    c <<= 1;
  }
  return { code, size };
}

const HUFF = { dcY: huffTable(DC_LUMA), acY: huffTable(AC_LUMA), dcC: huffTable(DC_CHROMA), acC: huffTable(AC_CHROMA) };
const AAN = [1.0, 1.387039845, 1.306562965, 1.175875602, 1.0, 0.785694958, 0.5411961, 0.275899379];

function scaledQuant(base: number[], quality: number): { table: Uint8Array; divisors: Float64Array } {
  const q = Math.min(100, Math.max(1, Math.round(quality)));
  const scale = q < 50 ? 5000 / q : 200 - 2 * q;
  const table = new Uint8Array(64);
  const divisors = new Float64Array(64);
  for (let i = 0; i < 64; i++) table[i] = Math.min(255, Math.max(1, Math.floor((base[i] * scale + 50) / 100)));
  for (let row = 0; row < 8; row++) for (let col = 0; col < 8; col++) divisors[row * 8 + col] = 1 / (table[row * 8 + col] * AAN[row] * AAN[col] * 8);
  return { table, divisors };
}

class BitWriter {
  buf = new Uint8Array(1 << 16);
  len = 0;
  #acc = 0;
  #bits = 0;

  byte(b: number): void {
    if (this.len === this.buf.length) {
      const next = new Uint8Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.len++] = b;
  }

  bytes(list: ArrayLike<number>): void {
    for (let i = 0; i < list.length; i++) this.byte(list[i]);
  }

  bits(value: number, count: number): void {
    this.#acc = (this.#acc << count) | (value & ((1 << count) - 1));
    this.#bits += count;
    while (this.#bits >= 8) {
      const b = (this.#acc >>> (this.#bits - 8)) & 0xff;
      this.byte(b);
      if (b === 0xff) this.byte(0);
      this.#bits -= 8;
    }
    this.#acc &= (1 << this.#bits) - 1;
  }

  /** Pads the last byte with 1 bits, as the standard asks. */
  flush(): void {
    if (this.#bits > 0) this.bits(0x7f, 8 - this.#bits);
  }
}

const block = new Float64Array(64);
const coeffs = new Int32Array(64);

/** Forward DCT (AAN, in place on `block`) and quantisation into `coeffs` (zigzag order). */
function dctQuantize(divisors: Float64Array): void {
  const d = block;
  for (let p = 0; p < 64; p += 8) {
    const t0 = d[p] + d[p + 7], t7 = d[p] - d[p + 7], t1 = d[p + 1] + d[p + 6], t6 = d[p + 1] - d[p + 6];
    const t2 = d[p + 2] + d[p + 5], t5 = d[p + 2] - d[p + 5], t3 = d[p + 3] + d[p + 4], t4 = d[p + 3] - d[p + 4];
    let t10 = t0 + t3; const t13 = t0 - t3; let t11 = t1 + t2; let t12 = t1 - t2;
    d[p] = t10 + t11; d[p + 4] = t10 - t11;
    const z1 = (t12 + t13) * 0.707106781;
    d[p + 2] = t13 + z1; d[p + 6] = t13 - z1;
    t10 = t4 + t5; t11 = t5 + t6; t12 = t6 + t7;
    const z5 = (t10 - t12) * 0.382683433, z2 = 0.5411961 * t10 + z5, z4 = 1.306562965 * t12 + z5, z3 = t11 * 0.707106781;
    const z11 = t7 + z3, z13 = t7 - z3;
    d[p + 5] = z13 + z2; d[p + 3] = z13 - z2; d[p + 1] = z11 + z4; d[p + 7] = z11 - z4;
  }
  for (let p = 0; p < 8; p++) {
    const t0 = d[p] + d[p + 56], t7 = d[p] - d[p + 56], t1 = d[p + 8] + d[p + 48], t6 = d[p + 8] - d[p + 48];
    const t2 = d[p + 16] + d[p + 40], t5 = d[p + 16] - d[p + 40], t3 = d[p + 24] + d[p + 32], t4 = d[p + 24] - d[p + 32];
    let t10 = t0 + t3; const t13 = t0 - t3; let t11 = t1 + t2; let t12 = t1 - t2;
    d[p] = t10 + t11; d[p + 32] = t10 - t11;
    const z1 = (t12 + t13) * 0.707106781;
    d[p + 16] = t13 + z1; d[p + 48] = t13 - z1;
    t10 = t4 + t5; t11 = t5 + t6; t12 = t6 + t7;
    const z5 = (t10 - t12) * 0.382683433, z2 = 0.5411961 * t10 + z5, z4 = 1.306562965 * t12 + z5, z3 = t11 * 0.707106781;
    const z11 = t7 + z3, z13 = t7 - z3;
    d[p + 40] = z13 + z2; d[p + 24] = z13 - z2; d[p + 8] = z11 + z4; d[p + 56] = z11 - z4;
  }
  for (let i = 0; i < 64; i++) {
    const natural = ZIGZAG[i];
    coeffs[i] = Math.round(d[natural] * divisors[natural]);
  }
}

function magnitudeBits(v: number): number {
  let a = v < 0 ? -v : v;
  let n = 0;
  while (a) { n++; a >>= 1; }
  return n;
}

function encodeBlock(w: BitWriter, previousDc: number, dc: HuffTable, ac: HuffTable): number {
  const diff = coeffs[0] - previousDc;
  const n = magnitudeBits(diff);
  w.bits(dc.code[n], dc.size[n]);
  if (n) w.bits(diff < 0 ? diff - 1 : diff, n);
  let run = 0;
  for (let i = 1; i < 64; i++) {
    const v = coeffs[i];
    if (v === 0) { run++; continue; }
    while (run > 15) { w.bits(ac.code[0xf0], ac.size[0xf0]); run -= 16; }
    const m = magnitudeBits(v);
    const sym = (run << 4) | m;
    w.bits(ac.code[sym], ac.size[sym]);
    w.bits(v < 0 ? v - 1 : v, m);
    run = 0;
  }
  if (run > 0) w.bits(ac.code[0], ac.size[0]);
  return coeffs[0];
}

function writeHeaders(w: BitWriter, width: number, height: number, qy: Uint8Array, qc: Uint8Array): void {
  w.bytes([0xff, 0xd8]);
  w.bytes([0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
  w.bytes([0xff, 0xdb, 0, 132, 0]);
  for (let i = 0; i < 64; i++) w.byte(qy[ZIGZAG[i]]);
  w.byte(1);
  for (let i = 0; i < 64; i++) w.byte(qc[ZIGZAG[i]]);
  w.bytes([0xff, 0xc0, 0, 17, 8, height >> 8, height & 0xff, width >> 8, width & 0xff, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
  const tables: [number, { bits: number[]; vals: number[] }][] = [[0x00, DC_LUMA], [0x10, AC_LUMA], [0x01, DC_CHROMA], [0x11, AC_CHROMA]];
  let length = 2;
  for (const [, t] of tables) length += 17 + t.vals.length;
  w.bytes([0xff, 0xc4, length >> 8, length & 0xff]);
  for (const [id, t] of tables) { w.byte(id); w.bytes(t.bits); w.bytes(t.vals); }
  w.bytes([0xff, 0xda, 0, 12, 3, 1, 0x00, 2, 0x11, 3, 0x11, 0, 63, 0]);
}

/** Encodes packed RGB as a baseline 4:2:0 JPEG at `quality` (1-100, IJG scale). */
export function encodeJpeg420(image: RgbImage, quality: number): Buffer {
  const { width, height, rgb } = image;
  if (width < 1 || height < 1 || width > 65535 || height > 65535) throw new RangeError(`cannot encode a ${width}x${height} JPEG`);
  const qy = scaledQuant(LUMA_Q, quality);
  const qc = scaledQuant(CHROMA_Q, quality);
  const w = new BitWriter();
  writeHeaders(w, width, height, qy.table, qc.table);
  const cb = new Float64Array(64);
  const cr = new Float64Array(64);
  let dcY = 0, dcCb = 0, dcCr = 0;
  for (let my = 0; my < height; my += 16) {
    for (let mx = 0; mx < width; mx += 16) {
      cb.fill(0);
      cr.fill(0);
      for (let by = 0; by < 2; by++) {
        for (let bx = 0; bx < 2; bx++) {
          for (let y = 0; y < 8; y++) {
            const py = Math.min(height - 1, my + by * 8 + y);
            for (let x = 0; x < 8; x++) {
              const px = Math.min(width - 1, mx + bx * 8 + x);
              const o = (py * width + px) * 3;
              const r = rgb[o], g = rgb[o + 1], b = rgb[o + 2];
              block[y * 8 + x] = 0.299 * r + 0.587 * g + 0.114 * b - 128;
              // Each chroma sample averages a 2x2 patch of the 16x16 macroblock.
              const c = ((by * 8 + y) >> 1) * 8 + ((bx * 8 + x) >> 1);
              cb[c] += 0.25 * (-0.168736 * r - 0.331264 * g + 0.5 * b);
              cr[c] += 0.25 * (0.5 * r - 0.418688 * g - 0.081312 * b);
            }
          }
          dctQuantize(qy.divisors);
          dcY = encodeBlock(w, dcY, HUFF.dcY, HUFF.acY);
        }
      }
      block.set(cb);
      dctQuantize(qc.divisors);
      dcCb = encodeBlock(w, dcCb, HUFF.dcC, HUFF.acC);
      block.set(cr);
      dctQuantize(qc.divisors);
      dcCr = encodeBlock(w, dcCr, HUFF.dcC, HUFF.acC);
    }
  }
  w.flush();
  w.bytes([0xff, 0xd9]);
  return Buffer.from(w.buf.subarray(0, w.len));
}
