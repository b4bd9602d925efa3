// A textured 3D head from one photo: the face engine's 468 landmarks give each canonical-mesh vertex its
// place in the photo (its texture coordinate) and, undone by a 2D similarity fit, its x and y; MediaPipe's
// canonical mesh gives its depth (scaled to the face with the same fit). Around the face oval four rings
// of vertices, each larger and further back, carry the photo's hair, ears and neck round the sides, so a
// turned head shows a head and not a mask in the air.
import { LEFT_LOWER_LID, LEFT_UPPER_LID, RIGHT_LOWER_LID, RIGHT_UPPER_LID } from '../../src/liveness/facemesh-points.js';
import { solveLinearSystem } from '../../src/liveness/homography.js';
import { loadCanonicalMesh } from '../synth/canonical-mesh.js';
import type { Portrait } from './portrait-subjects.js';

/** The face oval of the MediaPipe mesh, clockwise from the top of the forehead (the mesh's boundary). */
export const FACE_OVAL = [
  10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377,
  152, 148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109,
] as const;

/** Each ring: how far out from the face centre (times the oval), how much further down below the centre (neck), how far back (mm). */
const RINGS = [
  { scale: 1.15, neck: 1.2, backMm: 12 },
  { scale: 1.45, neck: 1.6, backMm: 40 },
  { scale: 1.95, neck: 2.3, backMm: 80 },
  { scale: 2.5, neck: 3.0, backMm: 110 },
] as const;

/** Where the head turns about, head frame (mm): behind the ears, a little below the eyes. */
const PIVOT_BEHIND_MM = 70;

export interface HeadModel {
  /** xyz triples, mm, head frame: x right, y down, z away from the camera (the subject faces -z). */
  points: Float64Array;
  /** uv pairs, portrait pixels. */
  uv: Float64Array;
  triangles: Uint32Array;
  /** The point the head rotates about (head frame). */
  pivot: readonly [number, number, number];
  /** Portrait pixels per mm of the fitted face. */
  pixelsPerMm: number;
  /** The photo's head roll removed by the fit, degrees. */
  photoRollDeg: number;
  /** Where the head frame's origin lies in the portrait, pixels. */
  photoOrigin: readonly [number, number];
}

/** Fits landmarks ≈ t + s·R(θ)·(x, -y) of the canonical mesh (least squares, 2D Procrustes). */
function fitSimilarity(landmarks: Float64Array, canonical: Float64Array): { s: number; theta: number; tx: number; ty: number } {
  let mx = 0, my = 0, lx = 0, ly = 0;
  for (let i = 0; i < 468; i++) {
    mx += canonical[i * 3]; my += -canonical[i * 3 + 1];
    lx += landmarks[i * 2]; ly += landmarks[i * 2 + 1];
  }
  mx /= 468; my /= 468; lx /= 468; ly /= 468;
  let re = 0, im = 0, norm = 0;
  for (let i = 0; i < 468; i++) {
    const px = canonical[i * 3] - mx, py = -canonical[i * 3 + 1] - my;
    const qx = landmarks[i * 2] - lx, qy = landmarks[i * 2 + 1] - ly;
    re += px * qx + py * qy;
    im += px * qy - py * qx;
    norm += px * px + py * py;
  }
  const s = Math.hypot(re, im) / norm;
  const theta = Math.atan2(im, re);
  const c = Math.cos(theta) * s, sn = Math.sin(theta) * s;
  return { s, theta, tx: lx - (c * mx - sn * my), ty: ly - (sn * mx + c * my) };
}

