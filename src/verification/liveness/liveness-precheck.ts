// A liveness refusal the policy makes whatever the evidence turns out to show: no depth frame while
// liveness.policy.withoutDepth is 'refuse', no challenge where the mask defence or 'challenge-only'
// requires one. Decided before any face is analysed, so the owner's face and a stranger's are refused
// alike and at the same cost: the decision cannot be used to learn which photo matches the account.
// The one policy function decides it, given the best results the evidence sent could have.
import type { CheckResult } from '../../core/domain.js';
import type { LivenessConfig } from '../../config/sections/liveness.js';
import { decideLiveness, type ChallengeResult, type DepthLivenessReport, type LivenessVerdict } from '../../liveness/index.js';
import type { LivenessCaptures } from './liveness-captures.js';
import { combinedLivenessCheck } from './liveness-checks.js';

/** The depth report and challenge result the captures could at best produce (every check passed). */
function bestCase(captures: LivenessCaptures): { depth?: DepthLivenessReport; challenge?: ChallengeResult } {
  const ir = captures.depth?.irPng !== undefined;
  return {
    ...(captures.depth ? {
      depth: {
        passed: true, score: 1, failed: [], irChecked: ir, residualRisks: ['rigid-3d-mask'], faceDepthMm: null, facePixels: 0, validFacePixels: 0,
        checks: ir ? [{ name: 'irReflectance', unit: 'ratio', value: null, min: null, max: null, outcome: 'pass' }] : [],
      } as DepthLivenessReport,
    } : {}),
    ...(captures.challengeFrames.length > 0 ? { challenge: { steps: ['blink'], passed: true, reason: null, yawDeg: [], pitchDeg: [], eyeOpenness: [] } } : {}),
  };
}

/** The policy's refusal when even the best results of this evidence could not be accepted; else null. */
export function refusedWhateverTheEvidence(captures: LivenessCaptures, policy: LivenessConfig['policy']): LivenessVerdict | null {
  const verdict = decideLiveness(bestCase(captures), policy);
  return verdict.accepted ? null : verdict;
}

/** The audit's 'liveness' check for such a refusal: the evidence sent (not judged) and the verdict. */
export function refusedBeforeJudgingCheck(verdict: LivenessVerdict, captures: LivenessCaptures): CheckResult {
  const { depth, challenge } = bestCase(captures);
  const check = combinedLivenessCheck(verdict, depth, challenge);
  return { ...check, score: null, threshold: null, reason: `${(check.reason ?? '').replace(/; residual risk: .*$/, '')}; refused by the policy before any analysis (the evidence was not judged)` };
}
