// The typed seam over the addon's livenessDepthChecks: builds the native options from configuration,
// passes the depth and IR pixels without copying, and turns native failures into ProofgateErrors with
// the caller's stack.
import { ProofgateError, type ErrorCode } from '../core/errors.js';
import { nativeAddon } from '../native/addon.js';
import { callNative, type NativeCapability } from '../native/call-native.js';
import { COMMON_NATIVE_CODES } from '../native/native-errors.js';
import type { DepthFrame, EncodedDepthFrame } from './capture.js';
import type { DepthCheckSettings } from '../config/sections/liveness.js';
import { LEFT_EYE_INNER, LEFT_EYE_OUTER, NOSE_TIP, RIGHT_EYE_INNER, RIGHT_EYE_OUTER } from './facemesh-points.js';

export type DepthCheckName =
  | 'validDepthFraction' | 'planeResidualMm' | 'planeInlierFraction' | 'quadricResidualMm' | 'noseProminenceMm' | 'noseReliefMm'
  | 'outerCanthiMm' | 'interPupilMm' | 'foregroundRingFraction' | 'irReflectance';

export type CheckOutcome = 'pass' | 'fail' | 'info' | 'not-computed';

export interface DepthCheckResult {
  name: DepthCheckName;
  unit: 'mm' | 'ratio';
  /** null when there was too little data to compute it. */
  value: number | null;
  /** Bounds it was judged against; both null: reported only, not gating. */
  min: number | null;
  max: number | null;
  outcome: CheckOutcome;
}

export interface NativeDepthReport {
  checks: DepthCheckResult[];
  facePixels: number;
  validFacePixels: number;
  faceDepthMm: number | null;
}

interface LivenessAddon {
  livenessDepthChecks(frame: object, options: object): Promise<NativeDepthReport>;
}

/**
 * A native depth-check failure: `code` is the appliance-wide code, `reason` the native one. Its name
 * stays "ProofgateError", like the capture validation's errors for the same problems.
 */
export class DepthCheckError extends ProofgateError {
  constructor(readonly reason: string, code: ErrorCode, message: string, opts: { status: number; cause?: unknown }) {
    super(code, message, opts);
  }
}

// Native code -> appliance code. Capture problems found while decoding keep their message bare,
// exactly as the TypeScript validation would have worded them.
const DEPTH_NATIVE: NativeCapability<string, DepthCheckError> = {
  codes: {
    ...COMMON_NATIVE_CODES,
    ERR_LIVENESS_FACE_OUTSIDE: { code: 'ERR_LANDMARKS_INVALID', status: 422 },
    ERR_DEPTH_DECODE: { code: 'ERR_DEPTH_FORMAT', status: 400, bare: true },
    ERR_DEPTH_EMPTY: { code: 'ERR_DEPTH_EMPTY', status: 400, bare: true },
    ERR_DEPTH_BIT_DEPTH: { code: 'ERR_DEPTH_BIT_DEPTH', status: 400, bare: true },
    ERR_DEPTH_SIZE_MISMATCH: { code: 'ERR_DEPTH_SIZE_MISMATCH', status: 400, bare: true },
  },
  toError: (reason, code, message, opts) => new DepthCheckError(reason, code, message, opts),
};

function nativeOptions(s: DepthCheckSettings): object {
  return {
    roles: {
      noseTip: NOSE_TIP, rightEyeOuter: RIGHT_EYE_OUTER, rightEyeInner: RIGHT_EYE_INNER,
      leftEyeInner: LEFT_EYE_INNER, leftEyeOuter: LEFT_EYE_OUTER,
    },
    params: {
      ransacIterations: s.ransacIterations, ransacInlierBaseMm: s.ransacInlierBaseMm,
      ransacInlierPerSquareMetreMm: s.ransacInlierPerSquareMetreMm, planeTrimFraction: s.planeTrimFraction,
      ransacSeed: s.ransacSeed, noseExclusionMm: s.noseExclusionMm, noseTipRadiusMm: s.noseTipRadiusMm, noseTipQuantile: s.noseTipQuantile,
      noseReliefDirections: s.noseReliefDirections, noseReliefRadiusMm: s.noseReliefRadiusMm, noseReliefStripMm: s.noseReliefStripMm,
      noseReliefInnerMm: s.noseReliefInnerMm, noseReliefQuantile: s.noseReliefQuantile, noseReliefSmoothPx: s.noseReliefSmoothPx, noseReliefMinPoints: s.noseReliefMinPoints,
      noseReliefMinDirections: s.noseReliefMinDirections,
      quadricRounds: s.quadricRounds, quadricRejectSigma: s.quadricRejectSigma, sampleRadiusPx: s.sampleRadiusPx,
      ringInnerScale: s.ringInnerScale, ringOuterScale: s.ringOuterScale, ringBehindMm: s.ringBehindMm,
      irReferenceDistanceMm: s.irReferenceDistanceMm, minFacePoints: s.minFacePoints, faceDepthBandMm: s.faceDepthBandMm,
    },
    bounds: {
      // null: no bound on that side (both null: reported, not gating).
      validDepthFraction: { min: s.minValidDepthFraction, max: null },
      planeResidualMm: { min: s.minPlaneResidualMm, max: null },
      planeInlierFraction: { min: null, max: null },
      quadricResidualMm: { min: null, max: null },
      noseProminenceMm: { min: s.minNoseProminenceMm, max: s.maxNoseProminenceMm },
      noseReliefMm: { min: s.minNoseReliefMm, max: null },
      outerCanthiMm: { min: s.minOuterCanthiMm, max: s.maxOuterCanthiMm },
      interPupilMm: { min: s.minInterPupilMm, max: s.maxInterPupilMm },
      foregroundRingFraction: { min: s.minForegroundRingFraction, max: null },
      irReflectance: { min: s.minIrReflectance, max: s.maxIrReflectance },
    },
  };
}

/** Runs the native depth checks on a validated frame (raw, or PNG-encoded as uploaded) and validated landmarks. */
export async function runNativeDepthChecks(
  frame: DepthFrame | EncodedDepthFrame, landmarks: { points: Float32Array; stride: 2 | 3 }, settings: DepthCheckSettings,
): Promise<NativeDepthReport> {
  const addon = nativeAddon() as unknown as LivenessAddon;
  if (typeof addon.livenessDepthChecks !== 'function') {
    throw new ProofgateError('ERR_NOT_IMPLEMENTED', 'the native addon was built without liveness: run "npm run build:native"', { status: 500 });
  }
  const bytes = (a: Uint8Array | Uint16Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  // Every key is present: a frame is raw or PNG-encoded, with or without IR, and null says "not this one".
  const pixels = 'depthPng' in frame
    ? { depth: null, depthPng: frame.depthPng, ir: null, irBits: null, irPng: frame.irPng ?? null }
    : { depth: bytes(frame.depth), depthPng: null, ir: frame.ir ? bytes(frame.ir.values) : null, irBits: frame.ir ? frame.ir.bits : null, irPng: null };
  const nativeFrame = {
    ...pixels, width: frame.width, height: frame.height, depthUnitMm: frame.depthUnitMm,
    fx: frame.intrinsics.fx, fy: frame.intrinsics.fy, cx: frame.intrinsics.cx, cy: frame.intrinsics.cy,
    landmarks: landmarks.points, landmarkStride: landmarks.stride,
  };
  return callNative(runNativeDepthChecks, () => addon.livenessDepthChecks(nativeFrame, nativeOptions(settings)), DEPTH_NATIVE, 'depth liveness');
}
