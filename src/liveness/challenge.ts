// The active challenge for capture sequences. The server picks what the user must do per verification
// session, unpredictably: an ordered sequence of different steps (turn the head left or right, look up,
// blink); the client films it in one sequence, stamping every frame with the session's nonce and its
// capture time; the face engine gives each frame's landmarks; verifyChallenge() then refuses wrong-nonce,
// stale, future-dated and replayed sequences with a typed error, judges that the steps happened in the
// asked order, and (given motion settings) measures the 3D consistency of the motion.
import { ProofgateError, type ErrorCode } from '../core/errors.js';
import { CHALLENGE_KINDS, type ChallengeKind, type ChallengeSettings } from '../config/sections/liveness.js';
import { validateLandmarks } from './capture.js';
import type { LandmarkView } from './facemesh-points.js';
import { estimateEyeOpenness, estimatePitchDeg, estimateYawDeg } from './landmark-motion.js';
import { measureMotionConsistency, type MotionConsistencyReport } from './motion-consistency.js';
import type { MotionSettings } from '../config/sections/liveness.js';
import type { RandomSource } from './random-source.js';

export type { ChallengeKind } from '../config/sections/liveness.js';

/** Records a one-time value until it expires; false if it was already recorded. Repository.rememberOnce fits. */
export interface NonceReplayGuard {
  rememberOnce(kind: 'nonce', value: string, expiresAt: number): boolean;
}

export interface ChallengeFrame {
  /** The face engine's 468 landmarks for this frame (x, y[, z] per point, image pixels). */
  landmarks: Float32Array | Float64Array | number[];
  nonce: string;
  /** Milliseconds since the Unix epoch, as stamped by the capture client. */
  capturedAt: number;
}

export interface ChallengeResult {
  /** The steps asked for, in order. */
  steps: ChallengeKind[];
  passed: boolean;
  /** Why it failed, in words for the audit trail; null when passed. */
  reason: string | null;
  /** How many of the asked steps were seen, in order, before the judgement stopped (all of them when passed). */
  stepsSeen: number;
  /**
   * Per frame: yaw in degrees (positive: subject turned to their own right), pitch in degrees (positive:
   * looking up) and mean eye aspect ratio.
   */
  yawDeg: number[];
  pitchDeg: number[];
  eyeOpenness: number[];
  /** 3D consistency of the motion, when verifyChallenge was given motion settings. */
  motion?: MotionConsistencyReport;
}

/** Picks the session's challenge. Pass cryptoRandom in production; a seeded source in tests. */
export function pickChallenge(rng: RandomSource, kinds: readonly ChallengeKind[] = CHALLENGE_KINDS): ChallengeKind {
  if (kinds.length === 0) throw new ProofgateError('ERR_INTERNAL', 'pickChallenge: no challenge kinds configured');
  const i = Math.min(kinds.length - 1, Math.floor(rng.next() * kinds.length));
  return kinds[i];
}

/**
 * Picks `count` different steps in random order. The shuffle draws from rng only, so a source fixed by
 * the session nonce gives the same steps on every page load of that session.
 */
export function pickChallengeSteps(rng: RandomSource, kinds: readonly ChallengeKind[], count: number): ChallengeKind[] {
  const pool = [...new Set(kinds)];
  if (count < 1 || count > pool.length) throw new ProofgateError('ERR_INTERNAL', `pickChallengeSteps: cannot pick ${count} different steps from ${pool.length} kinds`);
  const steps: ChallengeKind[] = [];
  while (steps.length < count) steps.push(pool.splice(Math.min(pool.length - 1, Math.floor(rng.next() * pool.length)), 1)[0]);
  return steps;
}

/** Frame width/height bound the landmark sanity check. */
export interface VerifyChallengeInput {
  frames: readonly ChallengeFrame[];
  /** The steps the session asked for, in order. */
  steps: readonly ChallengeKind[];
  /** The nonce the server issued for this session. */
  nonce: string;
  /** Server time now, ms. */
  now: number;
  frameSize: { width: number; height: number };
  replayGuard: NonceReplayGuard;
}

const refuse = (code: ErrorCode, message: string, status = 400) => new ProofgateError(code, message, { status });

