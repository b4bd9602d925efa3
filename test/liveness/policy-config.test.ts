import t from 'tap';
import { buildConfig } from '../../src/config/index.js';
import { ASSURANCE_TIERS, decideLiveness, meetsTier, requiredTier, type ChallengeResult, type DepthLivenessReport, type InjectionSignal } from '../../src/liveness/index.js';

const base = buildConfig({}).liveness;
const depth = (passed: boolean, ir?: 'pass' | 'fail'): DepthLivenessReport => ({
  passed, score: passed ? 0.9 : 0.1, failed: passed ? [] : ['noseProminenceMm'], irChecked: ir !== undefined, residualRisks: ['rigid-3d-mask'],
  faceDepthMm: 500, facePixels: 1000, validFacePixels: 990,
  checks: ir ? [{ name: 'irReflectance', unit: 'ratio', value: 0.4, min: 0.2, max: 0.72, outcome: ir }] : [],
});
const challenge = (passed: boolean): ChallengeResult => ({ steps: ['blink'], passed, reason: passed ? null : 'the eyes never closed', stepsSeen: passed ? 1 : 0, yawDeg: [], pitchDeg: [], eyeOpenness: [] });

const pass = { outcome: 'pass' as const };
const fail = { outcome: 'fail' as const };
const raised = (action: 'refuse' | 'record'): InjectionSignal => ({ name: 'identical-frames', value: 9, threshold: 1, outcome: 'fail', action, reason: 'repeated' });
const v = (accepted: boolean, reason: string, tier: string, required: string) => ({ accepted, reason, tier, required });

t.test('policy: evidence that failed refuses; else the tier reached must meet the tier required', async (t) => {
  const p = base.policy;
  t.same(p, { maskDefence: 'challenge' }, 'safe default mask defence');
  t.match(decideLiveness({ depth: depth(false), challenge: challenge(true) }, p, 'none'), v(false, 'depth-failed', 'none', 'none'), 'failed depth refuses even where none is required');
  t.match(decideLiveness({ depth: depth(true) }, p, 'kiosk-depth'), v(false, 'tier-too-low', 'none', 'kiosk-depth'), 'depth without the mask defence is no tier');
  t.match(decideLiveness({ depth: depth(true), challenge: challenge(true) }, p, 'kiosk-depth'), v(true, 'depth-and-challenge', 'kiosk-depth', 'kiosk-depth'));
  t.match(decideLiveness({ depth: depth(true), challenge: challenge(false) }, p, 'kiosk-depth'), v(false, 'challenge-failed', 'none', 'kiosk-depth'));
  const irPolicy = { ...p, maskDefence: 'ir-or-challenge' as const };
  t.match(decideLiveness({ depth: depth(true, 'pass') }, irPolicy, 'kiosk-depth'), v(true, 'depth-and-ir', 'kiosk-depth', 'kiosk-depth'));
  t.match(decideLiveness({ depth: depth(true) }, irPolicy, 'kiosk-depth'), v(false, 'tier-too-low', 'none', 'kiosk-depth'));
  t.match(decideLiveness({ depth: depth(true) }, { ...p, maskDefence: 'none' }, 'kiosk-depth'), v(true, 'depth-only-mask-risk-accepted', 'kiosk-depth', 'kiosk-depth'));
  t.match(decideLiveness({ depth: depth(true), challenge: challenge(true) }, p, 'remote-active'), v(true, 'depth-and-challenge', 'kiosk-depth', 'remote-active'), 'a higher tier meets a lower requirement');

  // remote-active: challenge + motion consistency (+ passive when configured), no refusing injection signal.
  t.match(decideLiveness({ challenge: challenge(true), motion: pass }, p, 'remote-active'), v(true, 'remote-active', 'remote-active', 'remote-active'));
  t.match(decideLiveness({ challenge: challenge(true), motion: pass }, p, 'kiosk-depth'), v(false, 'tier-too-low', 'remote-active', 'kiosk-depth'), 'a browser never reaches kiosk-depth');
  t.match(decideLiveness({ challenge: challenge(true) }, p, 'remote-active'), { accepted: false, reason: 'tier-too-low', tier: 'none', short: /motion consistency not measured/ });
  t.match(decideLiveness({ challenge: challenge(true), motion: { outcome: 'not-computed' } }, p, 'remote-active'), v(false, 'tier-too-low', 'none', 'remote-active'));
  t.match(decideLiveness({ challenge: challenge(true), motion: fail }, p, 'none'), v(false, 'motion-failed', 'none', 'none'), 'a flat picture refuses whatever is required');
  t.match(decideLiveness({ challenge: challenge(false), motion: pass }, p, 'remote-active'), v(false, 'challenge-failed', 'none', 'remote-active'));
  t.match(decideLiveness({ challenge: challenge(true), motion: pass, passive: pass }, p, 'remote-active'), v(true, 'remote-active', 'remote-active', 'remote-active'));
  t.match(decideLiveness({ challenge: challenge(true), motion: pass, passive: fail }, p, 'remote-active'), v(false, 'passive-failed', 'none', 'remote-active'));
  t.match(decideLiveness({ challenge: challenge(true), motion: pass, injection: [raised('refuse')] }, p, 'remote-active'), v(false, 'injection-refused', 'none', 'remote-active'));
  t.match(decideLiveness({ challenge: challenge(true), motion: pass, injection: [raised('record')] }, p, 'remote-active'), v(true, 'remote-active', 'remote-active', 'remote-active'), "a signal set to 'record' does not decide");

  // none (supervised pilots): no evidence is accepted, recorded as tier none; evidence that fails still refuses.
  t.match(decideLiveness({}, p, 'none'), v(true, 'no-evidence-risk-accepted', 'none', 'none'));
  t.match(decideLiveness({}, p, 'remote-active'), v(false, 'tier-too-low', 'none', 'remote-active'));
  t.match(decideLiveness({ challenge: challenge(false) }, p, 'none'), v(false, 'challenge-failed', 'none', 'none'));
});

