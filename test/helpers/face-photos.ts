// Face photos for verification tests, cut from the group photos that ship in @vladmandic/face-api's
// demo folder (npm package, so a fresh clone has them). Each entry is one person's face: a crop around
// it holds only that face. Decoding/encoding is pure JS (jpeg-js), so no image tool is needed.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import jpeg from 'jpeg-js';

const require = createRequire(import.meta.url);
const demoDir = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo');

/** Face centres (pixels) in the demo photos, read off the images; `half` is half the face region side. */
export const DEMO_FACES = {
  /** sample6.jpg, rightmost woman. */
  personA: { file: 'sample6.jpg', cx: 1625, cy: 380, half: 190 },
  /** sample6.jpg, second from the left. */
  personB: { file: 'sample6.jpg', cx: 756, cy: 420, half: 190 },
  /** sample3.jpg, leftmost woman. */
  personC: { file: 'sample3.jpg', cx: 703, cy: 489, half: 200 },
} as const;
export type DemoFace = keyof typeof DEMO_FACES;

interface Rgba { width: number; height: number; data: Uint8Array }
const decoded = new Map<string, Rgba>();

function demoImage(file: string): Rgba {
  let img = decoded.get(file);
  if (!img) {
    img = jpeg.decode(readFileSync(path.join(demoDir, file)), { useTArray: true, maxMemoryUsageInMB: 256 }) as Rgba;
    decoded.set(file, img);
  }
  return img;
}

/** The whole demo photo's bytes (a group photo: several faces). */
export function demoPhotoBytes(file: string): Buffer {
  return readFileSync(path.join(demoDir, file));
}

/**
 * A JPEG of `who`'s face: the source region (centre ± half·zoom horizontally, scaled to the output
 * aspect) resampled bilinearly to width×height. zoom > 1 shows more of the surroundings.
 */
export function faceJpeg(who: DemoFace, opts: { width?: number; height?: number; zoom?: number; quality?: number; dx?: number; dy?: number } = {}): Buffer {
  const face = DEMO_FACES[who];
  const img = demoImage(face.file);
  const width = opts.width ?? 400;
  const height = opts.height ?? 400;
  const halfW = face.half * (opts.zoom ?? 1);
  const halfH = (halfW * height) / width;
  const x0 = face.cx + (opts.dx ?? 0) - halfW;
  const y0 = face.cy + (opts.dy ?? 0) - halfH;
  const sx = (2 * halfW) / width;
  const sy = (2 * halfH) / height;
  const out = Buffer.alloc(width * height * 4);
  const px = (x: number, y: number, c: number) => {
    const cx = Math.min(img.width - 1, Math.max(0, x));
    const cy = Math.min(img.height - 1, Math.max(0, y));
    return img.data[(cy * img.width + cx) * 4 + c];
  };
  for (let y = 0; y < height; y++) {
    const fy = y0 + (y + 0.5) * sy - 0.5;
    const iy = Math.floor(fy);
    const wy = fy - iy;
    for (let x = 0; x < width; x++) {
      const fx = x0 + (x + 0.5) * sx - 0.5;
      const ix = Math.floor(fx);
      const wx = fx - ix;
      for (let c = 0; c < 3; c++) {
        const top = px(ix, iy, c) * (1 - wx) + px(ix + 1, iy, c) * wx;
        const bottom = px(ix, iy + 1, c) * (1 - wx) + px(ix + 1, iy + 1, c) * wx;
        out[(y * width + x) * 4 + c] = Math.round(top * (1 - wy) + bottom * wy);
      }
      out[(y * width + x) * 4 + 3] = 255;
    }
  }
  return Buffer.from(jpeg.encode({ data: out, width, height }, opts.quality ?? 90).data);
}

/** Chromium's fake camera plays an .mjpeg file: JPEG frames back to back (it loops at the end). */
export function mjpegOf(frame: Buffer, count = 30): Buffer {
  return Buffer.concat(Array.from({ length: count }, () => frame));
}
