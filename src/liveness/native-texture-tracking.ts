// The typed seam over the addon's livenessTrackTexture: pyramidal Lucas-Kanade tracking of seed points
// through the challenge frames as uploaded (JPEG/PNG bytes, decoded to grey in the worker). Every input
// is bounded here before the call; the native side holds no thresholds and only guards memory.
import { ProofgateError, type ErrorCode } from '../core/errors.js';
import { nativeAddon } from '../native/addon.js';
import { callNative, type NativeCapability } from '../native/call-native.js';
import { COMMON_NATIVE_CODES } from '../native/native-errors.js';
import type { MotionTrackingSettings } from '../config/sections/liveness.js';
import type { Point2 } from './homography.js';

/** Most seed points one call may track (the measure seeds 17 locations x seedGrid² ≤ 49). */
export const MAX_TRACK_SEEDS = 1000;
/** Most encoded bytes per frame (the capture API's own bound is lower). */
export const MAX_TRACK_FRAME_BYTES = 32 * 1024 * 1024;

export interface TextureTracks {
  frames: number;
  points: number;
  width: number;
  height: number;
  /** frames x points x (x, y), px; NaN where the point is lost. */
  xy: Float32Array;
  /** frames x points: 1 while the point is still tracked (the reference frame holds the seeds). */
  tracked: Uint8Array;
  /** frames x points: the forward-backward miss of the step into that frame, px; NaN when lost or the reference. */
  forwardBackwardPx: Float32Array;
}

interface TrackingAddon {
  livenessTrackTexture(frames: Buffer[], options: object): Promise<TextureTracks>;
}

export class TextureTrackingError extends ProofgateError {
  constructor(readonly reason: string, code: ErrorCode, message: string, opts: { status: number; cause?: unknown }) {
    super(code, message, opts);
  }
}

const TRACKING_NATIVE: NativeCapability<string, TextureTrackingError> = {
  codes: {
    ...COMMON_NATIVE_CODES,
    ERR_TRACK_FRAME_SIZE: { code: 'ERR_IMAGE_INVALID', status: 400 },
  },
  toError: (reason, code, message, opts) => new TextureTrackingError(reason, code, message, opts),
};

/** The tracker's signature, so the measure can be driven by a test double in unit tests of its geometry. */
export type TrackTexture = (frames: readonly Buffer[], reference: number, seeds: readonly Point2[], settings: MotionTrackingSettings) => Promise<TextureTracks>;

function invalid(message: string): ProofgateError {
  return new ProofgateError('ERR_BAD_REQUEST', `texture tracking: ${message}`, { status: 400 });
}

/** Tracks `seeds` (positions in frame `reference`) through `frames`, chained outward from the reference. */
export const trackTexture: TrackTexture = async (frames, reference, seeds, settings) => {
  if (frames.length < 2 || frames.length > settings.maxFrames) throw invalid(`${frames.length} frames, expected 2..${settings.maxFrames}`);
  for (const [i, f] of frames.entries()) {
    if (!Buffer.isBuffer(f) || f.length === 0 || f.length > MAX_TRACK_FRAME_BYTES) throw invalid(`frame ${i} is not 1..${MAX_TRACK_FRAME_BYTES} bytes`);
  }
  if (!Number.isInteger(reference) || reference < 0 || reference >= frames.length) throw invalid(`reference frame ${reference} is not one of the ${frames.length}`);
  if (seeds.length < 1 || seeds.length > MAX_TRACK_SEEDS) throw invalid(`${seeds.length} seed points, expected 1..${MAX_TRACK_SEEDS}`);
  const packed = new Float32Array(seeds.length * 2);
  for (const [i, p] of seeds.entries()) {
    if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) throw invalid(`seed ${i} is not a finite point`);
    packed[i * 2] = p.x;
    packed[i * 2 + 1] = p.y;
  }
  const addon = nativeAddon() as unknown as TrackingAddon;
  if (typeof addon.livenessTrackTexture !== 'function') {
    throw new ProofgateError('ERR_NOT_IMPLEMENTED', 'the native addon was built without texture tracking: run "npm run build:native"', { status: 500 });
  }
  const options = {
    reference, seeds: packed, maxPixels: settings.maxPixels, windowPx: settings.windowPx, pyramidLevels: settings.pyramidLevels,
    maxIterations: settings.maxIterations, epsilon: settings.epsilon, minEigThreshold: settings.minEigThreshold,
    maxForwardBackwardPx: settings.maxForwardBackwardPx, reacquireFromReference: settings.reacquire !== 'none',
    reacquireFromLastGood: settings.reacquire === 'from-reference-and-last-good',
  };
  return callNative(trackTexture, () => addon.livenessTrackTexture([...frames], options), TRACKING_NATIVE, 'texture tracking');
};
