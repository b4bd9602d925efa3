// The webcam between the scene and the JPEG: resolution and field of view, exposure gain, gamma and a
// white-balance colour cast, sensor noise and JPEG quality, drawn per sequence from a seed.
import type { SeededRandom } from '../../src/liveness/random-source.js';
import type { RgbImage } from '../lib/rgb-image.js';
import { encodeJpeg420 } from './fast-jpeg.js';
import type { PinholeIntrinsics } from '../synth/scene-raster.js';

export const WEBCAM_RESOLUTIONS = [[640, 480], [1280, 720], [320, 240]] as const;

export interface WebcamModel {
  width: number;
  height: number;
  hfovDeg: number;
  gain: number;
  gamma: number;
  /** Per-channel white-balance error (R, G, B multipliers). */
  cast: readonly [number, number, number];
  /** Sensor noise, 8-bit levels (1 sigma). */
  noiseSigma: number;
  jpegQuality: number;
}

export function randomWebcam(rng: SeededRandom, resolution?: readonly [number, number]): WebcamModel {
  const [width, height] = resolution ?? rng.pick(WEBCAM_RESOLUTIONS);
  return {
    width, height,
    hfovDeg: rng.uniform(55, 75),
    gain: rng.uniform(0.75, 1.2),
    gamma: rng.uniform(0.85, 1.15),
    cast: [rng.uniform(0.9, 1.1), 1, rng.uniform(0.9, 1.1)],
    noiseSigma: rng.uniform(1, 5),
    jpegQuality: rng.int(60, 92),
  };
}

export function webcamIntrinsics(cam: Pick<WebcamModel, 'width' | 'height' | 'hfovDeg'>): PinholeIntrinsics {
  const f = cam.width / 2 / Math.tan((cam.hfovDeg * Math.PI) / 360);
  return { fx: f, fy: f, cx: cam.width / 2, cy: cam.height / 2 };
}

/** Standard normals shared by every frame (fixed seed); each frame reads them from its own offset. */
const NOISE_TABLE_SIZE = 1 << 20;
let noiseTable: Float32Array | undefined;
function noise(): Float32Array {
  if (!noiseTable) {
    noiseTable = new Float32Array(NOISE_TABLE_SIZE);
    // A local generator, so the table never depends on who asked first.
    let x = 0x2545f491;
    for (let i = 0; i < NOISE_TABLE_SIZE; i += 2) {
      const next = () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
      const r = Math.sqrt(-2 * Math.log(next()));
      const a = 2 * Math.PI * next();
      noiseTable[i] = r * Math.cos(a);
      noiseTable[i + 1] = r * Math.sin(a);
    }
  }
  return noiseTable;
}

/**
 * What the sensor and image pipeline make of the ideal render: gain and cast, gamma, noise, clipping.
 * `exposure` lets auto-exposure drift frame to frame (1 = the model's gain).
 */
export function exposeFrame(ideal: RgbImage, cam: WebcamModel, rng: SeededRandom, exposure = 1): RgbImage {
  // One table for the three channels: entry c * 256 + v.
  const lut = new Float32Array(768);
  for (let c = 0; c < 3; c++) {
    for (let v = 0; v < 256; v++) lut[c * 256 + v] = 255 * Math.min(1, (v / 255) * cam.gain * exposure * cam.cast[c]) ** cam.gamma + 0.5;
  }
  const table = noise();
  const mask = NOISE_TABLE_SIZE - 1;
  let k = rng.int(0, mask);
  const src = ideal.rgb;
  const out = new Uint8Array(src.length);
  const sigma = cam.noiseSigma;
  for (let i = 0; i < src.length; i += 3) {
    const r = lut[src[i]] + sigma * table[k];
    const g = lut[256 + src[i + 1]] + sigma * table[(k + 1) & mask];
    const b = lut[512 + src[i + 2]] + sigma * table[(k + 2) & mask];
    k = (k + 3) & mask;
    // Uint8Array stores truncate; clamp first so overflow does not wrap.
    out[i] = r < 0 ? 0 : r > 255 ? 255 : r;
    out[i + 1] = g < 0 ? 0 : g > 255 ? 255 : g;
    out[i + 2] = b < 0 ? 0 : b > 255 ? 255 : b;
  }
  return { width: ideal.width, height: ideal.height, rgb: out };
}

/** 4:2:0, as webcams and browsers encode. */
export function webcamJpeg(frame: RgbImage, cam: WebcamModel): Buffer {
  return encodeJpeg420(frame, cam.jpegQuality);
}
