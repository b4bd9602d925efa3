// A RealSense-D4xx-like active-stereo depth camera applied to an ideal depth map: stereo shadows left
// of foreground edges, flying pixels across depth edges, holes (more on glossy screens), disparity
// noise (so depth noise grows with distance squared), 1/32-pixel disparity steps, a range window and
// millimetre output. Also an 8-bit IR image of the projector-lit scene (reflectance / distance²).
import type { SeededRandom } from '../../src/liveness/random-source.js';
import type { SceneRaster } from './scene-raster.js';

export interface SurfaceMaterial {
  /** 850 nm reflectance, 0..1: skin ~0.5, paper brighter, LCD/OLED screens dark. */
  irReflectance: number;
  /** Extra fraction of pixels lost to holes (specular glass, low texture). */
  holeFraction: number;
}

export interface StereoCameraModel {
  baselineMm: number;
  /** Disparity noise, pixels (1 sigma). */
  disparityNoisePx: number;
  /** Disparity is reported in these steps (D4xx: 1/32 px). */
  disparityStepPx: number;
  minRangeMm: number;
  maxRangeMm: number;
  /** Chance that an edge pixel takes an in-between depth. */
  flyingPixelChance: number;
  /** Depth jump (mm) that counts as an edge for flying pixels. */
  edgeJumpMm: number;
  /** Fraction of pixels lost to random holes on any surface. */
  baseHoleFraction: number;
  /** IR exposure gain (auto-exposure varies it capture to capture). */
  irGain: number;
}

export const D4XX_LIKE: StereoCameraModel = {
  baselineMm: 50,
  disparityNoisePx: 0.08,
  disparityStepPx: 1 / 32,
  minRangeMm: 200,
  maxRangeMm: 6000,
  flyingPixelChance: 0.5,
  edgeJumpMm: 30,
  baseHoleFraction: 0.004,
  irGain: 1,
};

/** Turns the ideal depth map into what the camera would report, in whole millimetres. */
export function simulateDepthSensor(
  scene: SceneRaster, materials: readonly SurfaceMaterial[], camera: StereoCameraModel, rng: SeededRandom,
): Uint16Array {
  const { width: w, height: h } = scene;
  const fb = scene.intrinsics.fx * camera.baselineMm;
  const z = Float32Array.from(scene.depth);
  stereoShadow(z, w, h, fb);
  flyingPixels(z, scene.depth, w, h, camera, rng);
  punchHoles(z, scene.material, w, h, materials, camera.baseHoleFraction, rng);
  const out = new Uint16Array(w * h);
  for (let k = 0; k < z.length; k++) {
    const zk = z[k];
    if (zk <= 0) continue;
    let disparity = fb / zk + camera.disparityNoisePx * rng.normal();
    disparity = Math.round(disparity / camera.disparityStepPx) * camera.disparityStepPx;
    if (disparity <= 0) continue;
    const measured = fb / disparity;
    if (measured < camera.minRangeMm || measured > camera.maxRangeMm) continue;
    out[k] = Math.min(65535, Math.round(measured));
  }
  return out;
}

// The right imager sits `baseline` to the right: a point is hidden from it when a nearer point to its
// right lands at or left of it in the right image. One right-to-left pass per row.
function stereoShadow(z: Float32Array, w: number, h: number, fb: number): void {
  for (let y = 0; y < h; y++) {
    let reach = Number.POSITIVE_INFINITY;
    for (let x = w - 1; x >= 0; x--) {
      const k = y * w + x;
      if (z[k] <= 0) continue;
      const xr = x - fb / z[k];
      if (reach < xr - 0.5) z[k] = 0;
      else reach = Math.min(reach, xr);
    }
  }
}

function flyingPixels(z: Float32Array, ideal: Float32Array, w: number, h: number, camera: StereoCameraModel, rng: SeededRandom): void {
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const k = y * w + x;
      const here = ideal[k];
      if (here <= 0) continue;
      let far = here;
      for (const n of [k - 1, k + 1, k - w, k + w]) if (ideal[n] > far) far = ideal[n];
      if (far - here > camera.edgeJumpMm && z[k] > 0 && rng.chance(camera.flyingPixelChance)) {
        z[k] = here + (far - here) * rng.next();
      }
    }
  }
}

// Holes come in small blobs, as on a real sensor, not as salt noise.
function punchHoles(
  z: Float32Array, material: Uint8Array, w: number, h: number, materials: readonly SurfaceMaterial[], base: number, rng: SeededRandom,
): void {
  const meanBlobArea = 7;
  for (let k = 0; k < z.length; k++) {
    if (z[k] <= 0) continue;
    const fraction = base + (materials[material[k]]?.holeFraction ?? 0);
    if (!rng.chance(fraction / meanBlobArea)) continue;
    const r = rng.uniform(0.8, 2.2);
    const cx = k % w;
    const cy = Math.floor(k / w);
    for (let dy = -Math.ceil(r); dy <= Math.ceil(r); dy++) {
      for (let dx = -Math.ceil(r); dx <= Math.ceil(r); dx++) {
        const x = cx + dx;
        const y = cy + dy;
        if (x >= 0 && y >= 0 && x < w && y < h && dx * dx + dy * dy <= r * r) z[y * w + x] = 0;
      }
    }
  }
}

/** 8-bit IR: reflectance × gain × (500 mm / z)², lit by the projector beside the lens, with read noise. */
export function simulateIrImage(
  scene: SceneRaster, materials: readonly SurfaceMaterial[], camera: StereoCameraModel, rng: SeededRandom,
): Uint8Array {
  const out = new Uint8Array(scene.depth.length);
  for (let k = 0; k < out.length; k++) {
    const zk = scene.depth[k];
    const reflect = zk > 0 ? (materials[scene.material[k]]?.irReflectance ?? 0) : 0;
    const lit = zk > 0 ? 200 * reflect * camera.irGain * (500 / zk) ** 2 : 0;
    out[k] = Math.max(0, Math.min(255, Math.round(lit + 6 + 2 * rng.normal())));
  }
  return out;
}
