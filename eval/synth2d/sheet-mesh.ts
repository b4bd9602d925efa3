// A flat or cylindrically bent sheet (a print, a screen) carrying a texture, placed in front of the
// camera. Sheet coordinates: texture pixels scaled to millimetres about an anchor (the face centre),
// x right, y down; the bend is a cylinder about the vertical axis through the anchor.
import type { RgbImage } from '../lib/rgb-image.js';
import { transformPoints, type RigidPose } from '../synth/scene-raster.js';
import type { TexturedMesh } from './textured-raster.js';

export interface SheetPlacement {
  texture: RgbImage;
  /** Texture pixels per millimetre of sheet. */
  pixelsPerMm: number;
  /** The texture point placed at the pose's translation. */
  anchor: readonly [number, number];
  /** Cylinder radius (mm), sign: + edges bend away from the camera; 0 or Infinity: flat. */
  bendRadiusMm: number;
  pose: RigidPose;
  /** Grid cells across and down (a bent sheet needs more columns). */
  cells: readonly [number, number];
}

export function sheetMesh(s: SheetPlacement): TexturedMesh {
  const [nu, nv] = s.cells;
  const { width: tw, height: th } = s.texture;
  const count = (nu + 1) * (nv + 1);
  const local = new Float64Array(count * 3);
  const uv = new Float64Array(count * 2);
  const r = s.bendRadiusMm;
  const bent = Number.isFinite(r) && r !== 0;
  for (let j = 0; j <= nv; j++) {
    for (let i = 0; i <= nu; i++) {
      const k = j * (nu + 1) + i;
      const u = (tw * i) / nu, v = (th * j) / nv;
      uv[k * 2] = u;
      uv[k * 2 + 1] = v;
      const x = (u - s.anchor[0]) / s.pixelsPerMm;
      const y = (v - s.anchor[1]) / s.pixelsPerMm;
      if (bent) {
        const a = x / Math.abs(r);
        local.set([Math.abs(r) * Math.sin(a), y, Math.sign(r) * Math.abs(r) * (1 - Math.cos(a))], k * 3);
      } else {
        local.set([x, y, 0], k * 3);
      }
    }
  }
  const tris: number[] = [];
  for (let j = 0; j < nv; j++) {
    for (let i = 0; i < nu; i++) {
      const a = j * (nu + 1) + i;
      tris.push(a, a + 1, a + nu + 1, a + 1, a + nu + 2, a + nu + 1);
    }
  }
  return { points: transformPoints(local, s.pose), uv, triangles: Uint32Array.from(tris), texture: s.texture };
}
