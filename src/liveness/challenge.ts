// The active challenge for capture sequences. The server picks what the user must do (turn the head
// left or right, blink) per verification session, unpredictably; the client films it, stamping every
// frame with the session's nonce and its capture time; the face engine gives each frame's landmarks;
// verifyChallenge() then refuses wrong-nonce, stale, future-dated and replayed sequences with a typed
// error, and judges the motion itself into a ChallengeResult.
import { ProofgateError, type ErrorCode } from '../core/errors.js';
import { CHALLENGE_KINDS, type ChallengeKind, type ChallengeSettings } from '../config/sections/liveness.js';
import { validateLandmarks } from './capture.js';
import { estimateEyeOpenness, estimateYawDeg } from './landmark-motion.js';
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
  challenge: ChallengeKind;
  passed: boolean;
  /** Why it failed, in words for the audit trail; null when passed. */
  reason: string | null;
  /** Per frame: yaw in degrees (positive: subject turned to their own right) and mean eye aspect ratio. */
  yawDeg: number[];
  eyeOpenness: number[];
}

/** Picks the session's challenge. Pass cryptoRandom in production; a seeded source in tests. */
export function pickChallenge(rng: RandomSource, kinds: readonly ChallengeKind[] = CHALLENGE_KINDS): ChallengeKind {
  if (kinds.length === 0) throw new ProofgateError('ERR_INTERNAL', 'pickChallenge: no challenge kinds configured');
  const i = Math.min(kinds.length - 1, Math.floor(rng.next() * kinds.length));
  return kinds[i];
}

/** Frame width/height bound the landmark sanity check. */
export interface VerifyChallengeInput {
  frames: readonly ChallengeFrame[];
  challenge: ChallengeKind;
  /** The nonce the server issued for this session. */
  nonce: string;
  /** Server time now, ms. */
  now: number;
  frameSize: { width: number; height: number };
  replayGuard: NonceReplayGuard;
}

const refuse = (code: ErrorCode, message: string, status = 400) => new ProofgateError(code, message, { status });

export function verifyChallenge(input: VerifyChallengeInput, settings: ChallengeSettings): ChallengeResult {
  const { frames, challenge, nonce, now } = input;
  if (!(CHALLENGE_KINDS as readonly string[]).includes(challenge)) throw refuse('ERR_BAD_REQUEST', `challenge: unknown kind ${JSON.stringify(challenge)}`);
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
  const yawDeg = views.map((v) => round2(estimateYawDeg(v)));
  const eyeOpenness = views.map((v) => round3(estimateEyeOpenness(v)));
  const reason = challenge === 'blink' ? judgeBlink(eyeOpenness, settings) : judgeTurn(yawDeg, challenge === 'turn-right' ? 1 : -1, settings);
  return { challenge, passed: reason === null, reason, yawDeg, eyeOpenness };
}

function judgeTurn(yaw: number[], sign: 1 | -1, s: ChallengeSettings): string | null {
  const start = yaw.findIndex((y) => Math.abs(y) <= s.maxStartYawDeg);
  if (start < 0) return `the head never faced the camera (|yaw| <= ${s.maxStartYawDeg} deg)`;
  const reached = yaw.slice(start + 1).some((y) => sign * y >= s.minTurnYawDeg);
  if (!reached) {
    const wrong = yaw.some((y) => -sign * y >= s.minTurnYawDeg);
    return wrong ? 'the head turned the other way' : `the head did not turn ${s.minTurnYawDeg} deg after facing the camera`;
  }
  return null;
}

function judgeBlink(ear: number[], s: ChallengeSettings): string | null {
  let phase: 'wait-open' | 'wait-closed' | 'wait-reopen' = 'wait-open';
  for (const e of ear) {
    if (!Number.isFinite(e)) continue;
    if (phase === 'wait-open' && e >= s.openEyeRatio) phase = 'wait-closed';
    else if (phase === 'wait-closed' && e <= s.closedEyeRatio) phase = 'wait-reopen';
    else if (phase === 'wait-reopen' && e >= s.openEyeRatio) return null;
  }
  return phase === 'wait-open' ? 'the eyes were never open' : phase === 'wait-closed' ? 'the eyes never closed' : 'the eyes did not open again';
}

const round2 = (x: number) => Math.round(x * 100) / 100;
const round3 = (x: number) => Math.round(x * 1000) / 1000;
