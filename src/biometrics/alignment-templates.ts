// Where each embedder wants the face. A template is a list of chip points, each the target of the mean
// of a group of face-mesh vertices (MediaPipe numbering; "right"/"left" are the subject's).
import type { AlignmentConfig } from '../config/sections/biometrics.js';

export interface AlignmentTemplate {
  meshPoints: number[][];
  /** Chip pixels, one per group. */
  template: [number, number][];
}

/**
 * dlib's get_face_chip_details for the 5-point shape model (dlib/image_transforms/interpolation.h),
 * with the padding 0.25 of dlib's face-recognition example, which the ResNet was trained on. Points
 * on the unit square: subject's left eye outer and inner corner, right eye outer and inner corner,
 * base of the nose.
 */
const DLIB_UNIT_POINTS: [number, number][] = [
  [0.8595674595992, 0.2134981538014],
  [0.6460604764104, 0.2289674387677],
  [0.1205750620789, 0.2137274526848],
  [0.3340850613712, 0.2290642403242],
  [0.4901123135679, 0.6277975316475],
];
const DLIB_PADDING = 0.25;
const DLIB_MESH_POINTS = [[263], [362], [33], [133], [2]];

/** InsightFace's 112x112 ArcFace template: right eye, left eye, nose tip, right and left mouth corner. */
const ARCFACE_112: [number, number][] = [
  [38.2946, 51.6963],
  [73.5318, 51.5014],
  [56.0252, 71.7366],
  [41.5493, 92.3655],
  [70.7299, 92.2041],
];
const ARCFACE_MESH_POINTS = [[33, 133], [362, 263], [1], [61], [291]];

export function alignmentTemplate(alignment: AlignmentConfig, chipWidth: number, chipHeight: number): AlignmentTemplate {
  if (alignment === 'dlib') {
    const scale = 1 + 2 * DLIB_PADDING;
    return {
      meshPoints: DLIB_MESH_POINTS,
      template: DLIB_UNIT_POINTS.map(([x, y]) => [((DLIB_PADDING + x) / scale) * chipWidth, ((DLIB_PADDING + y) / scale) * chipHeight]),
    };
  }
  if (alignment === 'arcface') {
    return { meshPoints: ARCFACE_MESH_POINTS, template: ARCFACE_112.map(([x, y]) => [(x / 112) * chipWidth, (y / 112) * chipHeight]) };
  }
  return alignment;
}
