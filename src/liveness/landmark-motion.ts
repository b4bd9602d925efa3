// Head yaw and eye openness from 2D face-mesh landmarks, for the active challenge.
import {
  LEFT_CHEEK, LEFT_EYE_RING, NOSE_TIP, RIGHT_CHEEK, RIGHT_EYE_RING, YAW_RATIO_GAIN, landmarkX, landmarkY, type LandmarkView,
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
