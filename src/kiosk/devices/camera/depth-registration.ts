// Depth aligned to the colour frame, as the appliance expects (docs/liveness.md: the depth PNG has the
// colour frame's size and pixel grid). A RealSense D4xx over plain uvcvideo delivers depth in its own
// imager's frame; without the vendor SDK the agent aligns it itself from the calibration in kiosk.json:
// each depth pixel is back-projected to 3D with the depth intrinsics, moved by the depth-to-colour
// extrinsics, and its footprint (the projections of its two opposite corners) filled in the colour grid,
// keeping the nearest surface where several land (the method of librealsense's align-to-colour).
import type { Intrinsics } from '../../config/kiosk-config.js';

const EPS = 1e-6;

export interface Extrinsics {
  /** Row-major 3x3 rotation, depth frame to colour frame. */
  rotation: readonly number[];
  translationMm: readonly number[];
}

/** Z16 little-endian bytes as millimetres (0 stays 0 = no data; values past 65535 mm are dropped). */
export function z16ToMillimetres(z16: Buffer, width: number, height: number, depthUnitMm: number): Uint16Array {
  if (z16.length !== width * height * 2) throw new RangeError(`a Z16 ${width}x${height} frame holds ${width * height * 2} bytes, not ${z16.length}`);
  const out = new Uint16Array(width * height);
  for (let i = 0; i < out.length; i++) {
    const mm = Math.round(z16.readUInt16LE(i * 2) * depthUnitMm);
    out[i] = mm > 65535 ? 0 : mm;
  }
  return out;
}

export function registerDepthToColour(
  depthMm: Uint16Array, depthSize: { width: number; height: number }, depthIntrinsics: Intrinsics,
  colourSize: { width: number; height: number }, colourIntrinsics: Intrinsics, extrinsics: Extrinsics,
): Uint16Array {
  const out = new Uint16Array(colourSize.width * colourSize.height);
  const [r0, r1, r2, r3, r4, r5, r6, r7, r8] = extrinsics.rotation;
  const [tx, ty, tz] = extrinsics.translationMm;
  const d = depthIntrinsics;
  const c = colourIntrinsics;
  // Colour pixel of the depth-image point (u, v) at depth z (mm), or null behind the colour camera.
  const project = (u: number, v: number, z: number): [number, number, number] | null => {
    const x = ((u - d.cx) / d.fx) * z;
    const y = ((v - d.cy) / d.fy) * z;
    const X = r0 * x + r1 * y + r2 * z + tx;
    const Y = r3 * x + r4 * y + r5 * z + ty;
    const Z = r6 * x + r7 * y + r8 * z + tz;
    if (Z <= 0) return null;
    return [(X / Z) * c.fx + c.cx, (Y / Z) * c.fy + c.cy, Z];
  };
  for (let v = 0; v < depthSize.height; v++) {
    for (let u = 0; u < depthSize.width; u++) {
      const z = depthMm[v * depthSize.width + u];
      if (z === 0) continue;
      const a = project(u - 0.5, v - 0.5, z);
      const b = project(u + 0.5, v + 0.5, z);
      if (!a || !b) continue;
      const zc = Math.min(65535, Math.round((a[2] + b[2]) / 2));
      // Colour pixels whose centres lie in [a, b) (EPS absorbs rounding, so adjacent footprints neither gap nor overlap).
      const x0 = Math.max(0, Math.ceil(Math.min(a[0], b[0]) - EPS)), x1 = Math.min(colourSize.width - 1, Math.ceil(Math.max(a[0], b[0]) - EPS) - 1);
      const y0 = Math.max(0, Math.ceil(Math.min(a[1], b[1]) - EPS)), y1 = Math.min(colourSize.height - 1, Math.ceil(Math.max(a[1], b[1]) - EPS) - 1);
      for (let y = y0; y <= y1; y++) {
        for (let x = x0; x <= x1; x++) {
          const i = y * colourSize.width + x;
          if (out[i] === 0 || zc < out[i]) out[i] = zc;
        }
      }
    }
  }
  return out;
}
