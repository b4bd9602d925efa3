// What an attacker's medium does to the photo before the camera sees it. A print: inks compress the
// range (paper white is not a light, black ink reflects), saturation drops, and a white paper margin
// frames it. A screen: the picture is resampled onto the display's pixel grid (RGB stripes with dark
// gaps, the source of moiré when the webcam resamples it again), a display gamma, a black bezel and a
// soft glare spot.
import type { SeededRandom } from '../../src/liveness/random-source.js';
import type { RgbImage } from '../lib/rgb-image.js';
import { boxBlurRgb, resampleRgb } from './image-ops.js';

export interface PrintLook {
  blackLevel: number;
  whiteLevel: number;
  saturation: number;
  /** Paper margin, fraction of the picture's width on each side. */
  margin: number;
}

export function randomPrintLook(rng: SeededRandom): PrintLook {
  return { blackLevel: rng.uniform(12, 35), whiteLevel: rng.uniform(215, 245), saturation: rng.uniform(0.7, 0.95), margin: rng.uniform(0.02, 0.08) };
}

/** The printed sheet's texture; `marginPx` says where the picture sits in it. */
export function printTexture(photo: RgbImage, look: PrintLook): { texture: RgbImage; marginPx: number } {
  const m = Math.round(photo.width * look.margin);
  const w = photo.width + 2 * m, h = photo.height + 2 * m;
  const rgb = new Uint8Array(w * h * 3).fill(Math.round(look.whiteLevel));
  const range = (look.whiteLevel - look.blackLevel) / 255;
  for (let y = 0; y < photo.height; y++) {
    for (let x = 0; x < photo.width; x++) {
      const i = (y * photo.width + x) * 3;
      const grey = 0.299 * photo.rgb[i] + 0.587 * photo.rgb[i + 1] + 0.114 * photo.rgb[i + 2];
      const o = ((y + m) * w + x + m) * 3;
      for (let c = 0; c < 3; c++) rgb[o + c] = look.blackLevel + range * (grey + look.saturation * (photo.rgb[i + c] - grey));
    }
  }
  return { texture: { width: w, height: h, rgb }, marginPx: m };
}

export interface ScreenLook {
  /** Display pixels across the picture. */
  pixelsAcross: number;
  /** Display gamma relative to the camera's (1 = faithful). */
  gamma: number;
  brightness: number;
  /** Glare spot: centre (fraction of the picture), radius (fraction of width), strength (levels added). */
  glare: readonly [number, number, number, number];
  /** Bezel width, fraction of the picture's width. */
  bezel: number;
}

export function randomScreenLook(rng: SeededRandom, pixelsAcross: number): ScreenLook {
  return {
    pixelsAcross,
    gamma: rng.uniform(0.8, 1.25),
    brightness: rng.uniform(0.85, 1.15),
    glare: [rng.uniform(0.1, 0.9), rng.uniform(0.1, 0.9), rng.uniform(0.15, 0.4), rng.uniform(20, 90)],
    bezel: rng.uniform(0.03, 0.08),
  };
}

/** Texels per display pixel in each direction (its three stripes and a gap row). */
const SUBPIXELS = 3;

/** The lit screen's texture: the picture on a pixel grid, glare, bezel. */
export function screenTexture(picture: RgbImage, look: ScreenLook): { texture: RgbImage; bezelPx: number } {
  const across = look.pixelsAcross;
  const down = Math.max(1, Math.round((across * picture.height) / picture.width));
  const shown = resampleRgb(picture, 0, 0, picture.width, picture.height, across, down);
  const bezel = Math.round(across * look.bezel) * SUBPIXELS;
  const w = across * SUBPIXELS + 2 * bezel, h = down * SUBPIXELS + 2 * bezel;
  const rgb = new Uint8Array(w * h * 3).fill(12);
  const lut = new Float32Array(256);
  for (let v = 0; v < 256; v++) lut[v] = 255 * Math.min(1, look.brightness * (v / 255) ** look.gamma);
  const [gx, gy, gr, gs] = look.glare;
  for (let py = 0; py < down; py++) {
    for (let px = 0; px < across; px++) {
      const i = (py * across + px) * 3;
      const d2 = ((px / across - gx) ** 2 + ((py / across) - gy * (down / across)) ** 2) / (gr * gr);
      const glare = gs * Math.exp(-d2);
      for (let sy = 0; sy < SUBPIXELS; sy++) {
        // The last texel row of each display pixel is the dark gap between rows.
        const rowGain = sy === SUBPIXELS - 1 ? 0.75 : 1;
        for (let sx = 0; sx < SUBPIXELS; sx++) {
          const o = ((bezel + py * SUBPIXELS + sy) * w + bezel + px * SUBPIXELS + sx) * 3;
          // Stripe sx lights its own primary fully and leaks some of the others (a sharp grid of pure stripes is harsher than what a webcam resolves at a hand's distance).
          for (let c = 0; c < 3; c++) {
            const lit = lut[shown.rgb[i + c]] * (c === sx ? 1 : 0.6) * rowGain * 1.6;
            rgb[o + c] = Math.min(255, lit + glare);
          }
        }
      }
    }
  }
  // Half the grid's contrast: the webcam's optics blur a display seen from a hand's length, and an
  // unfiltered grid makes moiré strong enough that the face detector misses a fifth of the frames.
  const soft = boxBlurRgb({ width: w, height: h, rgb }, 1).rgb;
  for (let i = 0; i < rgb.length; i++) rgb[i] = (rgb[i] + soft[i]) >> 1;
  return { texture: { width: w, height: h, rgb }, bezelPx: bezel };
}
