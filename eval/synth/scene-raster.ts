// A z-buffer rasteriser for the synthetic depth camera: triangles in camera coordinates (mm; x right,
// y down, z forward) drawn with perspective-correct depth, keeping the nearest surface per pixel and
// the material it belongs to (the noise and IR models depend on the material).
export interface PinholeIntrinsics {
  fx: number;
  fy: number;
  cx: number;
  cy: number;
}

/** What a surface is made of; its number indexes the per-scene material table. */
export type MaterialId = number;

export class SceneRaster {
  readonly width: number;
  readonly height: number;
  readonly intrinsics: PinholeIntrinsics;
  /** Ideal depth in mm along the optical axis; 0 where nothing was drawn. */
  readonly depth: Float32Array;
  readonly material: Uint8Array;

  constructor(width: number, height: number, intrinsics: PinholeIntrinsics) {
    this.width = width;
    this.height = height;
    this.intrinsics = intrinsics;
    this.depth = new Float32Array(width * height);
    this.material = new Uint8Array(width * height);
  }

  project(x: number, y: number, z: number): [number, number] {
    const { fx, fy, cx, cy } = this.intrinsics;
    return [(fx * x) / z + cx, (fy * y) / z + cy];
  }

  /** Draws a mesh: `points` xyz triples in camera mm, `triangles` index triples. */
  drawMesh(points: Float64Array, triangles: ArrayLike<number>, material: MaterialId): void {
    const n = points.length / 3;
    const u = new Float64Array(n);
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const z = points[i * 3 + 2];
      [u[i], v[i]] = z > 1 ? this.project(points[i * 3], points[i * 3 + 1], z) : [Number.NaN, Number.NaN];
    }
    for (let t = 0; t < triangles.length; t += 3) {
      const a = triangles[t];
      const b = triangles[t + 1];
      const c = triangles[t + 2];
      this.#drawTriangle(u[a], v[a], points[a * 3 + 2], u[b], v[b], points[b * 3 + 2], u[c], v[c], points[c * 3 + 2], material);
    }
  }

  #drawTriangle(
    x0: number, y0: number, z0: number, x1: number, y1: number, z1: number, x2: number, y2: number, z2: number,
    material: MaterialId,
  ): void {
    if (!(Number.isFinite(x0) && Number.isFinite(x1) && Number.isFinite(x2))) return;
    const area = (x1 - x0) * (y2 - y0) - (x2 - x0) * (y1 - y0);
    if (Math.abs(area) < 1e-9) return;
    const minX = Math.max(0, Math.ceil(Math.min(x0, x1, x2)));
    const maxX = Math.min(this.width - 1, Math.floor(Math.max(x0, x1, x2)));
    const minY = Math.max(0, Math.ceil(Math.min(y0, y1, y2)));
    const maxY = Math.min(this.height - 1, Math.floor(Math.max(y0, y1, y2)));
    const iz0 = 1 / z0;
    const iz1 = 1 / z1;
    const iz2 = 1 / z2;
    for (let py = minY; py <= maxY; py++) {
      for (let px = minX; px <= maxX; px++) {
        const w0 = ((x1 - px) * (y2 - py) - (x2 - px) * (y1 - py)) / area;
        const w1 = ((x2 - px) * (y0 - py) - (x0 - px) * (y2 - py)) / area;
        const w2 = 1 - w0 - w1;
        if (w0 < 0 || w1 < 0 || w2 < 0) continue;
        const z = 1 / (w0 * iz0 + w1 * iz1 + w2 * iz2);
        const k = py * this.width + px;
        const current = this.depth[k];
        if (current === 0 || z < current) {
          this.depth[k] = z;
          this.material[k] = material;
        }
      }
    }
  }
}

/** A rigid pose: rotation (yaw about y, pitch about x, roll about z, degrees) then translation (mm). */
export interface RigidPose {
  yawDeg: number;
  pitchDeg: number;
  rollDeg: number;
  translation: readonly [number, number, number];
}

/** Applies a pose to xyz triples (camera frame), returning new triples. */
export function transformPoints(points: Float64Array, pose: RigidPose): Float64Array {
  const [ya, pi, ro] = [pose.yawDeg, pose.pitchDeg, pose.rollDeg].map((d) => (d * Math.PI) / 180);
  const cy = Math.cos(ya), sy = Math.sin(ya), cp = Math.cos(pi), sp = Math.sin(pi), cr = Math.cos(ro), sr = Math.sin(ro);
  // R = Rz(roll) * Rx(pitch) * Ry(yaw)
  const ry = [cy, 0, sy, 0, 1, 0, -sy, 0, cy];
  const rx = [1, 0, 0, 0, cp, -sp, 0, sp, cp];
  const rz = [cr, -sr, 0, sr, cr, 0, 0, 0, 1];
  const r = mul3(rz, mul3(rx, ry));
  const out = new Float64Array(points.length);
  const [tx, ty, tz] = pose.translation;
  for (let i = 0; i < points.length; i += 3) {
    const x = points[i], y = points[i + 1], z = points[i + 2];
    out[i] = r[0] * x + r[1] * y + r[2] * z + tx;
    out[i + 1] = r[3] * x + r[4] * y + r[5] * z + ty;
    out[i + 2] = r[6] * x + r[7] * y + r[8] * z + tz;
  }
  return out;
}

function mul3(a: number[], b: number[]): number[] {
  const o = new Array<number>(9).fill(0);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 3; k++) o[i * 3 + j] += a[i * 3 + k] * b[k * 3 + j];
  return o;
}

/** A regular grid over [u0,u1]×[v0,v1] mapped through `surface`; `keep` may drop cells (eye holes). */
export function gridMesh(
  u0: number, u1: number, v0: number, v1: number, step: number,
  surface: (u: number, v: number) => [number, number, number],
  keep: (u: number, v: number) => boolean = () => true,
): { points: Float64Array; triangles: Uint32Array } {
  const nu = Math.max(1, Math.ceil((u1 - u0) / step));
  const nv = Math.max(1, Math.ceil((v1 - v0) / step));
  const points = new Float64Array((nu + 1) * (nv + 1) * 3);
  for (let j = 0; j <= nv; j++) {
    for (let i = 0; i <= nu; i++) {
      const p = surface(u0 + ((u1 - u0) * i) / nu, v0 + ((v1 - v0) * j) / nv);
      points.set(p, (j * (nu + 1) + i) * 3);
    }
  }
  const tris: number[] = [];
  for (let j = 0; j < nv; j++) {
    for (let i = 0; i < nu; i++) {
      const uc = u0 + ((u1 - u0) * (i + 0.5)) / nu;
      const vc = v0 + ((v1 - v0) * (j + 0.5)) / nv;
      if (!keep(uc, vc)) continue;
      const a = j * (nu + 1) + i;
      tris.push(a, a + 1, a + nu + 1, a + 1, a + nu + 2, a + nu + 1);
    }
  }
  return { points, triangles: Uint32Array.from(tris) };
}

/** An ellipsoid (head, hair) as a latitude/longitude mesh. */
export function ellipsoidMesh(center: readonly [number, number, number], radii: readonly [number, number, number], segments = 24): {
  points: Float64Array; triangles: Uint32Array;
} {
  return gridMesh(0, 2 * Math.PI, 0, Math.PI, (2 * Math.PI) / segments, (lon, lat) => [
    center[0] + radii[0] * Math.sin(lat) * Math.cos(lon),
    center[1] + radii[1] * Math.cos(lat),
    center[2] + radii[2] * Math.sin(lat) * Math.sin(lon),
  ]);
}
