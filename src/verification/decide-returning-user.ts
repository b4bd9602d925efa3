// The returning-user decision: one selfie against the stored profile of the account bound to the hint.
// analyse → face count → quality gates → same model → compare → liveness policy. Every step adds a
// CheckResult; "verified" is only ever the result of all of them passing (liveness: passing or
// explicitly allowed-without by policy). Capture-quality failures are retryable; the rest are final.
import { ProofgateError } from '../errors.js';
import type { BiometricProfile, CheckResult, Decision } from '../store/repository.js';
import type { VerificationConfig } from '../config/sections/verification.js';
import type { Capture } from './capture.js';
import type { FaceAnalyzer } from './ports.js';
import { checkFaceCount, checkSelfieQuality, qualityAdvice } from './check-selfie-quality.js';
import { livenessCheck, uncheckedCaptureChecks } from './liveness-policy.js';
import { templateToEmbedding } from './face-template.js';

export type ReturningUserOutcome =
  /** The capture was not usable; the person may try again (if attempts remain). */
  | { kind: 'retry'; checks: CheckResult[]; advice: string }
  | { kind: 'decided'; decision: Decision; checks: CheckResult[] };

// Engine errors that mean "this image is bad" rather than "the engine is broken". (No face is not an
// error: the engine answers face: null and the face-count gate asks for a retry.)
const IMAGE_ERRORS = new Set(['ERR_IMAGE_INVALID', 'ERR_IMAGE_TOO_LARGE', 'ERR_UNSUPPORTED_MEDIA_TYPE']);
// Transient overload: the request fails (503) and the session stays open for another try.
const TRANSIENT_ERRORS = new Set(['ERR_BUSY']);

export async function decideReturningUser(
  engine: FaceAnalyzer,
  policy: VerificationConfig,
  profile: BiometricProfile,
  captures: readonly Capture[],
): Promise<ReturningUserOutcome> {
  const selfie = captures.find((c) => c.kind === 'selfie');
  if (!selfie) throw new ProofgateError('ERR_BAD_REQUEST', 'a selfie is required', { status: 400 });

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

  const comparison = await engine.compareFaces(analysis.face.embedding, templateToEmbedding(profile.template), policy.matchMaxDistance);
  const distance = Math.round(comparison.distance * 10000) / 10000;
  checks.push({
    name: 'face-match', score: distance, threshold: policy.matchMaxDistance, outcome: comparison.match ? 'pass' : 'fail',
    reason: comparison.match
      ? `embedding distance ${distance} <= ${policy.matchMaxDistance} (same person)`
      : `embedding distance ${distance} > ${policy.matchMaxDistance} (not the enrolled person)`,
  });

  const liveness = livenessCheck(captures, policy.livenessWithoutDepth);
  checks.push(liveness, ...uncheckedCaptureChecks(captures));

  const livenessAccepted = liveness.outcome === 'pass' || (liveness.outcome === 'skipped' && policy.livenessWithoutDepth === 'allow');
  const verified = comparison.match && livenessAccepted;
  return { kind: 'decided', decision: verified ? 'verified' : 'denied', checks };
}
