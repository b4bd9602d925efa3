// Fixed inputs for the model tests: seeded pseudo-random tensors and a real photo from the face-api
// package, plus NCHW/NHWC conversion and difference measures.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import jpeg from 'jpeg-js';
import { projectRoot } from '../../src/core/project-root.js';

/** mulberry32: a tiny seeded PRNG, so every run feeds the models the same numbers. */
export function seededUniform(seed: number, count: number, low: number, high: number): Float32Array {
  let a = seed >>> 0;
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const u = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    out[i] = low + (high - low) * u;
  }
  return out;
}

export interface RgbPhoto {
  width: number;
  height: number;
  /** row-major RGB, 0..255 */
  rgb: Uint8Array;
}

/** A demo photo shipped in @vladmandic/face-api (demo/sample*.jpg). */
export function faceApiDemoPhoto(name: string): RgbPhoto {
  const file = path.join(projectRoot, 'node_modules', '@vladmandic', 'face-api', 'demo', name);
  const decoded = jpeg.decode(readFileSync(file), { useTArray: true, formatAsRGBA: true });
  const rgb = new Uint8Array(decoded.width * decoded.height * 3);
  for (let i = 0, j = 0; i < rgb.length; i += 3, j += 4) {
    rgb[i] = decoded.data[j];
    rgb[i + 1] = decoded.data[j + 1];
    rgb[i + 2] = decoded.data[j + 2];
  }
  return { width: decoded.width, height: decoded.height, rgb };
}

/** [1, C, H, W] -> [1, H, W, C] */
export function nchwToNhwc(data: Float32Array, c: number, h: number, w: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let ch = 0; ch < c; ch++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[(y * w + x) * c + ch] = data[(ch * h + y) * w + x];
  return out;
}

/** [1, H, W, C] -> [1, C, H, W] */
export function nhwcToNchw(data: Float32Array, c: number, h: number, w: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let ch = 0; ch < c; ch++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[(ch * h + y) * w + x] = data[(y * w + x) * c + ch];
  return out;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

export const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
