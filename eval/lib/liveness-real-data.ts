// Real RGB-D frames for `npm run eval:liveness -- --data DIR`: DIR/captures.json lists
// [{"depth": "a.png", "ir": "a-ir.png"?, "depthUnitMm": 1, "intrinsics": {fx, fy, cx, cy},
//   "landmarks": [468 x (x, y[, z])], "label": "bona-fide" | species}], PNG paths relative to DIR.
// Landmarks come from the face engine run on the matching colour frames (not read here).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { decodeGreyPng } from '../../src/liveness/depth-png.js';
import type { DepthFrame } from '../../src/liveness/capture.js';

export interface RealCapture {
  label: string;
  frame: DepthFrame;
  landmarks: number[];
  source: string;
}

export function loadRealCaptures(dir: string, maxPixels: number): RealCapture[] {
  const listPath = path.join(dir, 'captures.json');
  const list = JSON.parse(readFileSync(listPath, 'utf8')) as unknown;
  if (!Array.isArray(list)) throw new Error(`${listPath}: a JSON array expected`);
  return list.map((entry: any, i: number) => {
    const where = `${listPath}[${i}]`;
    if (typeof entry?.depth !== 'string' || typeof entry?.label !== 'string' || !Array.isArray(entry?.landmarks)) {
      throw new Error(`${where}: {depth, label, landmarks, intrinsics, depthUnitMm} required`);
    }
    const depth = decodeGreyPng(readFileSync(path.join(dir, entry.depth)), 'depth', [16], maxPixels);
    const ir = typeof entry.ir === 'string' ? decodeGreyPng(readFileSync(path.join(dir, entry.ir)), 'ir', [8, 16], maxPixels) : undefined;
    return {
      label: entry.label,
      source: entry.depth,
      landmarks: entry.landmarks,
      frame: {
        width: depth.header.width, height: depth.header.height, depth: depth.values as Uint16Array,
        depthUnitMm: entry.depthUnitMm ?? 1, intrinsics: entry.intrinsics,
        ir: ir ? { values: ir.values, bits: ir.header.bitDepth as 8 | 16 } : undefined,
      },
    };
  });
}
