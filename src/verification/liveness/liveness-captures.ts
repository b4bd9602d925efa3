// Reads the liveness evidence out of a capture request, before anything is analysed or stored:
//  - 'depth' (16-bit greyscale PNG aligned to the selfie) with meta {intrinsics {fx,fy,cx,cy},
//    depthUnitMm, capturedAt, nonce}, and optionally 'ir' (8/16-bit greyscale PNG, same size, no meta);
//  - 'challenge-frame's (JPEG/PNG/WebP), each with meta {capturedAt, nonce}, in capture order;
//  - the selfie's meta {cameraLabel?, capturedAt?}: the camera's label as the browser reports it (for the
//    virtual-camera injection signal; the client's word, at most 200 characters) and when it was taken.
// Malformed evidence is refused here with the liveness module's typed 4xx errors (its own validation
// of the PNG headers, sizes, intrinsics and nonce format), so a bad request stores nothing.
import { ProofgateError, type ErrorCode } from '../../core/errors.js';
import type { LivenessConfig } from '../../config/sections/liveness.js';
import { validateRgbdCapture, type DepthIntrinsics, type RgbdCapture } from '../../liveness/index.js';
import type { Capture } from '../capture/capture.js';
import type { SessionChallenge } from '../capture/session-challenge.js';

export interface ChallengeFrameCapture {
  image: Buffer;
  nonce: string;
  capturedAt: number;
}

/** The selfie and what the page said about its camera (both null when it said nothing: a kiosk, an upload). */
export interface SelfieCameraMeta {
  bytes: Buffer;
  cameraLabel: string | null;
  capturedAt: number | null;
}

/** Longest camera label accepted: labels are device names, tens of characters. */
export const MAX_CAMERA_LABEL_CHARS = 200;

export interface LivenessCaptures {
  /** The selfie's camera meta (for the injection signals). */
  selfie: SelfieCameraMeta;
  /** The RGB-D capture (the selfie as its colour frame), or null when no depth frame was sent. */
  depth: RgbdCapture | null;
  /** The active-challenge sequence in the order sent; empty when none was sent. */
  challengeFrames: ChallengeFrameCapture[];
}

const badRequest = (code: ErrorCode, message: string) => new ProofgateError(code, message, { status: 400 });

function metaKeys(c: Capture, at: string, allowed: readonly string[]): Record<string, unknown> {
  const meta = c.meta ?? {};
  const unknown = Object.keys(meta).find((k) => !allowed.includes(k));
  if (unknown !== undefined) throw badRequest('ERR_BAD_REQUEST', `${at}.meta has an unknown field "${unknown.slice(0, 40)}" (allowed: ${allowed.join(', ') || 'none'})`);
  return meta;
}

/** Refuses a capture stamped for another session, or taken outside the challenge's time window. */
function checkStamp(nonce: unknown, capturedAt: unknown, at: string, session: SessionChallenge, now: number, config: LivenessConfig): void {
  if (nonce !== session.nonce) throw badRequest('ERR_CHALLENGE_NONCE', `${at}: meta.nonce is not this session's challenge nonce`);
  const t = capturedAt as number;
  if (now - t > config.challenge.maxAgeSeconds * 1000) {
    throw badRequest('ERR_CHALLENGE_STALE', `${at}: captured ${Math.round((now - t) / 1000)} s ago, more than ${config.challenge.maxAgeSeconds} s`);
  }
  if (t - now > config.challenge.maxClockSkewMs) throw badRequest('ERR_CHALLENGE_STALE', `${at}: dated in the future`);
}

