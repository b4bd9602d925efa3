// What stands behind the subject: a wall (vertical gradient in a random muted colour) with a few soft,
// darker or lighter rectangles (a door, a shelf, a picture), blurred as a webcam focused on a face at
// half a metre sees a wall a metre or two further back.
import type { SeededRandom } from '../../src/liveness/random-source.js';
import type { RgbImage } from '../lib/rgb-image.js';
import { boxBlurRgb } from './image-ops.js';

export function roomBackdrop(width: number, height: number, rng: SeededRandom): RgbImage {
  const base = [rng.uniform(90, 200), rng.uniform(90, 200), rng.uniform(80, 190)];
  const rgb = new Uint8Array(width * height * 3);
  const shade = rng.uniform(0.7, 1);
  for (let y = 0; y < height; y++) {
    const g = shade + (1 - shade) * (y / height);
    for (let x = 0; x < width; x++) for (let c = 0; c < 3; c++) rgb[(y * width + x) * 3 + c] = base[c] * g;
  }
  const shapes = rng.int(2, 5);
  for (let s = 0; s < shapes; s++) {
    const w = rng.uniform(0.1, 0.4) * width, h = rng.uniform(0.1, 0.6) * height;
    const x0 = rng.uniform(-0.1, 0.9) * width, y0 = rng.uniform(-0.1, 0.9) * height;
    const tint = [rng.uniform(0.5, 1.4), rng.uniform(0.5, 1.4), rng.uniform(0.5, 1.4)];
    for (let y = Math.max(0, Math.floor(y0)); y < Math.min(height, y0 + h); y++) {
      for (let x = Math.max(0, Math.floor(x0)); x < Math.min(width, x0 + w); x++) {
        for (let c = 0; c < 3; c++) {
          const k = (y * width + x) * 3 + c;
          rgb[k] = Math.min(255, rgb[k] * tint[c]);
        }
      }
    }
  }
  return boxBlurRgb({ width, height, rgb }, Math.max(1, Math.round(width / 160)));
}
