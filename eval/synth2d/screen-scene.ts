// Screen attacks. screen-still: the portrait shown on a phone or tablet held in front of the webcam
// (display pixel grid, gamma, glare, bezel; hand tremor). replay-video: a recording of the live head
// doing the same steps, rendered by a second webcam and played on a monitor in front of this one. The
// replay carries true 3D motion, so geometry passes it; the session's randomised step order (a
// recording made before the session cannot know it) and the injection signals are what stop it.
import { SeededRandom } from '../../src/liveness/random-source.js';
import type { RgbImage } from '../lib/rgb-image.js';
import { liveHeadScene } from './live-head-scene.js';
import { randomScreenLook, screenTexture } from './media-textures.js';
import { roomBackdrop } from './room-backdrop.js';
import type { Scene, SceneContext } from './scene-types.js';
import { sheetMesh } from './sheet-mesh.js';
import { TexturedRaster } from './textured-raster.js';
import { exposeFrame, randomWebcam, webcamIntrinsics } from './webcam-model.js';

function tremor(rng: SeededRandom): (tMs: number) => { x: number; y: number; z: number; yaw: number; pitch: number } {
  const mm = rng.uniform(0.3, 1.5), deg = rng.uniform(0.1, 0.6);
  const ph = Array.from({ length: 5 }, () => rng.uniform(0, 2 * Math.PI));
  return (tMs) => {
    const s = tMs / 1000;
    const w = (i: number, hz: number) => Math.sin(2 * Math.PI * hz * s + ph[i]);
    return { x: mm * w(0, 1.2), y: mm * w(1, 1.6), z: mm * w(2, 0.8), yaw: deg * w(3, 1.0), pitch: deg * w(4, 0.7) };
  };
}

export function screenStillScene(ctx: SceneContext): Scene {
  const { rng, portrait, head } = ctx;
  const look = randomScreenLook(rng, rng.int(280, 700));
  const { texture, bezelPx } = screenTexture(portrait.texture, look);
  const texelsPerPhotoPx = (texture.width - 2 * bezelPx) / portrait.texture.width;
  let ax = 0, ay = 0;
  for (let i = 0; i < 468; i++) { ax += portrait.landmarks[i * 2]; ay += portrait.landmarks[i * 2 + 1]; }
  const anchor = [bezelPx + (ax / 468) * texelsPerPhotoPx, bezelPx + (ay / 468) * texelsPerPhotoPx] as const;
  const lifeScale = rng.uniform(0.45, 0.9);
  const distanceMm = lifeScale * rng.uniform(450, 620);
  const base = { x: rng.uniform(-30, 30), y: rng.uniform(-10, 30), yaw: rng.uniform(-8, 8), pitch: rng.uniform(-8, 8), roll: rng.uniform(-4, 4) };
  const shake = tremor(rng);
  return {
    params: { displayPixelsAcross: look.pixelsAcross, lifeScale: round2(lifeScale), distanceMm: Math.round(distanceMm), displayGamma: round2(look.gamma) },
    draw: (raster, tMs) => {
      const j = shake(tMs);
      raster.draw(sheetMesh({
        texture, pixelsPerMm: (head.pixelsPerMm / lifeScale) * texelsPerPhotoPx, anchor, bendRadiusMm: 0, cells: [4, 4],
        pose: { yawDeg: base.yaw + j.yaw, pitchDeg: base.pitch + j.pitch, rollDeg: base.roll, translation: [base.x + j.x, base.y + j.y, distanceMm + j.z] },
      }));
    },
  };
}

export function replayVideoScene(ctx: SceneContext): Scene {
  const { rng } = ctx;
  // The recording: the same subject doing the same steps before another webcam and room.
  const recRng = new SeededRandom(`replay-recording:${rng.next()}`);
  const recCam = randomWebcam(recRng, [640, 480]);
  const recIntrinsics = webcamIntrinsics(recCam);
  const recording = liveHeadScene({ ...ctx, cam: recCam, intrinsics: recIntrinsics, rng: recRng });
  const recRaster = new TexturedRaster(recCam.width, recCam.height, recIntrinsics);
  const recBackdrop = roomBackdrop(recCam.width, recCam.height, recRng);
  const recordedFrame = (tMs: number): RgbImage => {
    recRaster.fillFrom(recBackdrop);
    recording.draw(recRaster, tMs);
    return exposeFrame(recRaster.image(), recCam, recRng);
  };
  const look = randomScreenLook(rng, rng.int(480, 640));
  const screenWidthMm = rng.uniform(200, 330);
  // The recorded face is about 150 mm wide at its recording distance; on screen it is this wide:
  const faceOnScreenMm = (screenWidthMm * (recIntrinsics.fx * 150)) / Number(recording.params.distanceMm) / recCam.width;
  const distanceMm = (faceOnScreenMm / 150) * rng.uniform(450, 600);
  const base = { x: rng.uniform(-20, 20), y: rng.uniform(-10, 20), yaw: rng.uniform(-6, 6), pitch: rng.uniform(-6, 6) };
  const shake = tremor(rng);
  return {
    params: { screenWidthMm: Math.round(screenWidthMm), distanceMm: Math.round(distanceMm), displayPixelsAcross: look.pixelsAcross, recordingDistanceMm: recording.params.distanceMm },
    draw: (raster, tMs) => {
      const { texture, bezelPx } = screenTexture(recordedFrame(tMs), look);
      const j = shake(tMs);
      raster.draw(sheetMesh({
        texture, pixelsPerMm: (texture.width - 2 * bezelPx) / screenWidthMm, anchor: [texture.width / 2, texture.height / 2], bendRadiusMm: 0, cells: [4, 4],
        pose: { yawDeg: base.yaw + j.yaw, pitchDeg: base.pitch + j.pitch, rollDeg: 0, translation: [base.x + j.x, base.y + j.y, distanceMm + j.z] },
      }));
    },
  };
}

const round2 = (x: number) => Math.round(x * 100) / 100;
