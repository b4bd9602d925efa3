// The first-time decision (no profile for the account yet): a kiosk sends the document and a selfie in
// one capture envelope. Checked, each as its own audit CheckResult:
//   the document photos (first-time/document-findings.ts: outline, sharpness, glare, MRZ read, check
//   digits, MRZ policy incl. expiry, holder age; or an AAMVA barcode on a driver licence's back),
//   IR and UV images when sent, the chip (passive/active authentication, and its DG2 photo against the
//   selfie) when sent, the selfie's
//   quality gates, the printed portrait against the selfie, the holder bound to the directory identity
//   from the hint (bindHolderToAccount), and liveness (evaluate-liveness.ts: the same policy as for
//   returning users).
// "verified" only when every one of them passes; the enrolment (the selfie's template and a summary
// of the document) is then stored by the service in one transaction with the audit record
// (first-time/record-enrolment.ts). Pictures that cannot be judged ask for a retry; a failed check
// is final; an engine failure is 'unavailable'.
import type { CheckResult, Decision, VerificationSession } from '../../core/domain.js';
import type { LivenessConfig } from '../../config/sections/liveness.js';
import type { LivenessVerdict } from '../../liveness/index.js';
import type { ChipReading } from '../../documents/document-verifier.js';
import type { Capture } from '../capture/capture.js';
import type { FaceAnalysisResult } from '../capture/ports.js';
import { checkFaceCount, checkSelfieQuality, qualityAdvice } from './check-selfie-quality.js';
import { evaluateLiveness, readLivenessCaptures, type LivenessCaptures } from '../liveness/index.js';
import type { SessionChallenge } from '../capture/session-challenge.js';
import { badRequestFirstTime, requiredCapture, optionalCapture } from '../first-time/first-time-captures.js';
import { parseChipContainer } from '../first-time/chip-container.js';
import type { DocumentInspector } from '../first-time/document-inspector.js';
import { inspectDocument, mrzDocument, type DocumentFindings, type IdentifiedDocument } from '../first-time/document-findings.js';
import { chipCheck, imageChecks, portraitChecks } from '../first-time/first-time-checks.js';
import { chipPortraitCheck } from '../first-time/chip-portrait.js';
import { bindingCheck, directoryIdentity } from '../first-time/directory-identity.js';
import { enrolmentSummary, type PendingEnrolment } from '../first-time/enrolment-summary.js';
import { enrolmentTemplate } from './profile-template.js';
import { challengeFaceFrames, enrolmentEmbedding } from './combine-frames.js';
import type { DecisionContext } from './decision-context.js';
import { accountLockedCheck, type LockoutFailure } from './account-lockout.js';

export interface FirstTimeContext extends DecisionContext {
  documents: DocumentInspector;
}

export type FirstTimeOutcome =
  | { kind: 'retry'; checks: CheckResult[]; advice: string }
  | {
    kind: 'decided'; decision: Decision; checks: CheckResult[]; enrolment: PendingEnrolment | null; liveness?: LivenessVerdict;
    /** Set on a denial that counts towards the account's lockout (account-lockout.ts says which do). */
    lockoutFailure?: LockoutFailure;
    /** The account is locked: nothing was judged, and the service stores no evidence. */
    refusedLocked?: true;
  };

/** What a first-time request carries, read (and refused with a typed 400) before any work or storage. */
export interface FirstTimeCaptures {
  selfie: Capture;
  front: Capture;
  back: Capture | null;
  ir: Capture | null;
  uv: Capture | null;
  chip: ChipReading | null;
  liveness: LivenessCaptures;
}

export function readFirstTimeCaptures(captures: readonly Capture[], challenge: SessionChallenge, now: number, liveness: LivenessConfig): FirstTimeCaptures {
  const selfie = requiredCapture(captures, 'selfie');
  const chip = optionalCapture(captures, 'document-chip');
  if (chip && chip.mediaType !== 'application/octet-stream') throw badRequestFirstTime('document-chip must be sent as application/octet-stream (a JSON chip container)');
  return {
    selfie,
    front: requiredCapture(captures, 'document-front'),
    back: optionalCapture(captures, 'document-back'),
    ir: optionalCapture(captures, 'document-ir'),
    uv: optionalCapture(captures, 'document-uv'),
    chip: chip ? parseChipContainer(chip.bytes) : null,
    liveness: readLivenessCaptures(captures, selfie, challenge, now, liveness),
  };
}

// Engine errors that mean "this picture is bad" rather than "the engine is broken".
const IMAGE_ERRORS = new Set(['ERR_IMAGE_INVALID', 'ERR_IMAGE_TOO_LARGE', 'ERR_UNSUPPORTED_MEDIA_TYPE']);
const errorCode = (e: unknown) => (e as { code?: string }).code ?? 'ERR_INTERNAL';
const errorCheck = (name: string, e: unknown, outcome: 'fail' | 'error'): CheckResult =>
  ({ name, score: null, threshold: null, outcome, reason: `${errorCode(e)}: ${(e as Error).message}` });
