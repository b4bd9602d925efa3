// The typed seam over the addon's livenessDepthChecks: builds the native options from configuration,
// passes the depth and IR pixels without copying, and turns native failures into ProofgateErrors with
// the caller's stack.
import { ProofgateError } from '../core/errors.js';
import { nativeAddon } from '../native/addon.js';
import { COMMON_NATIVE_CODES, captureCallSite, nativeCodeOf } from '../native/native-errors.js';
import type { DepthFrame, EncodedDepthFrame } from './capture.js';
import type { DepthCheckSettings } from '../config/sections/liveness.js';
import { LEFT_EYE_INNER, LEFT_EYE_OUTER, NOSE_TIP, RIGHT_EYE_INNER, RIGHT_EYE_OUTER } from './facemesh-points.js';

export type DepthCheckName =
  | 'validDepthFraction' | 'planeResidualMm' | 'planeInlierFraction' | 'quadricResidualMm' | 'noseProminenceMm'
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

// Native code -> appliance code. Capture problems found while decoding keep their message unprefixed,
// exactly as the TypeScript validation would have worded them.
const NATIVE_CODES: Record<string, { code: string; status: number; capture?: true }> = {
  ERR_LIVENESS_FACE_OUTSIDE: { code: 'ERR_LANDMARKS_INVALID', status: 422 },
  ERR_DEPTH_DECODE: { code: 'ERR_DEPTH_FORMAT', status: 400, capture: true },
  ERR_DEPTH_EMPTY: { code: 'ERR_DEPTH_EMPTY', status: 400, capture: true },
  ERR_DEPTH_BIT_DEPTH: { code: 'ERR_DEPTH_BIT_DEPTH', status: 400, capture: true },
  ERR_DEPTH_SIZE_MISMATCH: { code: 'ERR_DEPTH_SIZE_MISMATCH', status: 400, capture: true },
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
      quadricRounds: s.quadricRounds, quadricRejectSigma: s.quadricRejectSigma, sampleRadiusPx: s.sampleRadiusPx,
      ringInnerScale: s.ringInnerScale, ringOuterScale: s.ringOuterScale, ringBehindMm: s.ringBehindMm,
      irReferenceDistanceMm: s.irReferenceDistanceMm, minFacePoints: s.minFacePoints, faceDepthBandMm: s.faceDepthBandMm,
    },
    bounds: {
      validDepthFraction: { min: s.minValidDepthFraction },
      planeResidualMm: { min: s.minPlaneResidualMm },
      planeInlierFraction: {},
      quadricResidualMm: {},
      noseProminenceMm: { min: s.minNoseProminenceMm, max: s.maxNoseProminenceMm },
      outerCanthiMm: { min: s.minOuterCanthiMm, max: s.maxOuterCanthiMm },
      interPupilMm: { min: s.minInterPupilMm, max: s.maxInterPupilMm },
      foregroundRingFraction: { min: s.minForegroundRingFraction },
      irReflectance: { min: s.minIrReflectance, max: s.maxIrReflectance },
    },
  };
}

/** Runs the native depth checks on a validated frame (raw, or PNG-encoded as uploaded) and validated landmarks. */
export async function runNativeDepthChecks(
  frame: DepthFrame | EncodedDepthFrame, landmarks: { points: Float32Array; stride: 2 | 3 }, settings: DepthCheckSettings,
): Promise<NativeDepthReport> {
  const callSite = captureCallSite(runNativeDepthChecks);
  const addon = nativeAddon() as unknown as LivenessAddon;
  if (typeof addon.livenessDepthChecks !== 'function') {
    throw new ProofgateError('ERR_NOT_IMPLEMENTED', 'the native addon was built without liveness: run "npm run build:native"', { status: 500 });
  }
  const bytes = (a: Uint8Array | Uint16Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  const pixels = 'depthPng' in frame
    ? { depthPng: frame.depthPng, ...(frame.irPng ? { irPng: frame.irPng } : {}) }
    : { depth: bytes(frame.depth), ...(frame.ir ? { ir: bytes(frame.ir.values), irBits: frame.ir.bits } : {}) };
  const nativeFrame = {
    ...pixels, width: frame.width, height: frame.height, depthUnitMm: frame.depthUnitMm,
    fx: frame.intrinsics.fx, fy: frame.intrinsics.fy, cx: frame.intrinsics.cx, cy: frame.intrinsics.cy,
    landmarks: landmarks.points, landmarkStride: landmarks.stride,
  };
  try {
    return await addon.livenessDepthChecks(nativeFrame, nativeOptions(settings));
  } catch (err) {
    const nativeCode = nativeCodeOf(err);
    const mapped = NATIVE_CODES[nativeCode] ?? COMMON_NATIVE_CODES.ERR_NATIVE_INTERNAL;
    const message = err instanceof Error ? err.message : String(err);
    const error = new ProofgateError(mapped.code, mapped.capture ? message : `depth liveness: ${message}`, { status: mapped.status, cause: err });
    error.stack = `ProofgateError [${mapped.code}/${nativeCode}]: ${message}\n${callSite}`;
    throw error;
  }
}
