// The returning-user decision: one selfie against the stored profile of the account bound to the hint.
// read the liveness evidence (malformed: 4xx before any work) → a refusal the liveness policy makes
// whatever the evidence shows (before any analysis: no face-match oracle) → analyse → face count → quality gates →
// same model → compare → liveness, judged whether or not the face matched (evaluate-liveness.ts). Every step
// adds a CheckResult; "verified" is only ever the result of the match passing and decideLiveness
// accepting. Capture-quality failures are retryable; the rest are final.
import { ProofgateError } from '../../core/errors.js';
import type { BiometricProfile, CheckResult, Decision } from '../../core/domain.js';
import type { LivenessVerdict } from '../../liveness/index.js';
import type { Capture, CaptureKind } from '../capture/capture.js';
import { checkFaceCount, checkSelfieQuality, qualityAdvice } from './check-selfie-quality.js';
import { evaluateLiveness, readLivenessCaptures, refusedBeforeJudgingChecks, refusedWhateverTheEvidence } from '../liveness/index.js';
import { enrolledEmbedding, enrolmentTemplate } from './profile-template.js';
import { challengeFaceFrames, weightedFaceMatch, type FaceFrame } from './combine-frames.js';
import type { DecisionContext } from './decision-context.js';
import type { CaptureHistory } from '../capture/ports.js';
import { createHash } from 'node:crypto';
import { accountLockedCheck, type LockoutFailure } from './account-lockout.js';

export interface ReturningUserContext extends DecisionContext {
  /** The account's earlier captures (Repository.evidenceSeenForAccount): the same selfie twice is a replay. */
  captureHistory: CaptureHistory;
}

export type ReturningUserOutcome =
  /** The capture was not usable; the person may try again (if attempts remain). */
  | { kind: 'retry'; checks: CheckResult[]; advice: string }
  | {
    kind: 'decided'; decision: Decision; checks: CheckResult[]; liveness?: LivenessVerdict;
    /** Set on a denial that counts towards the account's lockout (account-lockout.ts says which do). */
    lockoutFailure?: LockoutFailure;
    /** The account is locked: nothing was judged, and the service stores no evidence. */
    refusedLocked?: true;
    /** Verified against a template of an earlier embedder: the current embedder's template to store. */
    reEnrolment?: ReEnrolment;
    /** The selfie's own distance to the template, when it was compared (re-enrolment requires it within the threshold). */
    selfieDistance?: number;
  };

/** A verified profile of an earlier embedder: the current embedder's template, to store with the decision. */
export interface ReEnrolment {
  template: Buffer;
  modelId: string;
  previousModelId: string;
}

// Engine errors that mean "this image is bad" rather than "the engine is broken". (No face is not an
// error: the engine answers face: null and the face-count gate asks for a retry.)
const IMAGE_ERRORS = new Set(['ERR_IMAGE_INVALID', 'ERR_IMAGE_TOO_LARGE', 'ERR_UNSUPPORTED_MEDIA_TYPE']);
// Transient overload: the request fails (503) and the session stays open for another try.
const TRANSIENT_ERRORS = new Set(['ERR_BUSY']);
/** What this decision reads; anything else (document images, chip data) is refused before it is stored. */
export const RETURNING_USER_CAPTURE_KINDS: readonly CaptureKind[] = ['selfie', 'depth', 'ir', 'challenge-frame'];

