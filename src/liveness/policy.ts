// The liveness policy the verification flows apply, in one pure function: evidence that was sent and
// failed refuses (a failed depth check, a failed challenge or motion check, a failed passive model, a
// refusing injection signal), whatever the flow requires; otherwise the evidence's assurance tier
// (assurance-tier.ts) must be at least the tier the flow requires (verification.assurance). The tier
// reached and the tier required travel with the verdict into the audit record.
import type { LivenessConfig } from '../config/sections/liveness.js';
import type { ChallengeResult } from './challenge.js';
import type { DepthLivenessReport } from './decide-depth-liveness.js';
import { meetsTier, tierReached, type AssuranceTier, type JudgedOutcome } from './assurance-tier.js';
import { refusingSignals, type InjectionSignal } from './injection-signals.js';

export interface LivenessEvidence {
  /** Present when the capture had a depth frame. */
  depth?: DepthLivenessReport;
  /** Present when a challenge sequence was verified. */
  challenge?: ChallengeResult;
  /** The motion-consistency report of the challenge sequence, when it was measured. */
  motion?: JudgedOutcome;
  /** The passive presentation-attack model's report, when a model is configured. */
  passive?: JudgedOutcome;
  /** The injection signals measured on the challenge sequence. */
  injection?: readonly InjectionSignal[];
}

export type LivenessAccepted = 'depth-and-challenge' | 'depth-and-ir' | 'depth-only-mask-risk-accepted' | 'remote-active' | 'no-evidence-risk-accepted';
export type LivenessRefused = 'depth-failed' | 'challenge-failed' | 'motion-failed' | 'passive-failed' | 'injection-refused' | 'tier-too-low';

export interface LivenessVerdict {
  accepted: boolean;
  /** Stable reason code for the audit trail: on acceptance, the evidence the tier rests on. */
  reason: LivenessAccepted | LivenessRefused;
  /** The tier the evidence reached, and the tier the flow required. */
  tier: AssuranceTier;
  required: AssuranceTier;
  /** Why the evidence reached no higher tier (assurance-tier.ts); null at kiosk-depth. */
  short: string | null;
}

export function decideLiveness(evidence: LivenessEvidence, policy: LivenessConfig['policy'], required: AssuranceTier): LivenessVerdict {
  const { depth, challenge, motion, passive } = evidence;
  const refusing = refusingSignals(evidence.injection ?? []);
  const irPassed = depth?.irChecked === true && depth.checks.some((c) => c.name === 'irReflectance' && c.outcome === 'pass');
  const challengePassed = challenge?.passed === true;
  const maskDefended = challengePassed || policy.maskDefence === 'none' || (policy.maskDefence === 'ir-or-challenge' && irPassed);
  const reached = tierReached({
    depthPassed: depth?.passed === true, maskDefended, challengePassed,
    ...(motion ? { motion } : {}), ...(passive ? { passive } : {}), injectionRefused: refusing.length > 0,
  });
  const verdict = (accepted: boolean, reason: LivenessVerdict['reason']): LivenessVerdict => ({ accepted, reason, tier: reached.tier, required, short: reached.short });
  // Evidence that was sent and failed refuses at every requirement: it is a sign of an attack, not a gap.
  if (depth && !depth.passed) return verdict(false, 'depth-failed');
  if (challenge && !challenge.passed) return verdict(false, 'challenge-failed');
  if (motion?.outcome === 'fail') return verdict(false, 'motion-failed');
  if (passive?.outcome === 'fail') return verdict(false, 'passive-failed');
  if (refusing.length > 0) return verdict(false, 'injection-refused');
  if (!meetsTier(reached.tier, required)) return verdict(false, 'tier-too-low');
  if (reached.tier === 'kiosk-depth') {
    return verdict(true, challengePassed ? 'depth-and-challenge' : policy.maskDefence === 'none' ? 'depth-only-mask-risk-accepted' : 'depth-and-ir');
  }
  // Required 'none' (supervised pilots): accepted; the audit records liveness as skipped, never as passed.
  return verdict(true, reached.tier === 'remote-active' ? 'remote-active' : 'no-evidence-risk-accepted');
}