const DOCUMENT_IMAGE_ADVICE = 'The document picture could not be read: present the document again.';

type Step<T> = { ok: true; value: T } | { ok: false; outcome: FirstTimeOutcome };

/** Runs one engine call: ERR_BUSY goes up (503, the session stays open), a bad picture retries, anything else is 'unavailable'. */
async function step<T>(name: string, advice: string, run: () => Promise<T>): Promise<Step<T>> {
  try {
    return { ok: true, value: await run() };
  } catch (e) {
    if (errorCode(e) === 'ERR_BUSY') throw e;
    if (IMAGE_ERRORS.has(errorCode(e))) return { ok: false, outcome: { kind: 'retry', checks: [errorCheck(name, e, 'fail')], advice } };
    return { ok: false, outcome: { kind: 'decided', decision: 'unavailable', checks: [errorCheck(name, e, 'error')], enrolment: null } };
  }
}

export async function decideFirstTime(ctx: FirstTimeContext, session: VerificationSession, captures: readonly Capture[]): Promise<FirstTimeOutcome> {
  const input = readFirstTimeCaptures(captures, ctx.challenge, ctx.now, ctx.liveness);
  if (ctx.accountLock) return { kind: 'decided', decision: 'denied', checks: [accountLockedCheck(ctx.accountLock)], enrolment: null, refusedLocked: true };
  const now = new Date(ctx.now);
  const [selfieStep, documentStep, portraitStep] = await Promise.all([
    step<FaceAnalysisResult>('image-decode', qualityAdvice({ name: 'image-decode', score: null, threshold: null, outcome: 'fail' }), () => ctx.engine.analyzeFace(input.selfie.bytes)),
    step<DocumentFindings>('document-analysis', DOCUMENT_IMAGE_ADVICE, () => inspectDocument(ctx.documents, input.front.bytes, input.back?.bytes ?? null, now)),
    step<FaceAnalysisResult>('portrait-analysis', DOCUMENT_IMAGE_ADVICE, () => ctx.engine.analyzeFace(input.front.bytes)),
  ]);
  // An engine failure outranks a retry: report 'unavailable' rather than ask the person to try again.
  const failedSteps = [selfieStep, documentStep, portraitStep].filter((s) => !s.ok).map((s) => (s as { outcome: FirstTimeOutcome }).outcome);
  const broken = failedSteps.find((o) => o.kind === 'decided');
  if (broken) return broken;
  if (failedSteps.length > 0) return failedSteps[0];
  const selfie = (selfieStep as { value: FaceAnalysisResult }).value;
  const findings = (documentStep as { value: DocumentFindings }).value;
  const portrait = (portraitStep as { value: FaceAnalysisResult }).value;

  const countCheck = checkFaceCount(selfie);
  if (countCheck.outcome !== 'pass' || !selfie.face) return { kind: 'retry', checks: [countCheck], advice: qualityAdvice(countCheck) };
  const selfieChecks = [countCheck, ...checkSelfieQuality(selfie.face.quality, ctx.policy.quality)];
  const failedQuality = selfieChecks.find((c) => c.outcome !== 'pass');
  if (failedQuality) return { kind: 'retry', checks: selfieChecks, advice: qualityAdvice(failedQuality) };
  const checks = [...findings.checks, ...selfieChecks];
  if (findings.retryAdvice || !findings.document) return { kind: 'retry', checks, advice: findings.retryAdvice ?? DOCUMENT_IMAGE_ADVICE };
  let document = findings.document;

  const portraitResult = await portraitChecks(ctx.engine, portrait, selfie.face.embedding, ctx.policy.matchMaxDistance);
  if (portraitResult.retryAdvice) return { kind: 'retry', checks: [...checks, ...portraitResult.checks], advice: portraitResult.retryAdvice };
  checks.push(...portraitResult.checks);

  const ir = input.ir ? await step('document-ir-analysis', DOCUMENT_IMAGE_ADVICE, () => ctx.documents.checkInfrared(input.ir!.bytes)) : null;
  const uv = input.uv ? await step('document-uv-analysis', DOCUMENT_IMAGE_ADVICE, () => ctx.documents.checkUltraviolet(input.uv!.bytes)) : null;
  for (const s of [ir, uv]) if (s && !s.ok) return withChecks(s.outcome, checks);
  checks.push(...imageChecks('document-ir', ir?.ok ? ir.value : null), ...imageChecks('document-uv', uv?.ok ? uv.value : null));
  const chip = chipCheck(ctx.documents, input.chip, document, now);
  checks.push(chip.check);
  if (chip.reconciledMrz) document = identifyFromChip(ctx.documents, chip.reconciledMrz, checks, now) ?? document;
  const chipPortrait = await step('chip-portrait-analysis', DOCUMENT_IMAGE_ADVICE,
    () => chipPortraitCheck(ctx.engine, input.chip, chip.check.outcome === 'pass', selfie.face!.embedding, ctx.policy.matchMaxDistance));
  if (!chipPortrait.ok) return withChecks(chipPortrait.outcome, checks);
  if (chipPortrait.value) checks.push(chipPortrait.value);

  checks.push(bindingCheck(ctx.documents.bindHolder(document.holder, directoryIdentity(session.hintClaims))));

  const liveness = await evaluateLiveness({
    engine: ctx.engine, config: ctx.liveness, template: selfie.face.embedding, matchMaxDistance: ctx.policy.matchMaxDistance,
    challenge: ctx.challenge, now: ctx.now, replayGuard: ctx.replayGuard, requiredTier: ctx.requiredTier, passivePad: ctx.passivePad,
  }, input.liveness, selfie.face.landmarks468, { image: input.selfie.bytes, box: selfie.face.box });
  if (liveness.kind === 'retry') return { kind: 'retry', checks: [...checks, ...liveness.checks], advice: liveness.advice };
  if (liveness.kind === 'unavailable') return { kind: 'decided', decision: 'unavailable', checks: [...checks, ...liveness.checks], enrolment: null };
  checks.push(...liveness.checks);

  // 'skipped' is fine (a check that did not apply, or liveness accepted without evidence by policy);
  // any 'fail' or 'error' denies, and so does a liveness verdict that did not accept.
  const verified = liveness.verdict.accepted && checks.every((c) => c.outcome === 'pass' || c.outcome === 'skipped');
  if (!verified) return { kind: 'decided', decision: 'denied', checks, enrolment: null, liveness: liveness.verdict, lockoutFailure: firstTimeLockoutFailure(checks, liveness.verdict) };
  // The template from every good frame of the live face: the selfie and the challenge frames, all its
  // person (liveness-challenge-same-person passed, or the decision was not verified), weighted by quality.
  const selfieFrame = { label: 'selfie', embedding: selfie.face.embedding, quality: selfie.face.quality };
  const enrolled = enrolmentEmbedding([selfieFrame, ...challengeFaceFrames(liveness.challengeFrames?.analyses ?? [])], ctx.policy.quality);
  checks.push(enrolled.check);
  return {
    kind: 'decided', decision: 'verified', checks, liveness: liveness.verdict,
    enrolment: {
      template: enrolmentTemplate(enrolled.embedding),
      modelId: ctx.engine.modelId,
      summary: enrolmentSummary(document, chip.summary, liveness.verdict, checks, ctx.now),
    },
  };
}

