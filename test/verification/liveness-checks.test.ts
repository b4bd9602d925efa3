// How liveness lands in the audit: names, scores and thresholds of the depth checks, the evidence
// kinds, the combined check's outcome per verdict, and the session challenge derived from its nonce.
import t from 'tap';
import { buildConfig } from '../../src/config/index.js';
import type { ChallengeResult, DepthCheckResult, DepthLivenessReport, LivenessVerdict } from '../../src/liveness/index.js';
import { challengeCheck, combinedLivenessCheck, depthCheckName, depthChecks, evidenceKind, occlusionCheck, tierCheck } from '../../src/verification/liveness/liveness-checks.js';
import { sessionChallenge } from '../../src/verification/capture/session-challenge.js';
import type { VerificationSession } from '../../src/core/domain.js';

const settings = buildConfig({}).liveness.challenge;
const check = (over: Partial<DepthCheckResult>): DepthCheckResult => ({ name: 'noseProminenceMm', unit: 'mm', value: 20, min: 8, max: 60, outcome: 'pass', ...over });
const report = (passed: boolean, irChecked = false): DepthLivenessReport => ({
  passed, score: passed ? 0.8 : 0.1, checks: [], failed: [], irChecked, residualRisks: ['rigid-3d-mask'], faceDepthMm: 550, facePixels: 9000, validFacePixels: 8800,
});
const challenge = (passed: boolean): ChallengeResult => ({
  steps: ['turn-left', 'look-up'], passed, reason: passed ? null : 'step 2 of 2 (look-up): the head did not look up 12 deg', stepsSeen: passed ? 2 : 1,
  yawDeg: [1, -9, -21], pitchDeg: [0, 1, 2], eyeOpenness: [0.3, 0.3, 0.3],
});

t.test('depth check names, scores and the bound each is judged by', async (t) => {
  t.equal(depthCheckName('noseProminenceMm'), 'liveness-depth-nose-prominence');
  t.equal(depthCheckName('validDepthFraction'), 'liveness-depth-valid-depth-fraction');
  t.equal(depthCheckName('irReflectance'), 'liveness-depth-ir-reflectance');
  const [near, high, low, missing, info, noIr] = depthChecks({ ...report(true), checks: [
    check({}), check({ value: 70, outcome: 'fail' }), check({ value: 2.5, outcome: 'fail' }), check({ value: null, outcome: 'not-computed' }),
    check({ name: 'quadricResidualMm', min: null, max: null, value: 1.23456, outcome: 'info' }),
    check({ name: 'irReflectance', unit: 'ratio', value: null, min: 0.2, max: 0.72, outcome: 'not-computed' }),
  ] });
  t.same(near, { name: 'liveness-depth-nose-prominence', score: 20, threshold: 8, outcome: 'pass', reason: 'noseProminenceMm 20 mm within [8, 60] mm' });
  t.match(high, { score: 70, threshold: 60, outcome: 'fail', reason: 'noseProminenceMm 70 mm outside [8, 60] mm' });
  t.match(low, { score: 2.5, threshold: 8, outcome: 'fail' });
  t.match(missing, { score: null, outcome: 'fail', reason: /could not be computed/ }, 'a gate without data fails');
  t.match(info, { name: 'liveness-depth-quadric-residual', score: 1.235, threshold: null, outcome: 'skipped', reason: /reported, not a gate/ });
  t.match(noIr, { outcome: 'skipped', reason: 'no IR frame: the IR check did not run' });
});

t.test('the challenge check scores the motion against its threshold', async (t) => {
  t.match(challengeCheck(challenge(true), settings), { name: 'liveness-challenge', score: 2, threshold: 2, outcome: 'pass', reason: /^turn-left then look-up: every step seen in order; yaw per frame \(deg\) 1, -9, -21; pitch/ });
  t.match(challengeCheck(challenge(false), settings), { score: 1, threshold: 2, outcome: 'fail', reason: /^turn-left then look-up: step 2 of 2 \(look-up\): the head did not look up 12 deg; yaw per frame \(deg\) 1, -9, -21; pitch per frame \(deg\) 0, 1, 2; eye openness/ });
  const blink: ChallengeResult = { steps: ['blink'], passed: false, reason: 'the eyes never closed', stepsSeen: 0, yawDeg: [0, 0, 0], pitchDeg: [0, 0, 0], eyeOpenness: [0.3, 0.25, 0.29] };
  t.match(challengeCheck(blink, settings), { score: 0, threshold: 1, outcome: 'fail', reason: /^blink: the eyes never closed/ });
});

