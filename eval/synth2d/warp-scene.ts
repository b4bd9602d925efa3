// A photo animated by 2D warps to fake the steps, fed to the page as the camera (a virtual camera: no
// print edge, no screen). Each turn is a smooth map of the whole picture: a global perspective (the
// picture plane seen turning) composed with a broad non-linear shift that moves the middle of the face
// toward the turn while its edges stay, squeezing one side and stretching the other. Look-up is the same
// map vertically. The blink step is not faked (the picture's eyes stay open).
import { stepAt, stepEnvelope } from './head-motion.js';
import type { Scene, SceneContext } from './scene-types.js';
import type { TexturedMesh } from './textured-raster.js';

const CELLS = 28;
const DEPTH_MM = 1000;

export function warp2dScene(ctx: SceneContext): Scene {
  const { rng, portrait, cam, intrinsics, script } = ctx;
  const tex = portrait.texture;
  let ax = 0, ay = 0, minX = Infinity, maxX = -Infinity;
  for (let i = 0; i < 468; i++) {
    const x = portrait.landmarks[i * 2];
    ax += x; ay += portrait.landmarks[i * 2 + 1];
    minX = Math.min(minX, x); maxX = Math.max(maxX, x);
  }
  ax /= 468; ay /= 468;
  const faceHalfPx = (maxX - minX) / 2;
  // Screen pixels per picture pixel: the face spans 25-40% of the frame width, more when needed for the
  // picture to cover the frame (an injected feed has no edges).
  const scale = Math.max((rng.uniform(0.25, 0.4) * cam.width) / (2 * faceHalfPx), (1.15 * cam.width) / tex.width, (1.15 * cam.height) / tex.height);
  const want = [cam.width / 2 + rng.uniform(-0.08, 0.08) * cam.width, cam.height / 2 + rng.uniform(-0.05, 0.1) * cam.height];
  // Where the face centre may sit with the picture still covering the frame (a small margin for the warp).
  const clampTo = (v: number, anchor: number, size: number, frame: number) =>
    Math.min(anchor * scale - 0.04 * frame, Math.max(frame - (size - anchor) * scale + 0.04 * frame, v));
  const centre = [clampTo(want[0], ax, tex.width, cam.width), clampTo(want[1], ay, tex.height, cam.height)] as const;
  const shiftAmp = rng.uniform(0.2, 0.4);
  const sigma = rng.uniform(0.5, 0.85);
  const perspective = rng.uniform(0.05, 0.2);
  const uv = new Float64Array((CELLS + 1) * (CELLS + 1) * 2);
  for (let j = 0; j <= CELLS; j++) for (let i = 0; i <= CELLS; i++) uv.set([(tex.width * i) / CELLS, (tex.height * j) / CELLS], (j * (CELLS + 1) + i) * 2);
  const tris: number[] = [];
  for (let j = 0; j < CELLS; j++) {
    for (let i = 0; i < CELLS; i++) {
      const a = j * (CELLS + 1) + i;
      tris.push(a, a + 1, a + CELLS + 1, a + 1, a + CELLS + 2, a + CELLS + 1);
    }
  }
  const triangles = Uint32Array.from(tris);
  return {
    params: { faceWidthFraction: round2((2 * faceHalfPx * scale) / cam.width), shiftAmp: round2(shiftAmp), sigma: round2(sigma), perspective: round2(perspective) },
    draw: (raster, tMs) => {
      const at = stepAt(script, tMs);
      const e = at ? stepEnvelope(at.fraction) : 0;
      // Subject's left turn: the nose moves toward the image's right (+x).
      const hx = at?.step === 'turn-left' ? e : at?.step === 'turn-right' ? -e : 0;
      const hy = at?.step === 'look-up' ? -e : 0;
      const points = new Float64Array((uv.length / 2) * 3);
      for (let k = 0; k < uv.length / 2; k++) {
        // Face-normalised coordinates (face half-width = 1).
        let X = (uv[k * 2] - ax) / faceHalfPx;
        let Y = (uv[k * 2 + 1] - ay) / faceHalfPx;
        const bump = Math.exp(-(X * X + Y * Y) / (2 * sigma * sigma));
        X += hx * shiftAmp * bump;
        Y += hy * shiftAmp * bump;
        const w = 1 + perspective * (hx * X + hy * Y);
        X /= w;
        Y /= w;
        const sx = centre[0] + X * faceHalfPx * scale;
        const sy = centre[1] + Y * faceHalfPx * scale;
        points.set([((sx - intrinsics.cx) * DEPTH_MM) / intrinsics.fx, ((sy - intrinsics.cy) * DEPTH_MM) / intrinsics.fy, DEPTH_MM], k * 3);
      }
      const mesh: TexturedMesh = { points, uv, triangles, texture: tex };
      raster.draw(mesh);
    },
  };
}

const round2 = (x: number) => Math.round(x * 100) / 100;
