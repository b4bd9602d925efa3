// A synthetic subject: the canonical mesh with per-subject shape (overall size, width, depth, nose
// prominence, a smooth random dent field) and optionally closed eyes. Output stays in MediaPipe's frame
// (mm; x right, y up, z toward the viewer); faceToCamera() turns it into camera coordinates.
import type { SeededRandom } from '../../src/liveness/random-source.js';
import { LEFT_LOWER_LID, LEFT_UPPER_LID, NOSE_TIP, RIGHT_LOWER_LID, RIGHT_UPPER_LID } from '../../src/liveness/facemesh-points.js';
import { loadCanonicalMesh } from './canonical-mesh.js';
import type { RigidPose } from './scene-raster.js';
import { transformPoints } from './scene-raster.js';

export interface SubjectShape {
  scale: number;
  widthFactor: number;
  depthFactor: number;
  noseFactor: number;
  /** Amplitude (mm) and phases of a low-frequency surface undulation. */
  dentMm: number;
  dentPhase: readonly [number, number];
}

export function randomSubjectShape(rng: SeededRandom): SubjectShape {
  return {
    scale: rng.uniform(0.9, 1.1),
    widthFactor: rng.uniform(0.94, 1.06),
    depthFactor: rng.uniform(0.85, 1.15),
    noseFactor: rng.uniform(0.7, 1.25),
    dentMm: rng.uniform(0, 2),
    dentPhase: [rng.uniform(0, 6.28), rng.uniform(0, 6.28)],
  };
}

/** 468 vertices of this subject; `eyeClosure` 0 (open) .. 1 (closed) pulls the upper lids down. */
export function subjectVertices(shape: SubjectShape, eyeClosure = 0): Float64Array {
  const mesh = loadCanonicalMesh();
  const v = Float64Array.from(mesh.vertices);
  const noseX = v[NOSE_TIP * 3];
  const noseY = v[NOSE_TIP * 3 + 1];
  const noseBase = 40;
  for (let i = 0; i < v.length; i += 3) {
    const x = v[i], y = v[i + 1];
    let z = v[i + 2];
    const r2 = ((x - noseX) ** 2 + (y - noseY) ** 2) / (28 * 28);
    if (z > noseBase) z += (shape.noseFactor - 1) * (z - noseBase) * Math.exp(-r2);
    z += shape.dentMm * Math.sin(x / 30 + shape.dentPhase[0]) * Math.cos(y / 40 + shape.dentPhase[1]);
    v[i] = x * shape.scale * shape.widthFactor;
    v[i + 1] = y * shape.scale;
    v[i + 2] = z * shape.scale * shape.depthFactor;
  }
  if (eyeClosure > 0) {
    closeLids(v, RIGHT_UPPER_LID, RIGHT_LOWER_LID, eyeClosure);
    closeLids(v, LEFT_UPPER_LID, LEFT_LOWER_LID, eyeClosure);
  }
  return v;
}

function closeLids(v: Float64Array, upper: readonly number[], lower: readonly number[], closure: number): void {
  for (let j = 0; j < upper.length; j++) {
    const u = upper[j] * 3;
    const l = lower[j] * 3;
    for (let k = 0; k < 3; k++) v[u + k] += closure * 0.9 * (v[l + k] - v[u + k]);
  }
}

/** MediaPipe frame -> camera frame (y down, z away), then the head pose. */
export function faceToCamera(vertices: Float64Array, pose: RigidPose): Float64Array {
  const flipped = new Float64Array(vertices.length);
  for (let i = 0; i < vertices.length; i += 3) {
    flipped[i] = vertices[i];
    flipped[i + 1] = -vertices[i + 1];
    flipped[i + 2] = -vertices[i + 2];
  }
  return transformPoints(flipped, pose);
}
