// Assurance tiers: how strong the liveness evidence of one capture was, in three ordered steps, and
// whether that meets what the flow requires (verification.assurance). Pure.
//   kiosk-depth    station depth geometry passed, with the mask defence (the challenge, or IR where
//                  liveness.policy.maskDefence allows it): prints, screens and bent photos ruled out in 3D.
//   remote-active  a browser: the randomised active challenge passed, the motion showed a 3D head
//                  (motion-consistency parallax), the passive model passed where one is configured, and
//                  no injection signal set to 'refuse' was raised.
//   none           anything less (no evidence, or evidence that failed).
import { ASSURANCE_TIERS, type AssuranceTier } from '../config/sections/verification-assurance.js';

export { ASSURANCE_TIERS, requiredTier, type AssuranceTier, type AssurancePolicy } from '../config/sections/verification-assurance.js';

export function tierRank(tier: AssuranceTier): number {
  return ASSURANCE_TIERS.indexOf(tier);
}

/** True when `reached` is at least `required`. */
export function meetsTier(reached: AssuranceTier, required: AssuranceTier): boolean {
  return tierRank(reached) >= tierRank(required);
}

/** An outcome as the liveness reports give it (motion consistency, the passive model). */
export interface JudgedOutcome {
  outcome: 'pass' | 'fail' | 'not-computed';
}

export interface TierEvidence {
  /** Depth geometry judged and passed (depth reaching the decision is station-signed). */
  depthPassed: boolean;
  /** The mask defence the policy asks of depth is met (challenge passed, or IR where allowed, or 'none'). */
  maskDefended: boolean;
  /** The active challenge judged and passed (all steps, in order, the selfie's person throughout). */
  challengePassed: boolean;
  /** The 3D-consistency-from-motion report of the challenge sequence; absent when it was not measured. */
  motion?: JudgedOutcome;
  /** The passive presentation-attack model's report; absent when no model is configured. */
  passive?: JudgedOutcome;
  /** An injection signal whose action is 'refuse' was raised. */
  injectionRefused: boolean;
}

export interface TierReached {
  tier: AssuranceTier;
  /** Why the evidence reached no higher, in words for the audit; null at kiosk-depth. */
  short: string | null;
}

/** The highest tier the evidence reaches. */
export function tierReached(e: TierEvidence): TierReached {
  if (e.depthPassed && e.maskDefended) return { tier: 'kiosk-depth', short: null };
  const depthShort = e.depthPassed ? 'depth passed without the mask defence' : 'no passed depth';
  const remoteShort = !e.challengePassed ? 'no passed active challenge'
    : e.motion?.outcome !== 'pass' ? (e.motion ? `motion consistency ${e.motion.outcome}` : 'motion consistency not measured')
      : e.passive && e.passive.outcome !== 'pass' ? `passive model ${e.passive.outcome}`
        : e.injectionRefused ? 'an injection signal refused' : null;
  if (remoteShort === null) return { tier: 'remote-active', short: depthShort };
  return { tier: 'none', short: `${depthShort}; ${remoteShort}` };
}
