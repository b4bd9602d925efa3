// Liveness evidence for verification tests, from the synthetic RGB-D generator (eval/synth):
// a depth PNG (+ IR PNG) with intrinsics and the 468 landmarks of the face it drew, and challenge
// sequences (landmarks per frame for a head turn or a blink). The selfie sent with them is a real
// photo of the same size; the scripted analyzer answers the generator's landmarks for it, because the
// engine's landmarks on that photo would not lie on the synthetic depth face.
import { MIN_PARALLAX_FLOOR } from '../../src/config/sections/liveness.js';
import { encodeGrey16Png, encodeGrey8Png } from '../../src/liveness/depth-png.js';
import { generateSyntheticCapture } from '../../eval/synth/generate-capture.js';
import type { CaptureLabel } from '../../eval/synth/species.js';
import type { ChallengeKind } from '../../src/liveness/index.js';
import { decodeJpeg, encodeJpeg } from './face-images.js';
import { texturedChallengeFrames } from './challenge-frames.js';

export interface DepthEvidence {
  landmarks: Float32Array;
  depthPng: Buffer;
  irPng: Buffer;
  intrinsics: { fx: number; fy: number; cx: number; cy: number };
  depthUnitMm: number;
}

/** A 640x480 capture at 0.5-0.6 m, little noise: the generator's easy cell, so outcomes are not borderline. */
export function depthEvidence(label: CaptureLabel, seed = 1): DepthEvidence {
  const c = generateSyntheticCapture({ seed: `verification-${seed}`, label, distanceMm: [500, 600], noiseFactor: 0.5, maxYawDeg: 5, landmarkJitterPx: 0.5 });
  return {
    landmarks: c.landmarks, depthPng: encodeGrey16Png(c.depth, c.width, c.height), irPng: encodeGrey8Png(c.ir, c.width, c.height),
    intrinsics: { fx: c.intrinsics.fx, fy: c.intrinsics.fy, cx: c.intrinsics.cx, cy: c.intrinsics.cy }, depthUnitMm: c.depthUnitMm,
  };
}

/** Envelope items for a depth frame (and its IR frame) stamped with the session's nonce. */
export function depthItems(e: DepthEvidence, nonce: string, capturedAt: number, withIr = false): object[] {
  const items: object[] = [{
    kind: 'depth', mediaType: 'image/png', data: e.depthPng.toString('base64'),
    meta: { intrinsics: e.intrinsics, depthUnitMm: e.depthUnitMm, capturedAt, nonce },
  }];
  if (withIr) items.push({ kind: 'ir', mediaType: 'image/png', data: e.irPng.toString('base64') });
  return items;
}

// (yaw degrees, pitch degrees, eye closure 0..1) per frame, 7 frames a step; each step starts and ends facing the camera.
const MOTIONS: Record<ChallengeKind | 'still', [number, number, number][]> = {
  'turn-left': [[0, 0, 0], [-10, 0, 0], [-20, 0, 0], [-30, 0, 0], [-34, 0, 0], [-16, 0, 0], [0, 0, 0]],
  'turn-right': [[0, 0, 0], [10, 0, 0], [20, 0, 0], [30, 0, 0], [34, 0, 0], [16, 0, 0], [0, 0, 0]],
  // The generator works in camera coordinates (y down): a negative pitch raises the face.
  'look-up': [[0, 0, 0], [0, -8, 0], [0, -16, 0], [0, -24, 0], [0, -28, 0], [0, -12, 0], [0, 0, 0]],
  blink: [[0, 0, 0], [0, 0, 0], [0, 0, 0.5], [0, 0, 1], [0, 0, 0.4], [0, 0, 0], [0, 0, 0]],
  still: [[0, 0, 0], [0, 0, 0], [0, 0, 0], [0, 0, 0], [0, 0, 0], [0, 0, 0], [0, 0, 0]],
};

/**
 * Landmarks per frame of one subject acting out the steps in order (or holding still), one continuous
 * sequence like the page films. A single kind is one step.
 */
export function challengeLandmarks(motion: ChallengeKind | 'still' | readonly (ChallengeKind | 'still')[]): Float32Array[] {
  const steps = typeof motion === 'string' ? [motion] : motion;
  return steps.flatMap((step) => MOTIONS[step]).map(([yaw, pitch, closure], i) => frameLandmarks(i, yaw, pitch, closure));
}

// Rendering a frame takes ~0.4 s; tests ask for the same frames again and again (and a test that spends
// more than the server's 5 s keep-alive between two requests races the server closing the connection).
const rendered = new Map<string, Float32Array>();
// One scene seed for every frame: the head stays where it is and only turns (as in front of a webcam);
// the server tracks the frames' texture, which cannot follow a head that jumps across the frame.
function frameLandmarks(i: number, yaw: number, pitch: number, closure: number): Float32Array {
  const key = `${yaw}:${pitch}:${closure}`;
  let landmarks = rendered.get(key);
  if (!landmarks) {
    landmarks = generateSyntheticCapture({
      seed: 'verification-challenge', subjectSeed: 'verification-challenge-subject', label: 'bona-fide', headYawDeg: yaw, headPitchDeg: pitch, eyeClosure: closure,
      distanceMm: [550, 550], maxYawDeg: 6, landmarkJitterPx: 0.3,
    }).landmarks;
    rendered.set(key, landmarks);
  }
  return landmarks;
}

