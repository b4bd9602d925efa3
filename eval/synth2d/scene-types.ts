// What every scene of the 2D generator shares: the subject, the webcam, the head's motion script (the
// attacker's medium follows the same steps), and a seeded random source for the scene's own choices.
import type { SeededRandom } from '../../src/liveness/random-source.js';
import type { PinholeIntrinsics } from '../synth/scene-raster.js';
import type { HeadModel } from './head-model.js';
import type { MotionScript } from './head-motion.js';
import type { Portrait } from './portrait-subjects.js';
import type { TexturedRaster } from './textured-raster.js';
import type { WebcamModel } from './webcam-model.js';

export interface SceneContext {
  portrait: Portrait;
  head: HeadModel;
  cam: WebcamModel;
  intrinsics: PinholeIntrinsics;
  script: MotionScript;
  rng: SeededRandom;
}

export interface Scene {
  /** Draws the subject or the attack instrument at time t (ms) over the backdrop already in the raster. */
  draw(raster: TexturedRaster, tMs: number): void;
  /** The scene's random choices, for the suite's parameter file. */
  params: Record<string, number | string>;
}
