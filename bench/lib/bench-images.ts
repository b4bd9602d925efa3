// The fixed benchmark inputs: face-api's six demo photos (1920 px wide group shots, JPEG as shipped) and a
// selfie-like crop of one face from each (square, about twice the face box, re-encoded as JPEG q90 with
// jpeg-js), so both whole-photo and single-face latency are covered. The crop rectangles are constants:
// the face box face-api's SSD reported for its highest-scoring face, grown to a square of twice its
// larger side (sample 4's is clipped at the photo's top edge, so that face sits high in its crop).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { cropRgbImage, decodeRgbImage, encodeJpeg } from '../../eval/lib/rgb-image.js';

export interface BenchImage {
  readonly name: string;
  readonly bytes: Buffer;
}

const require = createRequire(import.meta.url);
const demoFolder = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo');

/** [sample number, x, y, side] of each crop, in the sample's pixel coordinates. */
const FACE_CROPS: readonly (readonly [number, number, number, number])[] = [
  [1, 265, 236, 476],
  [2, 1300, 32, 486],
  [3, 413, 193, 542],
  [4, 500, -77, 516],
  [5, 653, 3, 424],
  [6, 454, 168, 612],
];

export function loadBenchImages(): BenchImage[] {
  const photos = [1, 2, 3, 4, 5, 6].map((n) => ({ name: `sample${n}.jpg`, bytes: readFileSync(path.join(demoFolder, `sample${n}.jpg`)) }));
  const crops = FACE_CROPS.map(([n, x, y, side]) => ({
    name: `sample${n}-face.jpg`,
    bytes: encodeJpeg(cropRgbImage(decodeRgbImage(photos[n - 1].bytes), x, y, side, side), 90),
  }));
  return [...photos, ...crops];
}