export function buildHeadModel(portrait: Portrait, eyeClosure = 0): HeadModel {
  const mesh = loadCanonicalMesh();
  const fit = fitSimilarity(portrait.landmarks, mesh.vertices);
  const cos = Math.cos(-fit.theta) / fit.s, sin = Math.sin(-fit.theta) / fit.s;
  const toHead = (u: number, v: number): [number, number] => {
    const dx = u - fit.tx, dy = v - fit.ty;
    return [cos * dx - sin * dy, sin * dx + cos * dy];
  };
  const cf = Math.cos(fit.theta) * fit.s, sf = Math.sin(fit.theta) * fit.s;
  const toPhoto = (x: number, y: number): [number, number] => [fit.tx + cf * x - sf * y, fit.ty + sf * x + cf * y];

  const n = 468 + RINGS.length * FACE_OVAL.length;
  const points = new Float64Array(n * 3);
  const uv = new Float64Array(n * 2);
  for (let i = 0; i < 468; i++) {
    const [x, y] = toHead(portrait.landmarks[i * 2], portrait.landmarks[i * 2 + 1]);
    points.set([x, y, -mesh.vertices[i * 3 + 2]], i * 3);
    uv.set([portrait.landmarks[i * 2], portrait.landmarks[i * 2 + 1]], i * 2);
  }
  // The rings take their texture from where they sit around the face in the photo, before the turn is undone.
  const inPhoto = points.slice(0, 468 * 3);
  frontalise(points, mesh.vertices);
  if (eyeClosure > 0) {
    closeLids(points, RIGHT_UPPER_LID, RIGHT_LOWER_LID, eyeClosure);
    closeLids(points, LEFT_UPPER_LID, LEFT_LOWER_LID, eyeClosure);
  }
  const ovalCentre = (p: Float64Array): [number, number] => {
    let x = 0, y = 0;
    for (const i of FACE_OVAL) {
      x += p[i * 3];
      y += p[i * 3 + 1];
    }
    return [x / FACE_OVAL.length, y / FACE_OVAL.length];
  };
  const [cx, cy] = ovalCentre(points);
  const [pcx, pcy] = ovalCentre(inPhoto);
  const tris: number[] = Array.from(mesh.triangles);
  let inner: number[] = [...FACE_OVAL];
  RINGS.forEach((ring, r) => {
    const outer = FACE_OVAL.map((_, j) => 468 + r * FACE_OVAL.length + j);
    FACE_OVAL.forEach((o, j) => {
      const out = (p: Float64Array, x0: number, y0: number): [number, number] => {
        const dx = p[o * 3] - x0, dy = p[o * 3 + 1] - y0;
        return [x0 + dx * ring.scale, y0 + dy * (dy > 0 ? ring.neck : ring.scale)];
      };
      // From the face's frontal shape at the first ring to the photo's own outline at the last, so the
      // outermost ring, seen from the front, lies where its texture is in the photo (no seam with the photo
      // around it in frontal-portrait.ts).
      const w = r / (RINGS.length - 1);
      const [fx, fy] = out(points, cx, cy);
      const [qx, qy] = out(inPhoto, pcx, pcy);
      points.set([fx + w * (qx - fx), fy + w * (qy - fy), points[o * 3 + 2] + ring.backMm], outer[j] * 3);
      uv.set(toPhoto(qx, qy), outer[j] * 2);
    });
    for (let j = 0; j < FACE_OVAL.length; j++) {
      const k = (j + 1) % FACE_OVAL.length;
      tris.push(inner[j], outer[j], inner[k], inner[k], outer[j], outer[k]);
    }
    inner = outer;
  });
  return {
    points, uv, triangles: Uint32Array.from(tris),
    pivot: [cx, cy + 10, PIVOT_BEHIND_MM],
    pixelsPerMm: fit.s,
    photoRollDeg: (fit.theta * 180) / Math.PI,
    photoOrigin: [fit.tx, fit.ty],
  };
}

/**
 * Turns the face-mesh points to face the camera. A photo of a head turned by θ shows, orthographically,
 * x = x₀·cos θ + z·sin θ (x₀ the head's own width coordinate, z its depth). With the canonical mesh's x for
 * x₀ up to the person's width k, the least-squares fit x ≈ a·X + b·(z − z̄) + c gives b = sin θ whatever k
 * is; x₀ = (x − b·(z − z̄) − c) / cos θ + c then keeps the person's own face shape and only undoes the turn.
 * Without it a portrait taken 15° off frontal renders as a head that rests 15° off frontal, and every
 * challenge it performs starts from there. Leaves the points as they are when the fit is degenerate.
 */
function frontalise(points: Float64Array, canonical: Float64Array): void {
  let zMean = 0;
  for (let i = 0; i < 468; i++) zMean += points[i * 3 + 2];
  zMean /= 468;
  // Normal equations of x ≈ a·X + b·Z + c with Z = z − z̄ (a row-major 3×3 system).
  const m = new Float64Array(9), r = new Float64Array(3);
  for (let i = 0; i < 468; i++) {
    const f = [canonical[i * 3], points[i * 3 + 2] - zMean, 1];
    for (let j = 0; j < 3; j++) {
      r[j] += f[j] * points[i * 3];
      for (let k = 0; k < 3; k++) m[j * 3 + k] += f[j] * f[k];
    }
  }
  const fit = solveLinearSystem(m, r, 3);
  if (!fit) return;
  const [, b, c] = fit;
  const sinT = Math.max(-0.7, Math.min(0.7, b));
  const cosT = Math.sqrt(1 - sinT * sinT);
  for (let i = 0; i < 468; i++) points[i * 3] = (points[i * 3] - sinT * (points[i * 3 + 2] - zMean) - c) / cosT + c;
}

/** Pulls the upper lid down onto the lower one (geometry only: the lid skin's texture stretches over the eye). */
function closeLids(points: Float64Array, upper: readonly number[], lower: readonly number[], closure: number): void {
  for (let j = 0; j < upper.length; j++) {
    const u = upper[j] * 3, l = lower[j] * 3;
    for (let k = 0; k < 3; k++) points[u + k] += closure * 0.9 * (points[l + k] - points[u + k]);
  }
}
