// Judges the liveness evidence of a capture, after the selfie was analysed: depth checks on the selfie's
// landmarks, the active-challenge sequence (each frame through the face engine, every frame the selfie's
// person, then verifyChallenge with its motion-consistency report), the injection signals of the
// sequence, and the one policy (decideLiveness: evidence that failed refuses, else the tier reached must
// meet the tier the flow requires). Capture problems the person can fix ask for a retry; malformed
// evidence is a typed 4xx error (nothing stored); an engine or native failure makes the decision 'unavailable'.
import { ProofgateError } from '../../core/errors.js';
import type { LivenessConfig } from '../../config/sections/liveness.js';
import type { CheckResult } from '../../core/domain.js';
import {
  checkDepthLiveness, decideLiveness, verifyChallenge,
  type AssuranceTier, type ChallengeResult, type DepthLivenessReport, type InjectionSignal, type LivenessVerdict, type MotionConsistencyReport, type NonceReplayGuard,
} from '../../liveness/index.js';
import type { FaceAnalysisResult, FaceAnalyzer } from '../capture/ports.js';
import type { LivenessCaptures } from './liveness-captures.js';
import type { SessionChallenge } from '../capture/session-challenge.js';
import { challengeCheck, combinedLivenessCheck, depthChecks, injectionChecks, motionCheck, occlusionCheck, tierCheck } from './liveness-checks.js';
import { measureInjection } from './injection-evidence.js';
import { judgeMotionOnTexture } from './texture-motion.js';
import { judgePassivePad, passivePadCheck, type PassivePadScorer, type SelfieFaceCrop } from './passive-pad-check.js';
import type { PassivePadReport } from '../../liveness/passive-pad-output.js';

export interface LivenessContext {
  engine: FaceAnalyzer;
  config: LivenessConfig;
  /**
   * The face every challenge frame must show, and the match threshold: the selfie's embedding, so the
   * sequence is one person throughout (a live stranger cannot act the challenge out for a photo of the owner).
   */
  template: Float32Array;
  matchMaxDistance: number;
  challenge: SessionChallenge;
  now: number;
  replayGuard: NonceReplayGuard;
  /** The tier this flow requires for this tenant (verification.assurance). */
  requiredTier: AssuranceTier;
  /** The passive presentation-attack model (liveness.passive); null or absent: not configured. */
  passivePad?: PassivePadScorer | null;
}

export type LivenessOutcome =
  | {
    kind: 'judged'; verdict: LivenessVerdict; checks: CheckResult[];
    /** The challenge frames as analysed (in order), and whether every one is the selfie's person; null without frames. */
    challengeFrames: { analyses: FaceAnalysisResult[]; samePerson: boolean } | null;
    /** The passive model's report on the selfie ('not-configured' without one), for the assurance tier. */
    passive?: PassivePadReport;
  }
  | { kind: 'retry'; checks: CheckResult[]; advice: string }
  | { kind: 'unavailable'; checks: CheckResult[] };

const IMAGE_ERRORS = new Set(['ERR_IMAGE_INVALID', 'ERR_IMAGE_TOO_LARGE', 'ERR_UNSUPPORTED_MEDIA_TYPE']);
const FRAMES_ADVICE = 'Keep only your face in view of the camera while you follow the instruction.';

const errorCode = (e: unknown) => (e as { code?: string }).code ?? 'ERR_INTERNAL';
const isClientError = (e: unknown) => e instanceof ProofgateError && e.status >= 400 && e.status < 500;
const unavailable = (name: string, e: unknown): Extract<LivenessOutcome, { kind: 'unavailable' }> => ({
  kind: 'unavailable', checks: [{ name, score: null, threshold: null, outcome: 'error', reason: `${errorCode(e)}: ${(e as Error).message}` }],
});

type FramesOutcome = { kind: 'analysed'; analyses: FaceAnalysisResult[] } | Exclude<LivenessOutcome, { kind: 'judged' }>;