t.test('evidence kinds and the combined check: pass only for accepted evidence', async (t) => {
  t.equal(evidenceKind(undefined, undefined), 'none');
  t.equal(evidenceKind(report(true), undefined), 'depth');
  t.equal(evidenceKind(report(true, true), undefined), 'depth+IR');
  t.equal(evidenceKind(report(true, true), challenge(true)), 'depth+IR+challenge');
  t.equal(evidenceKind(undefined, challenge(true)), 'challenge');
  const verdict = (accepted: boolean, reason: LivenessVerdict['reason']): LivenessVerdict => ({ accepted, reason, tier: accepted ? 'kiosk-depth' : 'none', required: 'kiosk-depth', short: accepted ? null : 'no passed depth' });
  t.match(combinedLivenessCheck(verdict(true, 'depth-and-challenge'), report(true), challenge(true)), { outcome: 'pass', score: 0.8, threshold: 0.5, reason: /residual risk: rigid-3d-mask$/ });
  t.match(combinedLivenessCheck(verdict(true, 'no-evidence-risk-accepted'), undefined, undefined), { outcome: 'skipped', score: null, reason: /^evidence: none; verdict: no-evidence-risk-accepted/ });
  t.match(combinedLivenessCheck(verdict(false, 'tier-too-low'), undefined, undefined), { outcome: 'fail', reason: /did not reach the assurance tier this flow requires\): no passed depth$/ });
  t.match(tierCheck(verdict(false, 'tier-too-low')), { name: 'liveness-tier', score: 0, threshold: 2, outcome: 'fail', reason: 'tier reached: none; tier required: kiosk-depth (not met: no passed depth)' });
  t.match(tierCheck(verdict(true, 'depth-and-challenge')), { score: 2, threshold: 2, outcome: 'pass', reason: 'tier reached: kiosk-depth; tier required: kiosk-depth' });
  t.match(combinedLivenessCheck(verdict(false, 'depth-failed'), report(false), challenge(true)), { outcome: 'fail', score: 0.1 });
});

t.test('the session challenge: fixed by the session nonce, spread over the configured kinds', async (t) => {
  const session = (nonce: unknown) => ({ challenge: { nonce } }) as unknown as VerificationSession;
  const settings = buildConfig({}).liveness.challenge;
  t.equal(settings.steps, 2, 'two steps by default');
  t.same(settings.kinds, ['turn-left', 'turn-right', 'look-up'], 'the three head motions by default (blink may be configured)');
  const a = sessionChallenge(session('a'.repeat(43)), settings);
  t.same(sessionChallenge(session('a'.repeat(43)), settings), a, 'same nonce, same challenge (a reload shows the same instruction)');
  t.equal(a.nonce, 'a'.repeat(43));
  const drawn = new Map<string, number>();
  for (let i = 0; i < 600; i++) {
    const { steps } = sessionChallenge(session(`nonce-${i}-${'x'.repeat(30)}`), settings);
    t.equal(new Set(steps).size, 2, 'two different steps');
    const order = steps.join(' then ');
    drawn.set(order, (drawn.get(order) ?? 0) + 1);
  }
  t.equal(drawn.size, 6, 'every ordered pair of the 3 kinds is drawn');
  for (const [k, n] of drawn) t.ok(n > 60, `${k} drawn ${n}/600 times`);
  t.same(sessionChallenge(session('b'.repeat(43)), { kinds: ['blink'], steps: 1 }).steps, ['blink'], 'only configured kinds');
  t.throws(() => sessionChallenge(session('b'.repeat(43)), { kinds: ['blink'], steps: 2 }), { code: 'ERR_INTERNAL' }, 'not more steps than kinds');
  t.throws(() => sessionChallenge(session(undefined), settings), { code: 'ERR_INTERNAL' });
});

t.test('the self-occlusion part of the motion check is its own audit check, against its own bound', async (t) => {
  const motion = (occlusion?: { value: number | null; threshold: number }) => ({
    name: 'motion-parallax' as const, value: 0.05, motion: 30, threshold: 0.033, outcome: 'fail' as const, reason: 'x', perFrame: [], method: 'texture' as const, occlusion,
  });
  t.same(occlusionCheck(motion({ value: 0.4, threshold: 0.05 })), { name: 'liveness-motion-occlusion', score: 0.4, threshold: 0.05, outcome: 'pass', reason: '0.4 of the tracked points out of view at the turn, at least 0.05' });
  t.match(occlusionCheck(motion({ value: 0.01, threshold: 0.05 })), { score: 0.01, outcome: 'fail', reason: /less than 0\.05$/ }, 'a picture keeps its points in view');
  t.match(occlusionCheck(motion({ value: null, threshold: 0.05 })), { score: null, outcome: 'fail' }, 'no turned frame: nothing seen going out of view');
  t.match(occlusionCheck(motion({ value: 0.01, threshold: 0 })), { outcome: 'skipped', reason: /not a gate/ }, 'turned off: reported only');
  t.equal(occlusionCheck(motion()), null, 'a motion judged on landmarks has no occlusion part');
});
