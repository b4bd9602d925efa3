// Liveness in the audit record: every depth check as its own CheckResult (liveness-depth-*), the
// active challenge (liveness-challenge, and liveness-challenge-same-person), the motion consistency
// (liveness-motion-parallax, and its self-occlusion part liveness-motion-occlusion), each injection signal (liveness-injection-*), one combined 'liveness'
// check whose reason names the evidence used (depth, depth+IR, challenge, none) and the policy verdict,
// and 'liveness-tier': the assurance tier reached against the tier required. 'liveness' is 'pass' only
// when decideLiveness accepted real evidence; accepted at a required tier of none with no evidence
// (supervised pilots) it is 'skipped'; otherwise 'fail'.
import type { CheckResult } from '../../core/domain.js';
import type { LivenessConfig } from '../../config/sections/liveness.js';
import { tierRank, type ChallengeResult, type DepthCheckResult, type DepthLivenessReport, type InjectionSignal, type LivenessVerdict, type MotionConsistencyReport } from '../../liveness/index.js';
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
  return {
    name: 'liveness-challenge', score: result.stepsSeen, threshold: result.steps.length, outcome: result.passed ? 'pass' : 'fail',
    reason: `${result.steps.join(' then ')}: ${result.passed ? 'every step seen in order' : result.reason}; `
      + `yaw per frame (deg) ${result.yawDeg.join(', ')}; pitch per frame (deg) ${result.pitchDeg.join(', ')}; eye openness per frame ${result.eyeOpenness.join(', ')}`
      + ` (turn >= ${settings.minTurnYawDeg} deg, look up >= ${settings.minLookUpDeg} deg, blink closed <= ${settings.closedEyeRatio})`,
  };
}


/**
 * The self-occlusion part of the motion check (texture-parallax.ts, tracking.minOccludedFraction) as its own
 * audit check, so its value is recorded against its own bound: liveness-motion-parallax's score is the
 * parallax, which can clear its bound while the motion fails here. Null for a motion judged on landmarks.
 */
export function occlusionCheck(report: MotionConsistencyReport): CheckResult | null {
  if (!report.occlusion) return null;
  const { value, threshold } = report.occlusion;
  const base = { name: 'liveness-motion-occlusion', score: value, threshold };
  if (threshold === 0) return { ...base, outcome: 'skipped', reason: 'reported, not a gate (liveness.motion.tracking.minOccludedFraction is 0)' };
  if (value === null) return { ...base, outcome: 'fail', reason: 'no frame turned enough to see part of the face go out of view' };
  const pass = value >= threshold;
  return { ...base, outcome: pass ? 'pass' : 'fail', reason: `${value} of the tracked points out of view at the turn, ${pass ? 'at least' : 'less than'} ${threshold}` };
}

/** 3D consistency of the challenge's motion (src/liveness/motion-consistency.ts) as an audit check. */
export function motionCheck(report: MotionConsistencyReport): CheckResult {
  return {
    name: 'liveness-motion-parallax', score: report.value, threshold: report.threshold,
    outcome: report.outcome === 'pass' ? 'pass' : 'fail',
    reason: `${report.outcome === 'pass' ? `the ${report.method === 'texture' ? 'image texture' : 'landmarks'} moved like a 3D head` : report.reason}; head motion ${report.motion} deg; parallax per frame ${report.perFrame.join(', ')}${report.landmarkValue !== undefined ? `; landmark parallax ${report.landmarkValue}` : ''}${report.occlusion ? `; points out of view at the turn ${report.occlusion.value} (at least ${report.occlusion.threshold})` : ''}`,
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
  'remote-active': 'the active challenge and the motion consistency passed and no injection signal refused: a browser, no depth',
  'no-evidence-risk-accepted': 'no liveness tier was reached; accepted because verification.assurance requires none for this flow (supervised pilots only)',
  'depth-failed': 'the depth checks failed',
  'challenge-failed': 'the active challenge failed',
  'motion-failed': 'the motion did not show a 3D head (motion consistency failed)',
  'passive-failed': 'the passive presentation-attack model (liveness.passive) did not score the selfie live',
  'injection-refused': 'an injection signal set to refuse was raised',
  'tier-too-low': 'the evidence did not reach the assurance tier this flow requires',
};

export function combinedLivenessCheck(verdict: LivenessVerdict, depth: DepthLivenessReport | undefined, challenge: ChallengeResult | undefined): CheckResult {
  const evidence = evidenceKind(depth, challenge);
  const outcome = !verdict.accepted ? 'fail' : verdict.reason === 'no-evidence-risk-accepted' ? 'skipped' : 'pass';
  // The gap is said when it decided: why the evidence reached no higher tier.
  // Depth geometry never rules out a rigid 3D mask (a worn mask follows a head turn too): always said.
  const risks = depth ? `; residual risk: ${depth.residualRisks.join(', ')}` : '';
  return {
    name: 'liveness', score: depth ? depth.score : null, threshold: depth ? 0.5 : null, outcome,
    reason: `evidence: ${evidence}; verdict: ${verdict.reason} (${VERDICT_WORDS[verdict.reason]})${verdict.reason === 'tier-too-low' && verdict.short ? `: ${verdict.short}` : ''}${risks}`,
  };
}

/** 'liveness-tier': the tier reached (score, as its rank 0 none, 1 remote-active, 2 kiosk-depth) against the tier required (threshold). */
export function tierCheck(verdict: LivenessVerdict): CheckResult {
  const met = tierRank(verdict.tier) >= tierRank(verdict.required);
  return {
    name: 'liveness-tier', score: tierRank(verdict.tier), threshold: tierRank(verdict.required),
    outcome: !verdict.accepted ? 'fail' : verdict.tier === 'none' ? 'skipped' : 'pass',
    reason: `tier reached: ${verdict.tier}; tier required: ${verdict.required}${met ? '' : ` (not met${verdict.short ? `: ${verdict.short}` : ''})`}`,
  };
}

/** The tier reached and required, read back from a decision's checks (null when liveness was not judged). */
export function tierOf(checks: readonly CheckResult[]): { reached: string; required: string } | null {
  const c = checks.find((x) => x.name === 'liveness-tier');
  const m = c?.reason ? /^tier reached: ([a-z-]+); tier required: ([a-z-]+)/.exec(c.reason) : null;
  return m ? { reached: m[1], required: m[2] } : null;
}

/**
 * 'liveness-injection-<signal>': a raised signal set to refuse fails; one set to record is 'skipped' (in the
 * audit, not a gate); a signal with nothing to measure is 'skipped' too.
 */
export function injectionChecks(signals: readonly InjectionSignal[]): CheckResult[] {
  return signals.map((s) => {
    const raised = s.outcome === 'fail';
    const outcome = s.outcome === 'pass' ? 'pass' : raised && s.action === 'refuse' ? 'fail' : 'skipped';
    const note = raised && s.action === 'record' ? ' (recorded only: liveness.injection action record)' : s.outcome === 'not-computed' ? ' (not measured)' : '';
    return { name: `liveness-injection-${s.name}`, score: s.value, threshold: s.threshold, outcome, reason: `${s.reason}${note}` };
  });
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
