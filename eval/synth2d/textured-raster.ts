// A colour z-buffer rasteriser for the 2D synthetic webcam: triangles in camera coordinates (mm; x right,
// y down, z forward) carrying texture coordinates into an RGB image, drawn with perspective projection,
// perspective-correct texturing (u/z, v/z, 1/z interpolated) and bilinear sampling; the nearest surface
// wins per pixel. One pass per frame, no lighting: the photo's own shading is the shading.
import type { RgbImage } from '../lib/rgb-image.js';
import type { PinholeIntrinsics } from '../synth/scene-raster.js';

/** A textured mesh: xyz triples (camera mm), uv pairs (texture pixels), index triples. */
export interface TexturedMesh {
  points: Float64Array;
  uv: Float64Array;
  triangles: ArrayLike<number>;
  texture: RgbImage;
}

export class TexturedRaster {
  readonly width: number;
  readonly height: number;
  readonly intrinsics: PinholeIntrinsics;
  readonly rgb: Uint8Array;
  /** 1/z of the surface drawn per pixel (0: nothing yet, so anything drawn is nearer). */
  readonly inverseDepth: Float32Array;

  constructor(width: number, height: number, intrinsics: PinholeIntrinsics) {
    this.width = width;
    this.height = height;
    this.intrinsics = intrinsics;
    this.rgb = new Uint8Array(width * height * 3);
    this.inverseDepth = new Float32Array(width * height);
  }

  /** Copies a same-size RGB image in as the backdrop (infinitely far: anything drawn covers it). */
  fillFrom(backdrop: RgbImage): void {
    if (backdrop.width !== this.width || backdrop.height !== this.height) throw new RangeError('backdrop size differs from the frame');
    this.rgb.set(backdrop.rgb);
    this.inverseDepth.fill(0);
  }

  image(): RgbImage {
    return { width: this.width, height: this.height, rgb: this.rgb };
  }

  /** Screen position of a camera-space point. */
  project(x: number, y: number, z: number): [number, number] {
    const { fx, fy, cx, cy } = this.intrinsics;
    return [(fx * x) / z + cx, (fy * y) / z + cy];
  }

  draw(mesh: TexturedMesh): void {
    const { points, uv, triangles, texture } = mesh;
    const n = points.length / 3;
    const sx = new Float64Array(n);
    const sy = new Float64Array(n);
    const iz = new Float64Array(n);
    const { fx, fy, cx, cy } = this.intrinsics;
    for (let i = 0; i < n; i++) {
      const z = points[i * 3 + 2];
      if (z <= 1) {
        iz[i] = Number.NaN;
        continue;
      }
      iz[i] = 1 / z;
      sx[i] = fx * points[i * 3] * iz[i] + cx;
      sy[i] = fy * points[i * 3 + 1] * iz[i] + cy;
    }
    for (let t = 0; t < triangles.length; t += 3) {
      const a = triangles[t], b = triangles[t + 1], c = triangles[t + 2];
      if (Number.isNaN(iz[a]) || Number.isNaN(iz[b]) || Number.isNaN(iz[c])) continue;
      this.#triangle(sx, sy, iz, uv, a, b, c, texture);
    }
  }

  #triangle(sx: Float64Array, sy: Float64Array, iz: Float64Array, uv: Float64Array, a: number, b: number, c: number, tex: RgbImage): void {
    const x0 = sx[a], y0 = sy[a], x1 = sx[b], y1 = sy[b], x2 = sx[c], y2 = sy[c];
    const area = (x1 - x0) * (y2 - y0) - (x2 - x0) * (y1 - y0);
    if (Math.abs(area) < 1e-9) return;
    const minX = Math.max(0, Math.ceil(Math.min(x0, x1, x2) - 0.5));
    const maxX = Math.min(this.width - 1, Math.floor(Math.max(x0, x1, x2) - 0.5));
    const minY = Math.max(0, Math.ceil(Math.min(y0, y1, y2) - 0.5));
    const maxY = Math.min(this.height - 1, Math.floor(Math.max(y0, y1, y2) - 0.5));
    if (minX > maxX || minY > maxY) return;
    // Attributes divided by z interpolate linearly in screen space.
    const q0 = iz[a], q1 = iz[b], q2 = iz[c];
    const u0 = uv[a * 2] * q0, u1 = uv[b * 2] * q1, u2 = uv[c * 2] * q2;
    const v0 = uv[a * 2 + 1] * q0, v1 = uv[b * 2 + 1] * q1, v2 = uv[c * 2 + 1] * q2;
    const inv = 1 / area;
    const { rgb, inverseDepth, width } = this;
    const tw = tex.width, th = tex.height, trgb = tex.rgb;
    for (let py = minY; py <= maxY; py++) {
      const cyp = py + 0.5;
      for (let px = minX; px <= maxX; px++) {
        const cxp = px + 0.5;
        const w0 = ((x1 - cxp) * (y2 - cyp) - (x2 - cxp) * (y1 - cyp)) * inv;
        const w1 = ((x2 - cxp) * (y0 - cyp) - (x0 - cxp) * (y2 - cyp)) * inv;
        const w2 = 1 - w0 - w1;
        if (w0 < 0 || w1 < 0 || w2 < 0) continue;
        const q = w0 * q0 + w1 * q1 + w2 * q2;
        const k = py * width + px;
        if (q <= inverseDepth[k]) continue;
        inverseDepth[k] = q;
        // Texture lookup, bilinear, clamped to the edge.
        let u = (w0 * u0 + w1 * u1 + w2 * u2) / q - 0.5;
        let v = (w0 * v0 + w1 * v1 + w2 * v2) / q - 0.5;
        u = u < 0 ? 0 : u > tw - 1.001 ? tw - 1.001 : u;
        v = v < 0 ? 0 : v > th - 1.001 ? th - 1.001 : v;
        const iu = u | 0, iv = v | 0;
        const fu = u - iu, fv = v - iv;
        const p00 = (iv * tw + iu) * 3;
        const p01 = p00 + 3;
        const p10 = p00 + tw * 3;
        const p11 = p10 + 3;
        const o = k * 3;
        for (let ch = 0; ch < 3; ch++) {
          const top = trgb[p00 + ch] + (trgb[p01 + ch] - trgb[p00 + ch]) * fu;
          const bottom = trgb[p10 + ch] + (trgb[p11 + ch] - trgb[p10 + ch]) * fu;
          rgb[o + ch] = top + (bottom - top) * fv + 0.5;
        }
      }
    }
  }
}
