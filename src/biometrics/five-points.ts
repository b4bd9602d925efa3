// The conventional five face points (eye centres, nose tip, mouth corners) read off the 468-point mesh,
// for callers that draw, crop or align with another tool. "Right"/"left" are the subject's.
export type Point = [number, number];

export interface FivePoints {
  rightEye: Point;
  leftEye: Point;
  noseTip: Point;
  mouthRight: Point;
  mouthLeft: Point;
}

/** MediaPipe vertex groups whose mean gives each point. */
const GROUPS: Record<keyof FivePoints, number[]> = {
  rightEye: [33, 133],
  leftEye: [362, 263],
  noseTip: [1],
  mouthRight: [61],
  mouthLeft: [291],
};

export function fivePointsFromMesh(mesh: Float32Array): FivePoints {
  const mean = (indices: number[]): Point => {
    let x = 0;
    let y = 0;
    for (const i of indices) {
      x += mesh[i * 3];
      y += mesh[i * 3 + 1];
    }
    return [x / indices.length, y / indices.length];
  };
  return {
    rightEye: mean(GROUPS.rightEye),
    leftEye: mean(GROUPS.leftEye),
    noseTip: mean(GROUPS.noseTip),
    mouthRight: mean(GROUPS.mouthRight),
    mouthLeft: mean(GROUPS.mouthLeft),
  };
}
