// Depth liveness: the public surface. checkDepthLiveness() validates and decodes an RGB-D capture,
// runs the native depth checks with the configured thresholds and returns the decision with every
// check's value, bounds and outcome. See docs/liveness.md.
import type { LivenessConfig } from '../config/sections/liveness.js';
import { validateDepthFrame, validateLandmarks, validateRgbdCapture, type DepthFrame, type RgbdCapture } from './capture.js';
import { decideDepthLiveness, type DepthLivenessReport } from './decide-depth-liveness.js';
import { runNativeDepthChecks } from './native-depth-checks.js';

export type { RgbdCapture, DepthFrame, EncodedDepthFrame, DepthIntrinsics, SequenceFrame, ValidatedRgbdCapture } from './capture.js';
export { validateRgbdCapture } from './capture.js';
export type { DepthLivenessReport, ResidualRisk } from './decide-depth-liveness.js';
export type { DepthCheckResult, DepthCheckName } from './native-depth-checks.js';
export { judgeChallengeSteps, pickChallenge, pickChallengeSteps, verifyChallenge, type StepJudgement, type ChallengeFrame, type ChallengeResult, type NonceReplayGuard, type ChallengeKind } from './challenge.js';
export { measureMotionConsistency, type MotionConsistencyReport } from './motion-consistency.js';
export { measureTextureParallax } from './texture-parallax.js';
export { decideLiveness, type LivenessEvidence, type LivenessVerdict, type LivenessAccepted, type LivenessRefused } from './policy.js';
export { ASSURANCE_TIERS, meetsTier, requiredTier, tierRank, tierReached, type AssuranceTier, type AssurancePolicy, type JudgedOutcome, type TierEvidence } from './assurance-tier.js';
export { measureInjectionSignals, refusingSignals, normaliseCameraLabel, type InjectionEvidence, type InjectionFrame, type InjectionSignal, type InjectionSignalName } from './injection-signals.js';
export { cryptoRandom, SeededRandom, type RandomSource } from './random-source.js';

/** Landmarks from the face engine: AnalyzedFace.landmarks468 (468 × x, y, z in image pixels). */
export type FaceLandmarks = Float32Array | Float64Array | number[];

/** Validates the capture, then checks the face's depth. Throws ProofgateError on malformed input. */
export async function checkDepthLiveness(capture: RgbdCapture, landmarks: FaceLandmarks, config: LivenessConfig): Promise<DepthLivenessReport> {
  const { frame } = validateRgbdCapture(capture, config.capture);
  const points = validateLandmarks(landmarks, frame.width, frame.height);
  return decideDepthLiveness(await runNativeDepthChecks(frame, points, config.depth), config.depth.scoreSoftness);
}

/** The same on an already decoded depth frame (synthetic evaluation, or a caller that decoded it). */
export async function checkDepthFrameLiveness(frame: DepthFrame, landmarks: FaceLandmarks, config: LivenessConfig): Promise<DepthLivenessReport> {
  const valid = validateDepthFrame(frame);
  const points = validateLandmarks(landmarks, valid.width, valid.height);
  const native = await runNativeDepthChecks(valid, points, config.depth);
  return decideDepthLiveness(native, config.depth.scoreSoftness);
}