/** Every frame through the face engine, one at a time (a burst of frames must not flood its queue). */
async function analyseFrames(ctx: LivenessContext, frames: LivenessCaptures['challengeFrames']): Promise<FramesOutcome> {
  const analyses: FaceAnalysisResult[] = [];
  for (const [i, frame] of frames.entries()) {
    try {
      analyses.push(await ctx.engine.analyzeFace(frame.image));
    } catch (e) {
      if (errorCode(e) === 'ERR_BUSY') throw e;
      if (IMAGE_ERRORS.has(errorCode(e))) {
        return { kind: 'retry', advice: 'The camera pictures could not be read. Try again.', checks: [{ name: 'liveness-challenge-frames', score: i, threshold: frames.length, outcome: 'fail', reason: `challenge frame ${i}: ${errorCode(e)}: ${(e as Error).message}` }] };
      }
      return unavailable('liveness-challenge-frames', e);
    }
  }
  const unusable = analyses.findIndex((a) => a.faceCount !== 1 || !a.face);
  if (unusable >= 0) {
    const a = analyses[unusable];
    return { kind: 'retry', advice: FRAMES_ADVICE, checks: [{
      name: 'liveness-challenge-frames', score: analyses.filter((x) => x.faceCount === 1 && x.face).length, threshold: frames.length, outcome: 'fail',
      reason: `challenge frame ${unusable}: ${a.faceCount === 0 || !a.face ? 'no face found' : `${a.faceCount} faces found`}; every frame must show exactly one face`,
    }] };
  }
  const { width, height } = analyses[0].image;
  const other = analyses.findIndex((a) => a.image.width !== width || a.image.height !== height);
  if (other >= 0) {
    throw new ProofgateError('ERR_BAD_REQUEST', `challenge frame ${other} is ${analyses[other].image.width}x${analyses[other].image.height}, frame 0 is ${width}x${height}: one camera, one size`, { status: 400 });
  }
  return { kind: 'analysed', analyses };
}

/** The sequence must be the selfie's person throughout, or a live stranger could act out the challenge. */
async function samePersonCheck(ctx: LivenessContext, analyses: FaceAnalysisResult[]): Promise<CheckResult> {
  let worst = 0;
  let worstFrame = 0;
  for (const [i, a] of analyses.entries()) {
    const r = await ctx.engine.compareFaces(a.face!.embedding, ctx.template, ctx.matchMaxDistance);
    if (r.distance > worst) [worst, worstFrame] = [r.distance, i];
  }
  const distance = Math.round(worst * 10000) / 10000;
  const pass = worst <= ctx.matchMaxDistance;
  return {
    name: 'liveness-challenge-same-person', score: distance, threshold: ctx.matchMaxDistance, outcome: pass ? 'pass' : 'fail',
    reason: pass ? `every challenge frame is the selfie's person (largest distance ${distance})` : `challenge frame ${worstFrame} is not the selfie's person (distance ${distance})`,
  };
}

