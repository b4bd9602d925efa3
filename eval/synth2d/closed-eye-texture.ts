// The portrait's texture with its eyes painted shut, for the blink. Pulling the upper lid's mesh points
// down (head-model.ts closeLids) alone stretches the photo's upper lid (lashes, liner, the dark fold) and
// a sliver of iris over the eye, which a face landmarker still reads as a half-open eye. So, in the
// portrait's own pixels, the band the closing lid stretches over the eye (between the upper lid margin
// and the mesh ring above it) and the eye opening itself are repainted: lid skin sampled just above that
// ring, a little lighter toward the seam (the shut lid's bulge), ending in a dark lash line along the
// upper lid margin; the opening, squeezed to a sliver by the closed geometry, becomes the seam. The paint
// is blended in with the closure, so frames with open eyes show the photo untouched (and keep the
// subject's identity). The face engine's landmarker (MediaPipe's 468-point face mesh) still reads such an
// eye as narrowed rather than shut, as it does many real closed eyes: its eye aspect ratio drops by about
// a third, not to near zero (docs/remote-liveness.md).
import type { RgbImage } from '../lib/rgb-image.js';
import {
  LEFT_EYE_INNER, LEFT_EYE_OUTER, LEFT_LOWER_LID, LEFT_UPPER_LID, RIGHT_EYE_INNER, RIGHT_EYE_OUTER, RIGHT_LOWER_LID, RIGHT_UPPER_LID,
} from '../../src/liveness/facemesh-points.js';
import { boxBlurRgb } from './image-ops.js';
import type { Portrait } from './portrait-subjects.js';

/**
 * The canonical mesh's ring of vertices just above each upper lid, outer corner to inner (the far ends
 * of the triangles that share an edge with the upper lid and not with the lower: what closeLids stretches).
 */
export const RIGHT_LID_FOLD = [247, 30, 29, 27, 28, 56, 190] as const;
export const LEFT_LID_FOLD = [467, 260, 259, 257, 258, 286, 414] as const;


const EYES = [
  { outer: RIGHT_EYE_OUTER, inner: RIGHT_EYE_INNER, upper: RIGHT_UPPER_LID, lower: RIGHT_LOWER_LID, fold: RIGHT_LID_FOLD },
  { outer: LEFT_EYE_OUTER, inner: LEFT_EYE_INNER, upper: LEFT_UPPER_LID, lower: LEFT_LOWER_LID, fold: LEFT_LID_FOLD },
] as const;

/** Lash line thickness once closed, times the eye's width. */
const LASH_LINE = 0.04;
/** Lash colour: the lid skin times this. */
const LASH_SHADE = 0.2;
/** The lid's brightness changes by this fraction from the fold to the lash line (negative: lighter, the shut lid's bulge catching the light). */
const LID_SHADING = -0.15;
/** How far above the fold ring the skin colour is sampled, times the eye's width. */
const SKIN_ABOVE_FOLD = 0.15;
/** Closed-geometry share of the opening the upper lid travels (head-model.ts closeLids). */
const LID_TRAVEL = 0.9;

/** The painted pixels of one portrait: where (texture pixel index), what colour, and how much (0..1). */
interface EyePaint {
  index: Int32Array;
  rgb: Uint8Array;
  alpha: Float32Array;
}

const paints = new WeakMap<Portrait, EyePaint>();

/** The portrait's texture for an eye closure of 0 (open: the photo itself) .. 1 (shut). */
export function closedEyeTexture(portrait: Portrait, eyeClosure: number): RgbImage {
  const weight = smoothstep(Math.min(1, Math.max(0, eyeClosure)));
  if (weight <= 0) return portrait.texture;
  let paint = paints.get(portrait);
  if (!paint) {
    paint = paintClosedEyes(portrait);
    paints.set(portrait, paint);
  }
  const rgb = Uint8Array.from(portrait.texture.rgb);
  for (let k = 0; k < paint.index.length; k++) {
    const a = paint.alpha[k] * weight, o = paint.index[k] * 3;
    for (let c = 0; c < 3; c++) rgb[o + c] += (paint.rgb[k * 3 + c] - rgb[o + c]) * a + 0.5;
  }
  return { width: portrait.texture.width, height: portrait.texture.height, rgb };
}

function paintClosedEyes(portrait: Portrait): EyePaint {
  const { texture, landmarks } = portrait;
  const pt = (i: number): [number, number] => [landmarks[i * 2], landmarks[i * 2 + 1]];
  const eyeWidth = Math.min(...EYES.map((e) => Math.hypot(pt(e.inner)[0] - pt(e.outer)[0], pt(e.inner)[1] - pt(e.outer)[1])));
  // Skin is sampled from a blurred copy: a smooth lid, not streaks of single pixels.
  const blurred = boxBlurRgb(texture, Math.max(1, Math.round(eyeWidth / 12)));
  const index: number[] = [], rgb: number[] = [], alpha: number[] = [];
  for (const eye of EYES) paintEye(eye, pt, texture, blurred, index, rgb, alpha);
  return { index: Int32Array.from(index), rgb: Uint8Array.from(rgb), alpha: Float32Array.from(alpha) };
}