export function verifyChallenge(input: VerifyChallengeInput, settings: ChallengeSettings, motion?: MotionSettings): ChallengeResult {
  const { frames, steps, nonce, now } = input;
  if (!Array.isArray(steps) || steps.length === 0) throw refuse('ERR_INTERNAL', 'challenge: no steps to judge', 500);
  for (const step of steps) {
    if (!(CHALLENGE_KINDS as readonly string[]).includes(step)) throw refuse('ERR_BAD_REQUEST', `challenge: unknown kind ${JSON.stringify(step)}`);
  }
  if (!Array.isArray(frames) || frames.length < settings.minFrames) {
    throw refuse('ERR_BAD_REQUEST', `challenge: at least ${settings.minFrames} frames are required, got ${Array.isArray(frames) ? frames.length : 0}`);
  }
  frames.forEach((f, i) => {
    if (f.nonce !== nonce) throw refuse('ERR_CHALLENGE_NONCE', `challenge: frame ${i} does not carry this session's nonce`);
    if (typeof f.capturedAt !== 'number' || !Number.isFinite(f.capturedAt)) throw refuse('ERR_BAD_REQUEST', `challenge: frame ${i} has no capture time`);
    if (i > 0 && f.capturedAt < frames[i - 1].capturedAt) throw refuse('ERR_BAD_REQUEST', `challenge: frame ${i} was captured before frame ${i - 1}`);
  });
  const oldest = frames[0].capturedAt;
  const newest = frames[frames.length - 1].capturedAt;
  if (now - oldest > settings.maxAgeSeconds * 1000) {
    throw refuse('ERR_CHALLENGE_STALE', `challenge: the sequence is ${Math.round((now - oldest) / 1000)} s old, more than ${settings.maxAgeSeconds} s`);
  }
  if (newest - now > settings.maxClockSkewMs) throw refuse('ERR_CHALLENGE_STALE', 'challenge: a frame is dated in the future');
  // One sequence per nonce, whether it passes or not: a recorded success cannot be sent again.
  if (!input.replayGuard.rememberOnce('nonce', `liveness-challenge:${nonce}`, now + settings.maxAgeSeconds * 1000 + settings.maxClockSkewMs)) {
    throw refuse('ERR_REPLAY', 'challenge: this nonce was already used', 409);
  }

  const views = frames.map((f) => validateLandmarks(f.landmarks, input.frameSize.width, input.frameSize.height));
  const result: ChallengeResult = { steps: [...steps], ...judgeChallengeSteps(steps, views, settings) };
  if (motion) result.motion = measureMotionConsistency(views, motion);
  return result;
}

export type StepJudgement = Omit<ChallengeResult, 'steps' | 'motion'>;

/**
 * Whether the landmark sequence performs `steps` in order (the part of verifyChallenge that looks at the
 * head, without the nonce, clock and replay checks): the evaluation judges recorded sequences with it.
 */
export function judgeChallengeSteps(steps: readonly ChallengeKind[], views: readonly LandmarkView[], settings: ChallengeSettings): StepJudgement {
  const yawDeg = views.map((v) => round2(estimateYawDeg(v)));
  const pitchDeg = views.map((v) => round2(estimatePitchDeg(v)));
  const eyeOpenness = views.map((v) => round3(estimateEyeOpenness(v)));
  const { reason, stepsSeen } = judgeSteps(steps, { yaw: yawDeg, pitch: pitchDeg, ear: eyeOpenness }, settings);
  return { passed: reason === null, reason, stepsSeen, yawDeg, pitchDeg, eyeOpenness };
}

interface Tracks { yaw: number[]; pitch: number[]; ear: number[] }

/**
 * The steps must happen one after the other, in the asked order, after the head first faced the camera:
 * each step is looked for only in the frames after the one where the previous step was completed.
 */
function judgeSteps(steps: readonly ChallengeKind[], t: Tracks, s: ChallengeSettings): { reason: string | null; stepsSeen: number } {
  const start = t.yaw.findIndex((y) => Math.abs(y) <= s.maxStartYawDeg);
  if (start < 0) return { reason: `the head never faced the camera (|yaw| <= ${s.maxStartYawDeg} deg)`, stepsSeen: 0 };
  const basePitch = t.pitch[start];
  let from = start;
  for (const [n, step] of steps.entries()) {
    const found = findStep(step, t, from, basePitch, s);
    if (typeof found === 'string') return { reason: steps.length > 1 ? `step ${n + 1} of ${steps.length} (${step}): ${found}` : found, stepsSeen: n };
    from = found;
  }
  return { reason: null, stepsSeen: steps.length };
}

/** Index of the frame that completes the step, searching from `from`; or why it never happened. */
function findStep(step: ChallengeKind, t: Tracks, from: number, basePitch: number, s: ChallengeSettings): number | string {
  if (step === 'blink') return findBlink(t.ear, from, s);
  if (step === 'look-up') {
    for (let i = from + 1; i < t.pitch.length; i++) if (t.pitch[i] - basePitch >= s.minLookUpDeg) return i;
    return `the head did not look up ${s.minLookUpDeg} deg`;
  }
  const sign = step === 'turn-right' ? 1 : -1;
  for (let i = from + 1; i < t.yaw.length; i++) if (sign * t.yaw[i] >= s.minTurnYawDeg) return i;
  const wrong = t.yaw.slice(from + 1).some((y) => -sign * y >= s.minTurnYawDeg);
  return wrong ? 'the head turned the other way' : `the head did not turn ${s.minTurnYawDeg} deg ${sign > 0 ? 'right' : 'left'}`;
}

function findBlink(ear: number[], from: number, s: ChallengeSettings): number | string {
  let phase: 'wait-open' | 'wait-closed' | 'wait-reopen' = 'wait-open';
  for (let i = from; i < ear.length; i++) {
    const e = ear[i];
    if (!Number.isFinite(e)) continue;
    if (phase === 'wait-open' && e >= s.openEyeRatio) phase = 'wait-closed';
    else if (phase === 'wait-closed' && e <= s.closedEyeRatio) phase = 'wait-reopen';
    else if (phase === 'wait-reopen' && e >= s.openEyeRatio) return i;
  }
  return phase === 'wait-open' ? 'the eyes were never open' : phase === 'wait-closed' ? 'the eyes never closed' : 'the eyes did not open again';
}

const round2 = (x: number) => Math.round(x * 100) / 100;
const round3 = (x: number) => Math.round(x * 1000) / 1000;