/** A challenge performed the wrong way: the steps in the opposite order (two or more), or the opposite turn / holding still. */
export function wrongMotion(steps: readonly ChallengeKind[]): (ChallengeKind | 'still')[] {
  if (steps.length > 1) return [...steps].reverse();
  const kind = steps[0];
  return [kind === 'turn-left' ? 'turn-right' : kind === 'turn-right' ? 'turn-left' : 'still'];
}

const movedFrames = new Map<string, Buffer[]>();

/**
 * `count` pictures of `frame` as a camera films a moving head: each one shifted a few more pixels (the
 * scripted analyzer supplies the landmarks), so no two are identical and the picture changes, as the
 * injection signals expect of a real camera (liveness.injection).
 */
export function movingFrames(frame: Buffer, count: number): Buffer[] {
  const key = `${frame.length}:${frame.subarray(-64).toString('hex')}:${count}`;
  const cached = movedFrames.get(key);
  if (cached) return cached;
  const img = decodeJpeg(frame);
  const frames = Array.from({ length: count }, (_, i) => {
    const shift = i * 6;
    const data = new Uint8Array(img.data.length);
    for (let y = 0; y < img.height; y++) {
      for (let x = 0; x < img.width; x++) {
        const from = (y * img.width + Math.max(0, x - shift)) * 4;
        data.set(img.data.subarray(from, from + 4), (y * img.width + x) * 4);
      }
    }
    return encodeJpeg({ ...img, data }, 88);
  });
  movedFrames.set(key, frames);
  return frames;
}

/** A page timer's drift (ms) around the nominal interval: a real page never stamps exactly i x stepMs. */
const TIMER_DRIFT = [0, 3, -2, 4, -1, 2, -3, 1, 5, -2, 0, 2];

/**
 * Envelope items for challenge frames filmed by a camera, stamped every ~stepMs with a page timer's drift:
 * one JPEG per frame (texturedChallengeFrames: pixels that move as the scripted landmarks do, which the
 * server's texture tracking needs to see a 3D head), or one picture slid across the frame (movingFrames:
 * no two frames identical, but its tracked texture moves like a picture, so it shows no parallax).
 */
export function challengeItems(frames: Buffer | readonly Buffer[], count: number, nonce: string, start: number, stepMs = 200): object[] {
  const pictures = Buffer.isBuffer(frames) ? movingFrames(frames, count) : frames;
  return Array.from({ length: count }, (_, i) => pictures[i % pictures.length]).map((bytes, i) => ({
    kind: 'challenge-frame', mediaType: 'image/jpeg', data: bytes.toString('base64'),
    meta: { capturedAt: start + i * stepMs + (i === 0 ? 0 : TIMER_DRIFT[i % TIMER_DRIFT.length]), nonce },
  }));
}

/** An injected sequence: the same picture every time, stamped by a script at exact intervals. */
export function stillChallengeItems(frame: Buffer, count: number, nonce: string, start: number, stepMs = 200): object[] {
  return Array.from({ length: count }, (_, i) => ({
    kind: 'challenge-frame', mediaType: 'image/jpeg', data: frame.toString('base64'), meta: { capturedAt: start + i * stepMs, nonce },
  }));
}

/**
 * liveness.motion for app tests about the capture API rather than the parallax: challengeFrames' texture
 * follows the scripted landmarks, but its piecewise-affine warp loses the tracks past ~20 degrees of some
 * turns, so a session's random steps do not always clear the default tracked-parallax bound. The lowest
 * bound the configuration accepts (MIN_PARALLAX_FLOOR): the texture must still be tracked and the head still
 * move (test/liveness/texture-parallax.test.ts and the capture API's picture test judge the default bound).
 * The warp keeps every point of a picture in view, as any 2D warp does, so the self-occlusion requirement
 * (minOccludedFraction) is off here; the rendered heads of texture-parallax.test.ts and the Chromium tests
 * judge it at its default.
 */
export const API_TEST_MOTION = { tracking: { minParallax: MIN_PARALLAX_FLOOR.tracking, minOccludedFraction: 0 } };

/**
 * Textured challenge frames for the landmarks of challengeLandmarks(motion). Where the scripted head pauses
 * (the same pose twice) the rendered pictures are byte for byte the same, which a real camera's noise never
 * gives and the identical-frames injection signal refuses: each frame carries its number after the JPEG's
 * end (ignored by decoders), standing in for that noise.
 */
export function challengeFrames(motion: ChallengeKind | 'still' | readonly (ChallengeKind | 'still')[]): Buffer[] {
  return texturedChallengeFrames(challengeLandmarks(motion)).map((jpeg, i) => Buffer.concat([jpeg, Buffer.from(`frame ${i}`)]));
}
