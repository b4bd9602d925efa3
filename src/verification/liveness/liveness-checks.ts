// Liveness in the audit record: every depth check as its own CheckResult (liveness-depth-*), the
// active challenge (liveness-challenge, and liveness-challenge-same-person), and one combined
// 'liveness' check whose reason names the evidence used (depth, depth+IR, challenge, none) and the
// policy verdict. 'liveness' is 'pass' only when decideLiveness accepted real evidence; accepted without
// evidence (withoutDepth 'accept-risk') it is 'skipped'; otherwise 'fail'.
import type { CheckResult } from '../../core/domain.js';
import type { LivenessConfig } from '../../config/sections/liveness.js';
import type { ChallengeResult, DepthCheckResult, DepthLivenessReport, LivenessVerdict, MotionConsistencyReport } from '../../liveness/index.js';
import type { LivenessTier } from '../../observability/metrics.js';

const round = (n: number) => Math.round(n * 1000) / 1000;

/** noseProminenceMm → liveness-depth-nose-prominence (the unit lives in the reason). */
export function depthCheckName(name: string): string {
  const base = name.replace(/Mm$/, '');
  return `liveness-depth-${base.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

function band(c: DepthCheckResult): string {
  const unit = c.unit === 'mm' ? ' mm' : '';
  if (c.min !== null && c.max !== null) return `[${c.min}, ${c.max}]${unit}`;
  return c.min !== null ? `>= ${c.min}${unit}` : `<= ${c.max}${unit}`;
}

/** The bound a value is judged by: the one it broke, or (passing) the nearer one. */
function bindingBound(c: DepthCheckResult): number | null {
  if (c.min === null || c.max === null) return c.min ?? c.max;
  if (c.value === null) return c.min;
  if (c.value < c.min) return c.min;
  if (c.value > c.max) return c.max;
  return c.value - c.min <= c.max - c.value ? c.min : c.max;
}

function depthCheck(c: DepthCheckResult): CheckResult {
  const name = depthCheckName(c.name);
  const unit = c.unit === 'mm' ? ' mm' : '';
  const value = c.value === null ? null : round(c.value);
  const gating = c.min !== null || c.max !== null;
  if (!gating || c.outcome === 'info') {
    return { name, score: value, threshold: null, outcome: 'skipped', reason: `${c.name} ${value ?? 'not computed'}${value === null ? '' : unit}: reported, not a gate` };
  }
  if (c.outcome === 'not-computed') {
    // irReflectance without an IR frame is simply absent; any other gate without data fails.
    if (c.name === 'irReflectance') return { name, score: null, threshold: bindingBound(c), outcome: 'skipped', reason: 'no IR frame: the IR check did not run' };
    return { name, score: null, threshold: bindingBound(c), outcome: 'fail', reason: `${c.name} could not be computed (too little depth on the face); required ${band(c)}` };
  }
  const pass = c.outcome === 'pass';
  return { name, score: value, threshold: bindingBound(c), outcome: pass ? 'pass' : 'fail', reason: `${c.name} ${value}${unit} ${pass ? 'within' : 'outside'} ${band(c)}` };
}

export function depthChecks(report: DepthLivenessReport): CheckResult[] {
  return report.checks.map(depthCheck);
}

export function challengeCheck(result: ChallengeResult, settings: LivenessConfig['challenge']): CheckResult {
  // Score: how many of the asked steps were seen in order; threshold: all of them.
  const done = result.passed ? result.steps.length : stepsDone(result.reason);
  return {
    name: 'liveness-challenge', score: done, threshold: result.steps.length, outcome: result.passed ? 'pass' : 'fail',
    reason: `${result.steps.join(' then ')}: ${result.passed ? 'every step seen in order' : result.reason}; `
      + `yaw per frame (deg) ${result.yawDeg.join(', ')}; pitch per frame (deg) ${result.pitchDeg.join(', ')}; eye openness per frame ${result.eyeOpenness.join(', ')}`
      + ` (turn >= ${settings.minTurnYawDeg} deg, look up >= ${settings.minLookUpDeg} deg, blink closed <= ${settings.closedEyeRatio})`,
  };
}

/** The steps completed before the failing one, from verifyChallenge's "step n of m" reason. */
function stepsDone(reason: string | null): number {
  const m = /^step (\d+) of \d+/.exec(reason ?? '');
  return m ? Number(m[1]) - 1 : 0;
}

/** 3D consistency of the challenge's motion (src/liveness/motion-consistency.ts) as an audit check. */
export function motionCheck(report: MotionConsistencyReport): CheckResult {
  return {
    name: 'liveness-motion-parallax', score: report.value, threshold: report.threshold,
    outcome: report.outcome === 'pass' ? 'pass' : 'fail',
    reason: `${report.outcome === 'pass' ? `the ${report.method === 'texture' ? 'image texture' : 'landmarks'} moved like a 3D head` : report.reason}; head motion ${report.motion} deg; parallax per frame ${report.perFrame.join(', ')}${report.landmarkValue !== undefined ? `; landmark parallax ${report.landmarkValue}` : ''}`,
  };
}

/** Names the liveness evidence a decision rested on, as the audit states it. */
export function evidenceKind(depth: DepthLivenessReport | undefined, challenge: ChallengeResult | undefined): string {
  const parts: string[] = [];
  if (depth) parts.push(depth.irChecked ? 'depth+IR' : 'depth');
  if (challenge) parts.push('challenge');
  return parts.length > 0 ? parts.join('+') : 'none';
}

const VERDICT_WORDS: Record<LivenessVerdict['reason'], string> = {
  'depth-and-challenge': 'depth geometry and the active challenge passed',
  'depth-and-ir': 'depth geometry and the IR check passed (mask defence: IR)',
  'depth-only-mask-risk-accepted': 'depth geometry passed; a rigid 3D mask is not ruled out (liveness.policy.maskDefence none)',
  'challenge-only': 'the active challenge passed without depth (liveness.policy.withoutDepth challenge-only): prints and screens are not ruled out by depth',
  'no-evidence-risk-accepted': 'no liveness evidence was checked; accepted without liveness by liveness.policy.withoutDepth accept-risk (supervised pilots only)',
  'depth-failed': 'the depth checks failed',
  'challenge-required': 'the policy requires a passed active challenge and none was sent',
  'challenge-failed': 'the active challenge failed',
  'depth-required': 'liveness requires a depth camera (liveness.policy.withoutDepth refuse) and no depth frame was sent',
  'passive-failed': 'the passive presentation-attack model (liveness.passive) did not score the selfie live',
};

export function combinedLivenessCheck(verdict: LivenessVerdict, depth: DepthLivenessReport | undefined, challenge: ChallengeResult | undefined): CheckResult {
  const evidence = evidenceKind(depth, challenge);
  const outcome = !verdict.accepted ? 'fail' : verdict.reason === 'no-evidence-risk-accepted' ? 'skipped' : 'pass';
  // Depth geometry never rules out a rigid 3D mask (a worn mask follows a head turn too): always said.
  const risks = depth ? `; residual risk: ${depth.residualRisks.join(', ')}` : '';
  return {
    name: 'liveness', score: depth ? depth.score : null, threshold: depth ? 0.5 : null, outcome,
    reason: `evidence: ${evidence}; verdict: ${verdict.reason} (${VERDICT_WORDS[verdict.reason]})${risks}`,
  };
}

/** The evidence a decision's checks name (the combined 'liveness' check's "evidence: …"); 'none' when liveness was not judged. */
export function livenessEvidenceOf(checks: readonly CheckResult[]): string {
  const combined = checks.find((c) => c.name === 'liveness');
  const stated = combined?.reason ? /^evidence: ([A-Za-z+]+);/.exec(combined.reason) : null;
  return stated ? stated[1] : 'none';
}

/** The tier the metrics label a decision with: depth geometry judged, else the challenge alone, else none. */
export function livenessTierOf(evidence: string): LivenessTier {
  if (evidence.startsWith('depth')) return 'depth';
  return evidence.includes('challenge') ? 'challenge' : 'none';
}