type Eye = (typeof EYES)[number];

function paintEye(eye: Eye, pt: (i: number) => [number, number], texture: RgbImage, blurred: RgbImage, index: number[], rgb: number[], alpha: number[]): void {
  // The eye's own frame: s from the outer corner (0) to the inner (1), t across it in eye widths, positive down the face.
  const [ox, oy] = pt(eye.outer), [ix, iy] = pt(eye.inner);
  const width = Math.hypot(ix - ox, iy - oy);
  const ax = (ix - ox) / width, ay = (iy - oy) / width;
  const down = ax >= 0 ? 1 : -1; // the normal (-ay, ax) points down the face when the axis runs left to right
  const nx = -ay * down, ny = ax * down;
  const local = (x: number, y: number): [number, number] => [((x - ox) * ax + (y - oy) * ay) / width, ((x - ox) * nx + (y - oy) * ny) / width];
  const image = (s: number, t: number): [number, number] => [ox + (s * ax + t * nx) * width, oy + (s * ay + t * ny) * width];
  const curve = (ids: readonly number[], withCorners: boolean) => polyline([
    ...(withCorners ? [eye.outer] : []), ...ids, ...(withCorners ? [eye.inner] : []),
  ].map((i) => local(...pt(i))));
  const upper = curve(eye.upper, true), lower = curve(eye.lower, true), fold = curve(eye.fold, false);

  // The texture pixels around the eye, from the fold to the lower lid.
  const around = [eye.outer, eye.inner, ...eye.upper, ...eye.lower, ...eye.fold].map(pt);
  const margin = 0.1 * width;
  const x0 = Math.max(0, Math.floor(Math.min(...around.map((p) => p[0])) - margin));
  const x1 = Math.min(texture.width - 1, Math.ceil(Math.max(...around.map((p) => p[0])) + margin));
  const y0 = Math.max(0, Math.floor(Math.min(...around.map((p) => p[1])) - margin));
  const y1 = Math.min(texture.height - 1, Math.ceil(Math.max(...around.map((p) => p[1])) + margin));
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const [s, t] = local(x + 0.5, y + 0.5);
      if (s < -0.02 || s > 1.02) continue;
      const top = fold(s), lid = upper(s), bottom = lower(s);
      if (t < top || t > bottom + 0.01) continue;
      // Lid skin: the blurred photo just above the fold, in this column (kept off the corners' edges).
      const skin = sample(blurred, ...image(Math.min(0.9, Math.max(0.1, s)), top - SKIN_ABOVE_FOLD));
      const band = Math.max(1e-3, lid - top);
      // The lash line's share of the band, so that it is LASH_LINE thick once the band is stretched shut.
      const lash = Math.min(0.5, LASH_LINE / (band + LID_TRAVEL * Math.max(0, bottom - lid)));
      const f = t <= lid ? (t - top) / band : 1;
      const shade = 1 - LID_SHADING * f;
      const dark = smoothstep(Math.min(1, Math.max(0, (f - (1 - lash)) / lash + 0.5)));
      const gain = shade * (1 - dark) + LASH_SHADE * dark;
      // Feathered into the photo at the fold and at the corners, so no edge shows.
      const a = smoothstep(Math.min(1, f / 0.3)) * smoothstep(Math.min(1, Math.max(0, Math.min(s + 0.02, 1.02 - s) / 0.1)));
      if (a <= 0) continue;
      index.push(y * texture.width + x);
      rgb.push(...skin.map((v) => Math.min(255, Math.round(v * gain))));
      alpha.push(a);
    }
  }
}

/** t as a function of s along points given in the eye frame (linear between them, held flat past the ends). */
function polyline(points: [number, number][]): (s: number) => number {
  const sorted = [...points].sort((p, q) => p[0] - q[0]);
  return (s) => {
    if (s <= sorted[0][0]) return sorted[0][1];
    for (let i = 1; i < sorted.length; i++) {
      const [s1, t1] = sorted[i];
      if (s <= s1) {
        const [s0, t0] = sorted[i - 1];
        return s1 - s0 < 1e-9 ? t1 : t0 + ((s - s0) / (s1 - s0)) * (t1 - t0);
      }
    }
    return sorted[sorted.length - 1][1];
  };
}

function sample(image: RgbImage, x: number, y: number): [number, number, number] {
  const px = Math.min(image.width - 1, Math.max(0, Math.round(x - 0.5))), py = Math.min(image.height - 1, Math.max(0, Math.round(y - 0.5)));
  const o = (py * image.width + px) * 3;
  return [image.rgb[o], image.rgb[o + 1], image.rgb[o + 2]];
}

const smoothstep = (x: number) => x * x * (3 - 2 * x);
