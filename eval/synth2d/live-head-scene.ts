// A live head: the textured head model posed by the motion script, in front of the camera at a
// webcam distance. Blinks rebuild the model with the lids pulled shut and paint the eyes shut in the
// texture (closed-eye-texture.ts).
import { transformPoints } from '../synth/scene-raster.js';
import { closedEyeTexture } from './closed-eye-texture.js';
import { buildHeadModel, type HeadModel } from './head-model.js';
import { poseAt, type HeadPose } from './head-motion.js';
import type { Portrait } from './portrait-subjects.js';
import type { Scene, SceneContext } from './scene-types.js';
import type { TexturedMesh } from './textured-raster.js';

export interface HeadPlacement {
  /** Distance of the head frame's origin plane from the camera, mm. */
  distanceMm: number;
  /** Where the face sits across the view, mm at that distance (x right, y down). */
  offsetMm: readonly [number, number];
}

/** The head mesh in camera coordinates for one pose. */
export function posedHeadMesh(portrait: Portrait, openHead: HeadModel, pose: HeadPose, place: HeadPlacement): TexturedMesh {
  const head = pose.eyeClosure > 0.02 ? buildHeadModel(portrait, pose.eyeClosure) : openHead;
  // Camera-frame rotation: +yaw about y turns the face toward the image's left (the subject's own
  // right); looking up lifts the nose, a negative rotation about x.
  const [px, py, pz] = head.pivot;
  const centred = new Float64Array(head.points.length);
  for (let i = 0; i < centred.length; i += 3) {
    centred[i] = head.points[i] - px;
    centred[i + 1] = head.points[i + 1] - py;
    centred[i + 2] = head.points[i + 2] - pz;
  }
  const points = transformPoints(centred, {
    yawDeg: pose.yawDeg, pitchDeg: -pose.pitchDeg, rollDeg: pose.rollDeg,
    translation: [
      place.offsetMm[0] + pose.offsetMm[0] + px,
      place.offsetMm[1] + pose.offsetMm[1] + py,
      place.distanceMm + pose.offsetMm[2] + pz,
    ],
  });
  const texture = pose.eyeClosure > 0.02 ? closedEyeTexture(portrait, pose.eyeClosure) : portrait.texture;
  return { points, uv: head.uv, triangles: head.triangles, texture };
}

export function randomHeadPlacement(ctx: SceneContext): HeadPlacement {
  return { distanceMm: ctx.rng.uniform(420, 650), offsetMm: [ctx.rng.uniform(-40, 40), ctx.rng.uniform(-10, 40)] };
}

export function liveHeadScene(ctx: SceneContext): Scene {
  const place = randomHeadPlacement(ctx);
  return {
    params: { distanceMm: Math.round(place.distanceMm), turnDeg: round1(ctx.script.turnDeg), lookUpDeg: round1(ctx.script.lookUpDeg) },
    draw: (raster, tMs) => raster.draw(posedHeadMesh(ctx.portrait, ctx.head, poseAt(ctx.script, tMs), place)),
  };
}

const round1 = (x: number) => Math.round(x * 10) / 10;