/**
 * The chip's signed MRZ replaced an OCR reading that differed in look-alikes: the document is identified
 * from it (number, names, birth date), and the MRZ policy is judged again on it.
 */
function identifyFromChip(documents: DocumentInspector, lines: string[], checks: CheckResult[], now: Date): IdentifiedDocument | null {
  const { mrz, decision } = documents.checkMrz(lines, now);
  if (!mrz.ok) return null;
  const i = checks.findIndex((c) => c.name === 'document-mrz-policy');
  const policy: CheckResult = {
    name: 'document-mrz-policy', score: null, threshold: null, outcome: decision.accepted ? 'pass' : 'fail',
    reason: `${decision.accepted ? 'accepted' : `refused: ${decision.reasons.join(', ')}`} by documents.mrz, judged on the chip's MRZ`,
  };
  if (i >= 0) checks[i] = policy;
  else checks.push(policy);
  return mrzDocument(mrz, lines);
}

/** A face that did not match (portrait, chip photo, a challenge frame) or liveness judged and failed counts; a document or binding failure does not. */
function firstTimeLockoutFailure(checks: readonly CheckResult[], verdict: LivenessVerdict): LockoutFailure | undefined {
  const faceChecks = ['portrait-match', 'chip-portrait-match', 'liveness-challenge-same-person'];
  if (checks.some((c) => faceChecks.includes(c.name) && c.outcome === 'fail')) return 'face-match';
  return verdict.accepted ? undefined : 'liveness';
}

function withChecks(outcome: FirstTimeOutcome, before: CheckResult[]): FirstTimeOutcome {
  return { ...outcome, checks: [...before, ...outcome.checks] };
}

export const FIRST_TIME_NOT_AVAILABLE =
  'no biometric profile for this account; first-time self-service enrolment requires document verification, which is not available on this appliance yet (no document checks are configured)';

/** The audit's word when no document inspector is wired (and when a first-time person cancels). */
export function firstTimeNotAvailableCheck(): CheckResult {
  return { name: 'document-verification', score: null, threshold: null, outcome: 'skipped', reason: FIRST_TIME_NOT_AVAILABLE };
}
