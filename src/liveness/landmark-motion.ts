// Head yaw, pitch and eye openness from 2D face-mesh landmarks, for the active challenge.
import {
  LEFT_CHEEK, LEFT_EYE_INNER, LEFT_EYE_OUTER, LEFT_EYE_RING, MOUTH_LEFT, MOUTH_RIGHT, NOSE_TIP, RIGHT_CHEEK, RIGHT_EYE_INNER, RIGHT_EYE_OUTER,
  RIGHT_EYE_RING, YAW_RATIO_GAIN, landmarkX, landmarkY, type LandmarkView,
} from './facemesh-points.js';

/**
 * Yaw in degrees, positive when the subject has turned to their own right (in an unmirrored frame the
 * nose then moves toward the image's left). Measured along the cheek-to-cheek line, so roll cancels.
 */
export function estimateYawDeg(l: LandmarkView): number {
  const rx = landmarkX(l, RIGHT_CHEEK), ry = landmarkY(l, RIGHT_CHEEK);
  const ux = landmarkX(l, LEFT_CHEEK) - rx, uy = landmarkY(l, LEFT_CHEEK) - ry;
  const len = Math.hypot(ux, uy);
  if (len < 1e-6) return Number.NaN;
  const along = ((landmarkX(l, NOSE_TIP) - rx) * ux + (landmarkY(l, NOSE_TIP) - ry) * uy) / len;
  const fromRight = along;
  const fromLeft = len - along;
  const ratio = (fromLeft - fromRight) / len;
  return (Math.atan(ratio * YAW_RATIO_GAIN) * 180) / Math.PI;
}

function eyeAspectRatio(l: LandmarkView, ring: readonly number[]): number {
  const d = (a: number, b: number) => Math.hypot(landmarkX(l, a) - landmarkX(l, b), landmarkY(l, a) - landmarkY(l, b));
  const width = d(ring[0], ring[3]);
  return width < 1e-6 ? Number.NaN : (d(ring[1], ring[5]) + d(ring[2], ring[4])) / (2 * width);
}

/** Mean eye aspect ratio of both eyes (Soukupová & Čech): ~0.3 open, near 0 closed. */
export function estimateEyeOpenness(l: LandmarkView): number {
  return (eyeAspectRatio(l, RIGHT_EYE_RING) + eyeAspectRatio(l, LEFT_EYE_RING)) / 2;
}

// Pitch from the nose tip's place between the eye line and the mouth line. With the canonical mesh's
// (y, z) in mm for the eye-corner midpoint E, the nose tip N and the mouth-corner midpoint M, a head
// pitched up by θ (orthographic view) puts the nose at the ratio r = (E'−N')/(E'−M') along the eye-to-mouth
// axis, with tan θ = (A − B·r) / (C − D·r); A = E.y−N.y, B = E.y−M.y, C = N.z−E.z, D = M.z−E.z.
const PITCH_EYE = { y: 26.25, z: 34.65 };
const PITCH_NOSE = { y: -11.3, z: 74.8 };
const PITCH_MOUTH = { y: -43.4, z: 42.8 };
const PITCH_A = PITCH_EYE.y - PITCH_NOSE.y;
const PITCH_B = PITCH_EYE.y - PITCH_MOUTH.y;
const PITCH_C = PITCH_NOSE.z - PITCH_EYE.z;
const PITCH_D = PITCH_MOUTH.z - PITCH_EYE.z;

/**
 * Pitch in degrees, positive when the subject looks up. Read from 2D landmarks, so a face whose nose sits
 * unusually high or low reads a few degrees off: the challenge judges the change, not the absolute value.
 */
export function estimatePitchDeg(l: LandmarkView): number {
  const mid = (a: number, b: number) => ({ x: (landmarkX(l, a) + landmarkX(l, b)) / 2, y: (landmarkY(l, a) + landmarkY(l, b)) / 2 });
  const eyeR = mid(RIGHT_EYE_OUTER, RIGHT_EYE_INNER), eyeL = mid(LEFT_EYE_OUTER, LEFT_EYE_INNER);
  const eye = { x: (eyeR.x + eyeL.x) / 2, y: (eyeR.y + eyeL.y) / 2 };
  const mouth = mid(MOUTH_RIGHT, MOUTH_LEFT);
  const ax = mouth.x - eye.x, ay = mouth.y - eye.y;
  const len2 = ax * ax + ay * ay;
  if (len2 < 1e-6) return Number.NaN;
  const r = ((landmarkX(l, NOSE_TIP) - eye.x) * ax + (landmarkY(l, NOSE_TIP) - eye.y) * ay) / len2;
  return (Math.atan2(PITCH_A - PITCH_B * r, PITCH_C - PITCH_D * r) * 180) / Math.PI;
}
