// The liveness policy the verification flows apply, in one pure function: depth is required when the
// capture has it; without depth, either refuse or accept on the active challenge alone; and because
// depth geometry cannot see a rigid 3D mask, the mask defence adds the challenge (or IR) on top.
import type { LivenessConfig } from '../config/sections/liveness.js';
import type { ChallengeResult } from './challenge.js';
import type { DepthLivenessReport } from './decide-depth-liveness.js';

export interface LivenessEvidence {
  /** Present when the capture had a depth frame. */
  depth?: DepthLivenessReport;
  /** Present when a challenge sequence was verified. */
  challenge?: ChallengeResult;
}

export interface LivenessVerdict {
  accepted: boolean;
  /** Stable reason code for the audit trail. */
  reason:
    | 'depth-and-challenge' | 'depth-and-ir' | 'depth-only-mask-risk-accepted' | 'challenge-only' | 'no-evidence-risk-accepted'
    | 'depth-failed' | 'challenge-required' | 'challenge-failed' | 'depth-required'
    /** Set after this policy, by the passive model's refusal (verification/liveness/passive-pad-check.ts). */
    | 'passive-failed';
}

export function decideLiveness(evidence: LivenessEvidence, policy: LivenessConfig['policy']): LivenessVerdict {
  const challengePassed = evidence.challenge?.passed === true;
  const challengeFailed = evidence.challenge !== undefined && !evidence.challenge.passed;
  if (evidence.depth) {
    if (!evidence.depth.passed) return { accepted: false, reason: 'depth-failed' };
    if (challengeFailed) return { accepted: false, reason: 'challenge-failed' };
    if (challengePassed) return { accepted: true, reason: 'depth-and-challenge' };
    if (policy.maskDefence === 'none') return { accepted: true, reason: 'depth-only-mask-risk-accepted' };
    const irPassed = evidence.depth.irChecked && evidence.depth.checks.some((c) => c.name === 'irReflectance' && c.outcome === 'pass');
    if (policy.maskDefence === 'ir-or-challenge' && irPassed) return { accepted: true, reason: 'depth-and-ir' };
    return { accepted: false, reason: 'challenge-required' };
  }
  if (policy.withoutDepth === 'refuse') return { accepted: false, reason: 'depth-required' };
  if (challengePassed) return { accepted: true, reason: 'challenge-only' };
  if (challengeFailed) return { accepted: false, reason: 'challenge-failed' };
  // Supervised pilots only: nothing was checked, and the caller must record liveness as skipped.
  if (policy.withoutDepth === 'accept-risk') return { accepted: true, reason: 'no-evidence-risk-accepted' };
  return { accepted: false, reason: 'challenge-required' };
}
