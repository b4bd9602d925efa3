// Video files for Chromium's fake camera (--use-file-for-fake-video-capture=clip.mjpeg): JPEG frames
// back to back, which Chromium plays at 30 frames per second and loops. A clip starts and ends facing
// the camera, so the loop does not jump; the first step starts `leadInMs` after the camera opens.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { HeadStep } from './head-motion.js';
import type { Portrait } from './portrait-subjects.js';
import { renderSequence } from './render-sequence.js';

/** Chromium's MJPEG file parser plays every file at this rate. */
export const FAKE_CAMERA_FPS = 30;

export interface FakeCameraClipRequest {
  /**
   * `bona-fide`: the live head doing `steps`; `print-moved`: a print moved through the same steps (as far
   * as a hand can move a print); `screen-still`: a phone or tablet showing the portrait, held up with hand
   * tremor (it does no steps); `warp-2d`: the portrait warped in 2D to fake the steps, fed as the camera
   * (a virtual camera: no print edge, no screen).
   */
  species: 'bona-fide' | 'print-moved' | 'screen-still' | 'warp-2d';
  portrait: Portrait;
  steps: readonly HeadStep[];
  seed?: string;
  /** Default 640x480. */
  resolution?: readonly [number, number];
  /** Facing the camera before the first step (default 1000 ms). */
  leadInMs?: number;
  /** Per step (default 1400 ms, the page's default liveness.challenge.stepMs). */
  stepMs?: number;
  /** Facing the camera after the last step (default 600 ms). */
  tailMs?: number;
  /**
   * Brightness gain of the picture (default 1, the steady laptop webcam's). An attacker who injects the
   * feed sets it as they like: a warp of a dim photo is brightened into the page's lit range.
   */
  gain?: number;
}

/** The MJPEG bytes of a clip. */
export function fakeCameraClip(req: FakeCameraClipRequest): Buffer {
  const seq = renderSequence({
    species: req.species,
    portrait: req.portrait,
    seed: req.seed ?? 'fake-camera',
    steps: req.steps,
    fps: FAKE_CAMERA_FPS,
    resolution: req.resolution ?? [640, 480],
    stepMs: req.stepMs,
    leadInMs: req.leadInMs ?? 1000,
    tailMs: req.tailMs ?? 600,
    // A steady, well-lit laptop webcam; modest noise and quality also keep the encoding quick.
    webcam: { gain: req.gain ?? 1, gamma: 1, cast: [1, 1, 1], noiseSigma: 1.5, jpegQuality: 75 },
  });
  return Buffer.concat(seq.frames);
}

/** Writes the clip into `dir` (default: a new temporary folder) and returns the file's path. */
export function writeFakeCameraClip(req: FakeCameraClipRequest, dir?: string): string {
  const folder = dir ?? mkdtempSync(path.join(os.tmpdir(), 'proofgate-fake-camera-'));
  const file = path.join(folder, `${req.species}-${req.steps.join('-')}.mjpeg`);
  writeFileSync(file, fakeCameraClip(req));
  return file;
}
