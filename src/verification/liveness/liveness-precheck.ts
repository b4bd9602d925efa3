// A liveness refusal the policy makes whatever the evidence turns out to show: evidence that even at
// its best cannot reach the tier the flow requires (no depth frame where kiosk-depth is required, no
// challenge sequence where remote-active is). Decided before any face is analysed, so the owner's face
// and a stranger's are refused alike and at the same cost: the decision cannot be used to learn which
// photo matches the account. The one policy function decides it, given the best results the evidence
// sent could have.
import type { CheckResult } from '../../core/domain.js';
import type { LivenessConfig } from '../../config/sections/liveness.js';
import { decideLiveness, type AssuranceTier, type LivenessEvidence, type DepthLivenessReport, type LivenessVerdict } from '../../liveness/index.js';
import type { LivenessCaptures } from './liveness-captures.js';
import { combinedLivenessCheck, tierCheck } from './liveness-checks.js';

/** The evidence the captures could at best produce (every check passed, no injection signal raised). */
function bestCase(captures: LivenessCaptures): LivenessEvidence {
  const ir = captures.depth?.irPng !== undefined;
  const filmed = captures.challengeFrames.length > 0;
  return {
    ...(captures.depth ? {
      depth: {
        passed: true, score: 1, failed: [], irChecked: ir, residualRisks: ['rigid-3d-mask'], faceDepthMm: null, facePixels: 0, validFacePixels: 0,
        checks: ir ? [{ name: 'irReflectance', unit: 'ratio', value: null, min: null, max: null, outcome: 'pass' }] : [],
      } as DepthLivenessReport,
    } : {}),
    ...(filmed ? { challenge: { steps: ['blink'], passed: true, reason: null, yawDeg: [], pitchDeg: [], eyeOpenness: [] }, motion: { outcome: 'pass' } } : {}),
  } as LivenessEvidence;
}

/** The policy's refusal when even the best results of this evidence could not be accepted; else null. */
export function refusedWhateverTheEvidence(captures: LivenessCaptures, policy: LivenessConfig['policy'], required: AssuranceTier): LivenessVerdict | null {
  const verdict = decideLiveness(bestCase(captures), policy, required);
  return verdict.accepted ? null : { ...verdict, tier: 'none' };
}

/**
 * The audit's 'liveness' and 'liveness-tier' checks for such a refusal: the evidence sent (not judged),
 * the verdict, and the tier: none reached (nothing was judged) against the tier required.
 */
export function refusedBeforeJudgingChecks(verdict: LivenessVerdict, captures: LivenessCaptures): CheckResult[] {
  const { depth, challenge } = bestCase(captures);
  const check = combinedLivenessCheck(verdict, depth, challenge);
  return [
    { ...check, score: null, threshold: null, reason: `${(check.reason ?? '').replace(/; residual risk: .*$/, '')}; refused by the policy before any analysis (the evidence was not judged)` },
    tierCheck(verdict),
  ];
}