export async function evaluateLiveness(ctx: LivenessContext, captures: LivenessCaptures, selfieLandmarks: Float32Array, selfie?: SelfieFaceCrop): Promise<LivenessOutcome> {
  let depth: DepthLivenessReport | undefined;
  if (captures.depth) {
    try {
      depth = await checkDepthLiveness(captures.depth, selfieLandmarks, ctx.config);
    } catch (e) {
      if (isClientError(e)) throw e; // malformed depth (corrupt PNG body, all zero, face outside the frame): 4xx
      return unavailable('liveness-depth', e);
    }
  }

  let challenge: ChallengeResult | undefined;
  let motion: MotionConsistencyReport | undefined;
  let injection: InjectionSignal[] = [];
  let challengeFrames: Extract<LivenessOutcome, { kind: 'judged' }>['challengeFrames'] = null;
  const extra: CheckResult[] = [];
  if (captures.challengeFrames.length > 0) {
    const frames = await analyseFrames(ctx, captures.challengeFrames);
    if (frames.kind !== 'analysed') return frames;
    const { analyses } = frames;
    // Nonce, age, order and replay are verifyChallenge's to refuse (typed 4xx); it consumes the nonce.
    const verified = verifyChallenge({
      frames: captures.challengeFrames.map((f, i) => ({ landmarks: analyses[i].face!.landmarks468, nonce: f.nonce, capturedAt: f.capturedAt })),
      steps: ctx.challenge.steps, nonce: ctx.challenge.nonce, now: ctx.now, frameSize: analyses[0].image, replayGuard: ctx.replayGuard,
    }, ctx.config.challenge, ctx.config.motion);
    let result: ChallengeResult; // the motion check judged on the tracked texture (texture-motion.ts)
    try {
      result = await judgeMotionOnTexture(verified, captures.challengeFrames, analyses, ctx.config.motion);
    } catch (e) {
      if (isClientError(e)) throw e;
      return unavailable('liveness-motion-parallax', e);
    }
    const same = await samePersonCheck(ctx, analyses);
    extra.push(challengeCheck(result, ctx.config.challenge), same);
    if (result.motion) {
      extra.push(motionCheck(result.motion));
      const occlusion = occlusionCheck(result.motion);
      if (occlusion) extra.push(occlusion);
    }
    // The challenge counts only when its motion was a 3D head's: a flat or bent picture can be moved so
    // that the 2D pose estimates turn, but its landmarks move like a picture (no nose parallax).
    const motionFailed = result.motion !== undefined && result.motion.outcome !== 'pass';
    challenge = same.outcome !== 'pass' ? { ...result, passed: false, reason: same.reason ?? "not the selfie's person" }
      : result.passed && motionFailed ? { ...result, passed: false, reason: `motion: ${result.motion!.reason}` } : result;
    challengeFrames = { analyses, samePerson: same.outcome === 'pass' };
    motion = result.motion;
    const measured = await measureInjectionSafely(captures, ctx);
    if (measured.kind !== 'measured') return measured;
    injection = measured.signals;
    extra.push(...injectionChecks(injection));
  }

  let passive: PassivePadReport;
  try {
    passive = await judgePassivePad(ctx.passivePad, selfie);
  } catch (e) {
    return unavailable('liveness-passive-pad', e);
  }
  // Not configured: no check in the audit (the outcome's `passive` and /health say so).
  if (passive.outcome !== 'not-configured') extra.push(passivePadCheck(passive));

  // A configured passive model is evidence: its pass is part of remote-active, its fail refuses.
  const passiveEvidence = passive.outcome === 'not-configured' ? {} : { passive: { outcome: passive.outcome } };
  const verdict = decideLiveness({ depth, challenge, ...(motion ? { motion } : {}), ...passiveEvidence, injection }, ctx.config.policy, ctx.requiredTier);
  return {
    kind: 'judged', verdict, challengeFrames, passive,
    checks: [...(depth ? depthChecks(depth) : []), ...extra, combinedLivenessCheck(verdict, depth, challenge), tierCheck(verdict)],
  };
}

type InjectionOutcome = { kind: 'measured'; signals: InjectionSignal[] } | Exclude<LivenessOutcome, { kind: 'judged' }>;

/** The injection signals; a frame the thumbnailer cannot decode asks for a retry, a native failure is 'unavailable'. */
async function measureInjectionSafely(captures: LivenessCaptures, ctx: LivenessContext): Promise<InjectionOutcome> {
  try {
    return { kind: 'measured', signals: await measureInjection(captures.selfie, captures.challengeFrames, ctx.config.injection) };
  } catch (e) {
    if (errorCode(e) === 'ERR_BUSY') throw e;
    if (IMAGE_ERRORS.has(errorCode(e))) {
      return { kind: 'retry', advice: 'The camera pictures could not be read. Try again.', checks: [{ name: 'liveness-injection-frames', score: null, threshold: null, outcome: 'fail', reason: `${errorCode(e)}: ${(e as Error).message}` }] };
    }
    return unavailable('liveness-injection-frames', e);
  }
}
