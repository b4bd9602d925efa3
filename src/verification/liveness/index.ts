// The one door into the verification's liveness glue, used by both decisions in two steps:
//   readLivenessCaptures  before any analysis: the depth frame and challenge frames are read and bounded
//                         (malformed evidence is a typed 4xx and nothing is stored);
//   refusedWhateverTheEvidence  before any analysis: a refusal the policy makes whatever the evidence
//                         shows (evidence that cannot reach the required tier), so no face is compared for it;
//   evaluateLiveness      after the selfie matched: depth checks, the challenge sequence, motion consistency,
//                         the injection signals and the one policy (the tier reached against the tier
//                         required), returned as CheckResults and a verdict.
// How the checks are named and scored for the audit (liveness-checks.ts) stays behind this door.
export { readLivenessCaptures, type LivenessCaptures } from './liveness-captures.js';
export { evaluateLiveness, type LivenessContext, type LivenessOutcome } from './evaluate-liveness.js';
export { refusedWhateverTheEvidence, refusedBeforeJudgingChecks } from './liveness-precheck.js';
export { tierOf } from './liveness-checks.js';