t.test('tiers are ordered, and the required tier comes from the flow and the tenant', async (t) => {
  t.same(ASSURANCE_TIERS, ['none', 'remote-active', 'kiosk-depth']);
  t.ok(meetsTier('kiosk-depth', 'remote-active'));
  t.ok(meetsTier('remote-active', 'remote-active'));
  t.notOk(meetsTier('remote-active', 'kiosk-depth'));
  t.notOk(meetsTier('none', 'remote-active'));
  const tenant = '72f988bf-86f1-41af-91ab-2d7cd011db47';
  const assurance = buildConfig({ verification: { assurance: { tenants: { [tenant]: { returningUser: 'kiosk-depth' } } } } }).verification.assurance;
  t.equal(requiredTier(assurance, tenant, 'returning'), 'kiosk-depth', "the tenant's override");
  t.equal(requiredTier(assurance, tenant, 'first-time'), 'kiosk-depth', 'the default where the tenant does not override');
  t.equal(requiredTier(assurance, '00000000-0000-0000-0000-000000000001', 'returning'), 'remote-active', 'other tenants: the default');
});

t.test('verification.assurance: validated with messages that name the key; withoutDepth refused with what to write instead', async (t) => {
  t.throws(() => buildConfig({ verification: { assurance: { returningUser: 'depth' } } }), { code: 'ERR_CONFIG', message: 'config config.verification.assurance.returningUser: expected one of none, remote-active, kiosk-depth, received "depth"' });
  t.throws(() => buildConfig({ verification: { assurance: { tenants: { contoso: { firstTime: 'none' } } } } }), { code: 'ERR_CONFIG', message: 'config config.verification.assurance.tenants.contoso: expected an Entra tenant id (a lower-case GUID) as the key, received "contoso"' });
  t.throws(() => buildConfig({ verification: { assurance: { tenants: { '72f988bf-86f1-41af-91ab-2d7cd011db47': { firstTme: 'none' } } } } }), { code: 'ERR_CONFIG', message: /tenants\.72f988bf-86f1-41af-91ab-2d7cd011db47\.firstTme: expected no such key/ });
  t.throws(() => buildConfig({ verification: { assurance: { tenants: [] } } }), { code: 'ERR_CONFIG', message: /assurance\.tenants: expected an object keyed by Entra tenant id/ });
  t.throws(() => buildConfig({ liveness: { policy: { withoutDepth: 'challenge-only' } } }), {
    code: 'ERR_CONFIG',
    message: 'config config.liveness.policy.withoutDepth: expected no such key: replaced by the assurance tiers; write verification.assurance.returningUser: "remote-active" instead (and firstTime likewise; "none" is for supervised pilots only), received "challenge-only"',
  });
  t.throws(() => buildConfig({ liveness: { policy: { withoutDepth: 'refuse' } } }), { message: /returningUser: "kiosk-depth" instead/ });
  t.throws(() => buildConfig({ liveness: { policy: { withoutDepth: 'accept-risk' } } }), { message: /returningUser: "none" instead/ });
  t.throws(() => buildConfig({ liveness: { policy: { withoutDepth: 'allow' } } }), { message: /"kiosk-depth" for refuse, "remote-active" for challenge-only, "none" for accept-risk/ });
});

t.test('liveness config: overrides, and errors that name the key', async (t) => {
  t.equal(buildConfig({ liveness: { depth: { minNoseProminenceMm: 10 } } }).liveness.depth.minNoseProminenceMm, 10);
  t.throws(() => buildConfig({ liveness: { depth: { minNoseProminenceMm: 'eight' } } }), { code: 'ERR_CONFIG', message: 'config config.liveness.depth.minNoseProminenceMm: expected a number in 0..100, received "eight"' });
  t.throws(() => buildConfig({ liveness: { depth: { minNoseProminence: 8 } } }), { code: 'ERR_CONFIG', message: 'config config.liveness.depth.minNoseProminence: expected no such key (misspelled?), received 8' });
  t.throws(() => buildConfig({ liveness: { depth: { minOuterCanthiMm: 130 } } }), { code: 'ERR_CONFIG', message: 'config config.liveness.depth.maxOuterCanthiMm: expected a value above minOuterCanthiMm (130), received 125' });
  t.throws(() => buildConfig({ liveness: { injection: { frameTiming: { action: 'warn' } } } }), { code: 'ERR_CONFIG', message: 'config config.liveness.injection.frameTiming.action: expected one of refuse, record, received "warn"' });
  t.throws(() => buildConfig({ liveness: { injection: { virtualCamera: { labels: ['OBS'] } } } }), { code: 'ERR_CONFIG', message: 'config config.liveness.injection.virtualCamera.labels[0]: expected a lower-case label fragment of 1..100 characters, received "OBS"' });
  t.throws(() => buildConfig({ liveness: { challenge: { kinds: ['nod'] } } }), { code: 'ERR_CONFIG', message: /config config.liveness.challenge.kinds: expected entries from turn-left, turn-right, look-up, blink/ });
  t.throws(() => buildConfig({ liveness: { challenge: { closedEyeRatio: 0.3 } } }), { code: 'ERR_CONFIG', message: /openEyeRatio: expected a value above closedEyeRatio/ });
});