export async function decideReturningUser(
  ctx: ReturningUserContext,
  profile: BiometricProfile,
  captures: readonly Capture[],
): Promise<ReturningUserOutcome> {
  if (profile.modelId !== ctx.engine.modelId) {
    const previous = (await ctx.engine.previousEmbedder?.(profile.modelId)) ?? null;
    if (previous) return decideWithPreviousEmbedder(ctx, previous, profile, captures);
  }
  const { engine, policy } = ctx;
  const unread = captures.find((c) => !RETURNING_USER_CAPTURE_KINDS.includes(c.kind));
  if (unread) {
    throw new ProofgateError('ERR_BAD_REQUEST', `a returning user's capture carries only ${RETURNING_USER_CAPTURE_KINDS.join(', ')} (got ${unread.kind})`, { status: 400 });
  }
  const selfie = captures.find((c) => c.kind === 'selfie');
  if (!selfie) throw new ProofgateError('ERR_BAD_REQUEST', 'a selfie is required', { status: 400 });
  const livenessCaptures = readLivenessCaptures(captures, selfie, ctx.challenge, ctx.now, ctx.liveness);
  // Locked: denied unjudged, like any denial from outside; the lock itself asks the matcher nothing.
  if (ctx.accountLock) return { kind: 'decided', decision: 'denied', checks: [accountLockedCheck(ctx.accountLock)], refusedLocked: true };
  // A camera never gives the same bytes twice: a selfie this account already sent is a replayed file.
  const selfieSha256 = createHash('sha256').update(selfie.bytes).digest('hex');
  if (ctx.captureHistory.usedInEarlierSession(selfieSha256)) {
    return { kind: 'decided', decision: 'denied', checks: [{
      name: 'duplicate-capture', score: null, threshold: null, outcome: 'fail',
      reason: `the selfie (sha256 ${selfieSha256}) was already sent in an earlier verification of this account`,
    }] };
  }
  // Known before comparing (e.g. no challenge sequence where remote-active is required): refused before the
  // face is even analysed, so the owner's face and a stranger's get the same answer at the same cost.
  const refused = refusedWhateverTheEvidence(livenessCaptures, ctx.liveness.policy, ctx.requiredTier);
  if (refused) return { kind: 'decided', decision: 'denied', checks: refusedBeforeJudgingChecks(refused, livenessCaptures), liveness: refused };

  let analysis;
  try {
    analysis = await engine.analyzeFace(selfie.bytes);
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'ERR_INTERNAL';
    if (TRANSIENT_ERRORS.has(code)) throw error;
    if (IMAGE_ERRORS.has(code)) {
      const check: CheckResult = { name: 'image-decode', score: null, threshold: null, outcome: 'fail', reason: `${code}: ${(error as Error).message}` };
      return { kind: 'retry', checks: [check], advice: qualityAdvice(check) };
    }
    return { kind: 'decided', decision: 'unavailable', checks: [{ name: 'face-analysis', score: null, threshold: null, outcome: 'error', reason: `${code}: face engine failed` }] };
  }

  const countCheck = checkFaceCount(analysis);
  if (countCheck.outcome !== 'pass' || !analysis.face) return { kind: 'retry', checks: [countCheck], advice: qualityAdvice(countCheck) };

  const qualityChecks = checkSelfieQuality(analysis.face.quality, policy.quality);
  const failedQuality = qualityChecks.find((c) => c.outcome !== 'pass');
  const checks = [countCheck, ...qualityChecks];
  if (failedQuality) return { kind: 'retry', checks, advice: qualityAdvice(failedQuality) };

  if (profile.modelId !== engine.modelId) {
    checks.push({ name: 'face-match', score: null, threshold: policy.matchMaxDistance, outcome: 'fail',
      reason: `profile template is from model "${profile.modelId}" but the engine runs "${engine.modelId}": the account must be re-enrolled` });
    return { kind: 'decided', decision: 'denied', checks };
  }

  const template = enrolledEmbedding(profile);
  const threshold = policy.matchMaxDistance;
  const selfieFrame: FaceFrame = { label: 'selfie', embedding: analysis.face.embedding, quality: analysis.face.quality };
  const selfieMatch = await weightedFaceMatch(engine, [selfieFrame], template, threshold, policy.quality);
  // Liveness is judged whether or not the face matched: a retry, an outage, a malformed-evidence 4xx and
  // the time it takes must not tell the owner's face from a stranger's. Only the final decision differs.
  // Every challenge frame must be the selfie's person (one person throughout the capture).
  const liveness = await evaluateLiveness({
    engine, config: ctx.liveness, template: analysis.face.embedding, matchMaxDistance: threshold,
    challenge: ctx.challenge, now: ctx.now, replayGuard: ctx.replayGuard, requiredTier: ctx.requiredTier, passivePad: ctx.passivePad,
  }, livenessCaptures, analysis.face.landmarks468, { image: selfie.bytes, box: analysis.face.box });
  if (liveness.kind === 'retry') return { kind: 'retry', checks: [...checks, selfieMatch.check, ...liveness.checks], advice: liveness.advice };
  if (liveness.kind === 'unavailable') return { kind: 'decided', decision: 'unavailable', checks: [...checks, selfieMatch.check, ...liveness.checks] };
  // The match: the selfie and, when they are all its person, the challenge frames, weighted by quality (combine-frames.ts).
  const frames = liveness.challengeFrames?.samePerson ? [selfieFrame, ...challengeFaceFrames(liveness.challengeFrames.analyses)] : [selfieFrame];
  const comparison = frames.length > 1 ? await weightedFaceMatch(engine, frames, template, threshold, policy.quality) : selfieMatch;
  checks.push(comparison.check, ...liveness.checks);
  const verified = comparison.match && liveness.verdict.accepted;
  const selfieDistance = comparison.selfieDistance;
  if (verified) return { kind: 'decided', decision: 'verified', checks, liveness: liveness.verdict, selfieDistance };
  return { kind: 'decided', decision: 'denied', checks, liveness: liveness.verdict, lockoutFailure: comparison.match ? 'liveness' : 'face-match', selfieDistance };
}

