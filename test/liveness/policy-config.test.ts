import t from 'tap';
import { buildConfig } from '../../src/config/index.js';
import { decideLiveness, type ChallengeResult, type DepthLivenessReport } from '../../src/liveness/index.js';

const base = buildConfig({}).liveness;
const depth = (passed: boolean, ir?: 'pass' | 'fail'): DepthLivenessReport => ({
  passed, score: passed ? 0.9 : 0.1, failed: passed ? [] : ['noseProminenceMm'], irChecked: ir !== undefined, residualRisks: ['rigid-3d-mask'],
  faceDepthMm: 500, facePixels: 1000, validFacePixels: 990,
  checks: ir ? [{ name: 'irReflectance', unit: 'ratio', value: 0.4, min: 0.2, max: 0.72, outcome: ir }] : [],
});
const challenge = (passed: boolean): ChallengeResult => ({ steps: ['blink'], passed, reason: passed ? null : 'the eyes never closed', yawDeg: [], pitchDeg: [], eyeOpenness: [] });

t.test('policy: depth required when present, mask defence, behaviour without depth', async (t) => {
  const p = base.policy;
  t.same(p, { withoutDepth: 'refuse', maskDefence: 'challenge' }, 'safe defaults');
  t.same(decideLiveness({ depth: depth(false), challenge: challenge(true) }, p), { accepted: false, reason: 'depth-failed' });
  t.same(decideLiveness({ depth: depth(true) }, p), { accepted: false, reason: 'challenge-required' });
  t.same(decideLiveness({ depth: depth(true), challenge: challenge(true) }, p), { accepted: true, reason: 'depth-and-challenge' });
  t.same(decideLiveness({ depth: depth(true), challenge: challenge(false) }, p), { accepted: false, reason: 'challenge-failed' });
  const irPolicy = { ...p, maskDefence: 'ir-or-challenge' as const };
  t.same(decideLiveness({ depth: depth(true, 'pass') }, irPolicy), { accepted: true, reason: 'depth-and-ir' });
  t.same(decideLiveness({ depth: depth(true) }, irPolicy), { accepted: false, reason: 'challenge-required' });
  t.same(decideLiveness({ depth: depth(true) }, { ...p, maskDefence: 'none' }), { accepted: true, reason: 'depth-only-mask-risk-accepted' });
  t.same(decideLiveness({ challenge: challenge(true) }, p), { accepted: false, reason: 'depth-required' });
  const noDepth = { ...p, withoutDepth: 'challenge-only' as const };
  t.same(decideLiveness({ challenge: challenge(true) }, noDepth), { accepted: true, reason: 'challenge-only' });
  t.same(decideLiveness({ challenge: challenge(false) }, noDepth), { accepted: false, reason: 'challenge-failed' });
  t.same(decideLiveness({}, noDepth), { accepted: false, reason: 'challenge-required' });
  const acceptRisk = { ...p, withoutDepth: 'accept-risk' as const };
  t.same(decideLiveness({}, acceptRisk), { accepted: true, reason: 'no-evidence-risk-accepted' }, 'accept-risk: no evidence is accepted (recorded as skipped by the caller)');
  t.same(decideLiveness({ challenge: challenge(false) }, acceptRisk), { accepted: false, reason: 'challenge-failed' }, 'accept-risk: evidence that fails still refuses');
  t.same(decideLiveness({ depth: depth(false) }, acceptRisk), { accepted: false, reason: 'depth-failed' });
  t.same(decideLiveness({ depth: depth(true) }, acceptRisk), { accepted: false, reason: 'challenge-required' }, 'accept-risk does not weaken the mask defence');
});

t.test('liveness config: overrides, and errors that name the key', async (t) => {
  t.equal(buildConfig({ liveness: { depth: { minNoseProminenceMm: 10 } } }).liveness.depth.minNoseProminenceMm, 10);
  t.throws(() => buildConfig({ liveness: { depth: { minNoseProminenceMm: 'eight' } } }), { code: 'ERR_CONFIG', message: 'config config.liveness.depth.minNoseProminenceMm: expected a number in 0..100, received "eight"' });
  t.throws(() => buildConfig({ liveness: { depth: { minNoseProminence: 8 } } }), { code: 'ERR_CONFIG', message: 'config config.liveness.depth.minNoseProminence: expected no such key (misspelled?), received 8' });
  t.throws(() => buildConfig({ liveness: { depth: { minOuterCanthiMm: 130 } } }), { code: 'ERR_CONFIG', message: 'config config.liveness.depth.maxOuterCanthiMm: expected a value above minOuterCanthiMm (130), received 125' });
  t.throws(() => buildConfig({ liveness: { policy: { withoutDepth: 'allow' } } }), { code: 'ERR_CONFIG', message: 'config config.liveness.policy.withoutDepth: expected one of refuse, challenge-only, accept-risk, received "allow"' });
  t.throws(() => buildConfig({ liveness: { challenge: { kinds: ['nod'] } } }), { code: 'ERR_CONFIG', message: /config config.liveness.challenge.kinds: expected entries from turn-left, turn-right, look-up, blink/ });
  t.throws(() => buildConfig({ liveness: { challenge: { closedEyeRatio: 0.3 } } }), { code: 'ERR_CONFIG', message: /openEyeRatio: expected a value above closedEyeRatio/ });
});
