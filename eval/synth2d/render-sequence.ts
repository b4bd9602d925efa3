// One synthetic webcam sequence: a species, a subject and a seed in, JPEG frames out. Everything random
// (webcam, room, motion, the attacker's choices) comes from the seed, so a sequence can be rebuilt
// exactly from its row in the suite's parameter file.
import { SeededRandom } from '../../src/liveness/random-source.js';
import { buildHeadModel } from './head-model.js';
import { randomMotionScript, randomSteps, scriptDurationMs, type HeadStep } from './head-motion.js';
import { liveHeadScene } from './live-head-scene.js';
import type { Portrait } from './portrait-subjects.js';
import { printScene } from './print-scene.js';
import { roomBackdrop } from './room-backdrop.js';
import type { Scene, SceneContext } from './scene-types.js';
import { replayVideoScene, screenStillScene } from './screen-scene.js';
import type { Synth2dSpecies } from './species-2d.js';
import { TexturedRaster } from './textured-raster.js';
import { warp2dScene } from './warp-scene.js';
import { exposeFrame, randomWebcam, webcamIntrinsics, webcamJpeg, type WebcamModel } from './webcam-model.js';

export interface SequenceRequest {
  species: Synth2dSpecies;
  portrait: Portrait;
  seed: string;
  /** The challenge steps performed (default: `stepCount` distinct steps drawn from `kinds` by the seed). */
  steps?: readonly HeadStep[];
  /** The kinds a drawn challenge comes from (default: every HEAD_STEPS kind). */
  kinds?: readonly HeadStep[];
  /** How many steps a drawn challenge has (default 2). */
  stepCount?: number;
  /** Frames per second of the sequence (default 10). */
  fps?: number;
  /** Webcam resolution (default: drawn from WEBCAM_RESOLUTIONS). */
  resolution?: readonly [number, number];
  /** Milliseconds per step (default 1400, the page's liveness.challenge.stepMs default). */
  stepMs?: number;
  /** Overrides of the drawn webcam (JPEG quality, noise, ...). */
  webcam?: Partial<Omit<WebcamModel, 'width' | 'height'>>;
  /** Overrides the drawn time facing the camera before the first step. */
  leadInMs?: number;
  /** Time facing the camera after the last step (default 200 ms). */
  tailMs?: number;
}

export interface RenderedSequence {
  species: Synth2dSpecies;
  subject: string;
  seed: string;
  steps: HeadStep[];
  fps: number;
  width: number;
  height: number;
  webcam: WebcamModel;
  /** The scene's own random choices. */
  scene: Record<string, number | string>;
  /** JPEG frames in capture order. */
  frames: Buffer[];
}

function sceneFor(species: Synth2dSpecies, ctx: SceneContext): Scene {
  switch (species) {
    case 'bona-fide': return liveHeadScene(ctx);
    case 'print-still': return printScene(ctx, 'still');
    case 'print-moved': return printScene(ctx, 'moved');
    case 'print-tilted': return printScene(ctx, 'tilted');
    case 'print-bent': return printScene(ctx, 'bent');
    case 'screen-still': return screenStillScene(ctx);
    case 'warp-2d': return warp2dScene(ctx);
    case 'replay-video': return replayVideoScene(ctx);
  }
}

export function renderSequence(req: SequenceRequest): RenderedSequence {
  const rng = new SeededRandom(`${req.seed}:${req.species}:${req.portrait.subject.id}`);
  const steps = req.steps ? [...req.steps] : randomSteps(rng, req.kinds, req.stepCount);
  const fps = req.fps ?? 10;
  const cam: WebcamModel = { ...randomWebcam(rng, req.resolution), ...req.webcam };
  const intrinsics = webcamIntrinsics(cam);
  const script = randomMotionScript(rng, steps, req.stepMs ?? 1400);
  if (req.leadInMs !== undefined) script.leadInMs = req.leadInMs;
  const ctx: SceneContext = { portrait: req.portrait, head: buildHeadModel(req.portrait), cam, intrinsics, script, rng };
  const backdrop = roomBackdrop(cam.width, cam.height, rng);
  const scene = sceneFor(req.species, ctx);
  const raster = new TexturedRaster(cam.width, cam.height, intrinsics);
  const count = Math.max(2, Math.round((scriptDurationMs(script, req.tailMs) * fps) / 1000));
  const exposurePhase = rng.uniform(0, 2 * Math.PI);
  const frames: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const tMs = (i * 1000) / fps;
    raster.fillFrom(backdrop);
    scene.draw(raster, tMs);
    // Auto-exposure hunts a little as the picture changes.
    const exposure = 1 + 0.03 * Math.sin(exposurePhase + tMs / 700);
    frames.push(webcamJpeg(exposeFrame(raster.image(), cam, rng, exposure), cam));
  }
  return {
    species: req.species, subject: req.portrait.subject.id, seed: req.seed, steps, fps,
    width: cam.width, height: cam.height, webcam: cam, scene: scene.params, frames,
  };
}