function readDepth(captures: readonly Capture[], selfie: Capture, session: SessionChallenge, now: number, config: LivenessConfig): RgbdCapture | null {
  const depths = captures.filter((c) => c.kind === 'depth');
  const irs = captures.filter((c) => c.kind === 'ir');
  if (depths.length > 1) throw badRequest('ERR_BAD_REQUEST', `one depth capture per request (found ${depths.length})`);
  if (irs.length > 1) throw badRequest('ERR_BAD_REQUEST', `one ir capture per request (found ${irs.length})`);
  if (depths.length === 0) {
    if (irs.length > 0) throw badRequest('ERR_BAD_REQUEST', 'an ir capture needs the depth capture it belongs to');
    return null;
  }
  const meta = metaKeys(depths[0], 'depth', ['intrinsics', 'depthUnitMm', 'capturedAt', 'nonce']);
  if (irs.length > 0) metaKeys(irs[0], 'ir', []);
  const capture: RgbdCapture = {
    rgb: selfie.bytes,
    depthPng: depths[0].bytes,
    depthUnitMm: meta.depthUnitMm as number,
    intrinsics: meta.intrinsics as DepthIntrinsics,
    ...(irs.length > 0 ? { irPng: irs[0].bytes } : {}),
    nonce: meta.nonce as string,
    capturedAt: meta.capturedAt as number,
  };
  // Header-level validation (formats, bit depths, alignment to the selfie, intrinsics, nonce format):
  // typed 4xx errors; the pixels are decoded later by the native worker.
  validateRgbdCapture(capture, config.capture);
  checkStamp(capture.nonce, capture.capturedAt, 'depth', session, now, config);
  return capture;
}

/**
 * The challenge frames, each stamped with this session's nonce and a time inside the challenge's window:
 * checked here, before any frame reaches the face engine, so a foreign, stale or future-dated sequence
 * costs no analysis (verifyChallenge checks the same again, with the order and the replay guard).
 */
function readChallengeFrames(captures: readonly Capture[], session: SessionChallenge, now: number, config: LivenessConfig): ChallengeFrameCapture[] {
  const frames = captures.filter((c) => c.kind === 'challenge-frame');
  if (frames.length > config.capture.maxSequenceFrames) {
    throw badRequest('ERR_BAD_REQUEST', `at most ${config.capture.maxSequenceFrames} challenge frames are accepted (got ${frames.length})`);
  }
  return frames.map((c, i) => {
    const at = `challenge-frame ${i}`;
    const meta = metaKeys(c, at, ['capturedAt', 'nonce']);
    if (typeof meta.nonce !== 'string') throw badRequest('ERR_CHALLENGE_NONCE', `${at}: meta.nonce (the session's challenge nonce) is required`);
    if (typeof meta.capturedAt !== 'number' || !Number.isFinite(meta.capturedAt)) {
      throw badRequest('ERR_BAD_REQUEST', `${at}: meta.capturedAt (milliseconds since the epoch) is required`);
    }
    if (meta.nonce !== session.nonce) throw badRequest('ERR_CHALLENGE_NONCE', `challenge: frame ${i} does not carry this session's nonce`);
    if (now - meta.capturedAt > config.challenge.maxAgeSeconds * 1000) {
      throw badRequest('ERR_CHALLENGE_STALE', `challenge: frame ${i} is ${Math.round((now - meta.capturedAt) / 1000)} s old, more than ${config.challenge.maxAgeSeconds} s`);
    }
    if (meta.capturedAt - now > config.challenge.maxClockSkewMs) throw badRequest('ERR_CHALLENGE_STALE', `challenge: frame ${i} is dated in the future`);
    return { image: c.bytes, nonce: meta.nonce, capturedAt: meta.capturedAt };
  });
}

function readSelfieMeta(selfie: Capture): SelfieCameraMeta {
  const meta = metaKeys(selfie, 'selfie', ['cameraLabel', 'capturedAt']);
  const { cameraLabel, capturedAt } = meta;
  if (cameraLabel !== undefined && (typeof cameraLabel !== 'string' || cameraLabel.length > MAX_CAMERA_LABEL_CHARS)) {
    throw badRequest('ERR_BAD_REQUEST', `selfie.meta.cameraLabel must be a string of at most ${MAX_CAMERA_LABEL_CHARS} characters`);
  }
  if (capturedAt !== undefined && (typeof capturedAt !== 'number' || !Number.isFinite(capturedAt))) {
    throw badRequest('ERR_BAD_REQUEST', 'selfie.meta.capturedAt must be milliseconds since the epoch');
  }
  return { bytes: selfie.bytes, cameraLabel: (cameraLabel as string | undefined) ?? null, capturedAt: (capturedAt as number | undefined) ?? null };
}

export function readLivenessCaptures(
  captures: readonly Capture[], selfie: Capture, session: SessionChallenge, now: number, config: LivenessConfig,
): LivenessCaptures {
  return { selfie: readSelfieMeta(selfie), depth: readDepth(captures, selfie, session, now, config), challengeFrames: readChallengeFrames(captures, session, now, config) };
}
