// MediaPipe face-mesh vertex numbers the liveness checks use. "Left"/"right" are the subject's: the
// subject's right eye appears on the left of an unmirrored image. (The face core keeps its own copy in
// native/src/face/mesh_indices.h; these are the same numbers, needed here in TypeScript.)
export const MESH_POINT_COUNT = 468;
export const NOSE_TIP = 1;
export const RIGHT_EYE_OUTER = 33;
export const RIGHT_EYE_INNER = 133;
export const LEFT_EYE_INNER = 362;
export const LEFT_EYE_OUTER = 263;
export const RIGHT_CHEEK = 234;
export const LEFT_CHEEK = 454;
/** Mouth corners (the subject's right and left). */
export const MOUTH_RIGHT = 61;
export const MOUTH_LEFT = 291;
/** Eye-aspect-ratio rings: outer corner, two upper-lid points, inner corner, two lower-lid points. */
export const RIGHT_EYE_RING = [33, 160, 158, 133, 153, 144] as const;
export const LEFT_EYE_RING = [263, 387, 385, 362, 380, 373] as const;
/** Upper and lower lid contours (used by the generator to close the eyes). */
export const RIGHT_UPPER_LID = [246, 161, 160, 159, 158, 157, 173] as const;
export const RIGHT_LOWER_LID = [7, 163, 144, 145, 153, 154, 155] as const;
export const LEFT_UPPER_LID = [466, 388, 387, 386, 385, 384, 398] as const;
export const LEFT_LOWER_LID = [249, 390, 373, 374, 380, 381, 382] as const;
/**
 * Head yaw from 2D landmarks: with r = (dRight - dLeft) / (dRight + dLeft), the nose's horizontal offset
 * between the cheek points, tan(yaw) = r * YAW_RATIO_GAIN. The gain is the canonical mesh's cheek
 * half-width over the nose tip's depth in front of the cheeks (76.6 mm / 99.2 mm, checked by a test).
 */
export const YAW_RATIO_GAIN = 0.772;

/** Validated landmark input: 468 points, stride 2 (x, y) or 3 (x, y, z), image pixels. */
export interface LandmarkView {
  readonly points: ArrayLike<number>;
  readonly stride: 2 | 3;
}

export function landmarkX(l: LandmarkView, i: number): number {
  return l.points[i * l.stride];
}

export function landmarkY(l: LandmarkView, i: number): number {
  return l.points[i * l.stride + 1];
}