/**
 * A profile enrolled under an earlier embedder: the whole decision runs with that embedder and its own
 * calibrated threshold (the template is only comparable there; an operator's biometrics.matching.threshold
 * belongs to the current embedder and is not carried over); when it verifies, and the selfie itself
 * matched under the earlier embedder (the re-enrolled template is the selfie's, so challenge frames
 * must never have carried it), the selfie is embedded again by the current embedder and that template is returned for the flow to store in the decision's
 * transaction, with a 'face-re-enrolment' check in the audit record. A selfie the current embedder cannot
 * measure leaves the verification verified and the profile as it was (the check says so).
 */
async function decideWithPreviousEmbedder(
  ctx: ReturningUserContext,
  previous: { analyzer: DecisionContext['engine']; threshold: number },
  profile: BiometricProfile,
  captures: readonly Capture[],
): Promise<ReturningUserOutcome> {
  const outcome = await decideReturningUser({ ...ctx, engine: previous.analyzer, policy: { ...ctx.policy, matchMaxDistance: previous.threshold } }, profile, captures);
  if (outcome.kind !== 'decided' || outcome.decision !== 'verified') return outcome;
  // verified implies it (combine-frames.ts: frames can only deny); checked here because the new template
  // is made from the selfie alone.
  if (outcome.selfieDistance === undefined || !(outcome.selfieDistance <= previous.threshold)) {
    return { kind: 'decided', decision: 'denied', checks: [...outcome.checks, { name: 'face-re-enrolment', score: outcome.selfieDistance ?? null, threshold: previous.threshold, outcome: 'fail',
      reason: `the selfie alone did not match the template of "${profile.modelId}": not verified, nothing re-enrolled` }], lockoutFailure: 'face-match' };
  }
  const selfie = captures.find((c) => c.kind === 'selfie')!;
  const current = await ctx.engine.analyzeFace(selfie.bytes).catch(() => null);
  if (!current?.face) {
    outcome.checks.push({ name: 'face-re-enrolment', score: null, threshold: null, outcome: 'error',
      reason: `the template stays from "${profile.modelId}": "${ctx.engine.modelId}" found no face to embed in the selfie` });
    return outcome;
  }
  outcome.checks.push({ name: 'face-re-enrolment', score: outcome.selfieDistance, threshold: previous.threshold, outcome: 'pass',
    reason: `verified with the template of "${profile.modelId}" (threshold ${previous.threshold}, the selfie alone at ${outcome.selfieDistance}); the profile now holds a template of "${ctx.engine.modelId}" from this selfie` });
  return { ...outcome, reEnrolment: { template: enrolmentTemplate(current.face.embedding), modelId: ctx.engine.modelId, previousModelId: profile.modelId } };
}
