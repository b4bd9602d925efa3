// Small RGB image operations the 2D generator needs: bilinear resize, a square crop with edge clamping,
// and a separable box blur.
import type { RgbImage } from '../lib/rgb-image.js';

/** Bilinear resample of the source rectangle (x0, y0, w, h; may reach past the edge, clamped) to outW×outH. */
export function resampleRgb(src: RgbImage, x0: number, y0: number, w: number, h: number, outW: number, outH: number): RgbImage {
  const out = new Uint8Array(outW * outH * 3);
  const sx = w / outW;
  const sy = h / outH;
  const { width: W, height: H, rgb } = src;
  for (let y = 0; y < outH; y++) {
    let fy = y0 + (y + 0.5) * sy - 0.5;
    fy = fy < 0 ? 0 : fy > H - 1.001 ? H - 1.001 : fy;
    const iy = fy | 0;
    const wy = fy - iy;
    for (let x = 0; x < outW; x++) {
      let fx = x0 + (x + 0.5) * sx - 0.5;
      fx = fx < 0 ? 0 : fx > W - 1.001 ? W - 1.001 : fx;
      const ix = fx | 0;
      const wx = fx - ix;
      const p = (iy * W + ix) * 3;
      const o = (y * outW + x) * 3;
      for (let c = 0; c < 3; c++) {
        const top = rgb[p + c] + (rgb[p + 3 + c] - rgb[p + c]) * wx;
        const bottom = rgb[p + W * 3 + c] + (rgb[p + W * 3 + 3 + c] - rgb[p + W * 3 + c]) * wx;
        out[o + c] = top + (bottom - top) * wy + 0.5;
      }
    }
  }
  return { width: outW, height: outH, rgb: out };
}

/** Box blur of the given radius (pixels), horizontal then vertical, edges clamped. */
export function boxBlurRgb(src: RgbImage, radius: number): RgbImage {
  if (radius < 1) return src;
  const { width: w, height: h } = src;
  const pass = (input: Uint8Array, horizontal: boolean): Uint8Array => {
    const out = new Uint8Array(input.length);
    const lines = horizontal ? h : w;
    const len = horizontal ? w : h;
    const step = horizontal ? 3 : w * 3;
    const span = 2 * radius + 1;
    for (let line = 0; line < lines; line++) {
      const base = horizontal ? line * w * 3 : line * 3;
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (let k = -radius; k <= radius; k++) sum += input[base + Math.min(len - 1, Math.max(0, k)) * step + c];
        for (let i = 0; i < len; i++) {
          out[base + i * step + c] = sum / span + 0.5;
          const leaving = Math.max(0, i - radius);
          const entering = Math.min(len - 1, i + radius + 1);
          sum += input[base + entering * step + c] - input[base + leaving * step + c];
        }
      }
    }
    return out;
  };
  return { width: w, height: h, rgb: pass(pass(src.rgb, true), false) };
}
