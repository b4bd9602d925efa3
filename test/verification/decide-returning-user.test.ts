import { verificationPolicy } from '../../src/config/sections/verification.js';
import t, { type Test } from 'tap';
import { ProofgateError } from '../../src/core/errors.js';
import { buildConfig } from '../../src/config/index.js';
import { decideReturningUser, type ReturningUserContext } from '../../src/verification/policy/decide-returning-user.js';
import { embeddingToTemplate } from '../../src/verification/capture/face-template.js';
import type { Capture } from '../../src/verification/capture/capture.js';
import type { BiometricProfile } from '../../src/core/domain.js';
import type { FaceAnalyzer } from '../../src/verification/capture/ports.js';
import { RecordedFaceAnalyzer, embedding, noFace, oneFace } from '../helpers/recorded-face-analyzer.js';
import { tempRepository } from '../helpers/temp-store.js';
import { requiredTier } from '../../src/liveness/index.js';

const enrolled = embedding(1);
const profile: BiometricProfile = {
  profileId: 'p1', tid: 't', oid: 'o', template: embeddingToTemplate(enrolled), modelId: 'dlib-resnet-v1',
  enrolment: null, createdAt: 0, updatedAt: 0,
};
const selfie: Capture = { kind: 'selfie', mediaType: 'image/jpeg', bytes: Buffer.from([0xff, 0xd8, 0xff, 0xe0]), meta: null };
const byName = <C extends { name: string }>(checks: C[], name: string) => checks.find((c) => c.name === name);
const NONCE = 'session-challenge-nonce-0123456789';

/** The decision's context under a configuration; the challenge nonce's replay guard is a real SQLite store. */
function context(t: Test, overrides: Record<string, unknown> = {}) {
  const { repo } = tempRepository(t);
  const config = buildConfig(overrides);
  return (engine: FaceAnalyzer): ReturningUserContext => ({
    engine, policy: verificationPolicy(config), liveness: config.liveness, challenge: { steps: ['blink'], nonce: NONCE }, replayGuard: repo, now: Date.now(),
    requiredTier: requiredTier(config.verification.assurance, profile.tid, 'returning'),
    captureHistory: { usedInEarlierSession: () => false },
  });
}
const acceptRisk = { verification: { assurance: { returningUser: 'none', firstTime: 'none' } } };

// Changed on purpose (no face-match oracle): the face used to be compared first (face-match pass recorded).
t.test('default policy (remote-active) refuses a still selfie before analysing it, and the audit says why', async (t) => {
  t.equal(buildConfig({}).verification.assurance.returningUser, 'remote-active', 'remote-active is the default');
  const engine = new RecordedFaceAnalyzer([oneFace(enrolled)]);
  const out = await decideReturningUser(context(t)(engine), profile, [selfie]);
  t.equal(out.kind, 'decided');
  if (out.kind !== 'decided') return;
  t.equal(out.decision, 'denied');
  t.match(out.liveness, { accepted: false, reason: 'tier-too-low', tier: 'none', required: 'remote-active' });
  t.equal(engine.calls, 0, 'the face was not analysed, so not compared');
  t.notOk(byName(out.checks, 'face-match'));
  t.match(byName(out.checks, 'liveness'), { outcome: 'fail', score: null, reason: /^evidence: none; verdict: tier-too-low \(.*\): no passed depth; no passed active challenge; refused by the policy before any analysis/ });
  t.match(byName(out.checks, 'liveness-tier'), { outcome: 'fail', score: 0, threshold: 1, reason: /^tier reached: none; tier required: remote-active \(not met/ });
});

t.test('a returning user required at kiosk-depth is refused without depth before analysis', async (t) => {
  const ctx = context(t, { verification: { assurance: { returningUser: 'kiosk-depth' } } });
  const out = await decideReturningUser(ctx(new RecordedFaceAnalyzer([oneFace(enrolled)])), profile, [selfie]);
  t.match(out, { kind: 'decided', decision: 'denied', liveness: { reason: 'tier-too-low', required: 'kiosk-depth' } });
  if (out.kind === 'decided') t.match(byName(out.checks, 'liveness-tier'), { score: 0, threshold: 2, reason: /tier required: kiosk-depth/ });
});

t.test("'accept-risk' verifies a match and records liveness as skipped, never passed", async (t) => {
  const out = await decideReturningUser(context(t, acceptRisk)(new RecordedFaceAnalyzer([oneFace(enrolled)])), profile, [selfie]);
  t.match(out, { kind: 'decided', decision: 'verified' });
  if (out.kind !== 'decided') return;
  t.match(byName(out.checks, 'liveness'), { outcome: 'skipped', reason: /^evidence: none; verdict: no-evidence-risk-accepted .*supervised pilots only/ });
  t.notOk(out.checks.some((c) => c.name === 'liveness' && c.outcome === 'pass'));
  for (const c of out.checks) t.ok(c.reason, `${c.name} has a reason`);
});

t.test('a different face is denied with the distance and threshold recorded', async (t) => {
  const out = await decideReturningUser(context(t, acceptRisk)(new RecordedFaceAnalyzer([oneFace(embedding(9))])), profile, [selfie]);
  t.match(out, { kind: 'decided', decision: 'denied' });
  if (out.kind !== 'decided') return;
  const match = byName(out.checks, 'face-match')!;
  t.equal(match.outcome, 'fail');
  t.ok((match.score as number) > 0.5, `distance ${match.score} above threshold`);
  t.match(match.reason, /not the enrolled person/);
  t.match(byName(out.checks, 'liveness'), { outcome: 'skipped', reason: /^evidence: none; verdict: no-evidence-risk-accepted/ }, 'liveness is judged for a stranger as for the owner');
});

// Changed on purpose (capture-route hardening): document images were stored and reported as not checked.
t.test('captures the returning decision does not read are refused before any analysis', async (t) => {
  const doc: Capture = { kind: 'document-front', mediaType: 'image/jpeg', bytes: selfie.bytes, meta: null };
  const engine = new RecordedFaceAnalyzer([oneFace(enrolled)]);
  await t.rejects(decideReturningUser(context(t, acceptRisk)(engine), profile, [selfie, doc]), {
    code: 'ERR_BAD_REQUEST', status: 400, message: "a returning user's capture carries only selfie, depth, ir, challenge-frame (got document-front)",
  });
  t.equal(engine.calls, 0);
});

t.test('capture problems ask for another try with advice and the failed gate', async (t) => {
  const cases: Array<[string, ConstructorParameters<typeof RecordedFaceAnalyzer>[0][number], string, RegExp]> = [
    ['no face', noFace(0), 'face-count', /No face was found/],
    ['two faces', noFace(2), 'face-count', /More than one face/],
    ['a face the mesh rejected', noFace(1), 'face-count', /No face was found/],
    ['tiny face', oneFace(enrolled, { faceSizePx: 40 }), 'quality-face-size', /move closer/],
    ['blur', oneFace(enrolled, { sharpness: 2 }), 'quality-sharpness', /blurred/],
    ['dark', oneFace(enrolled, { brightness: 0.05 }), 'quality-exposure-min', /too dark/],
    ['turned away', oneFace(enrolled, { yaw: -45 }), 'quality-yaw', /Look straight/],
    ['corrupt image', new ProofgateError('ERR_IMAGE_INVALID', 'cannot decode'), 'image-decode', /could not be read/],
  ];
  const ctx = context(t, acceptRisk);
  for (const [label, answer, gate, advice] of cases) {
    const out = await decideReturningUser(ctx(new RecordedFaceAnalyzer([answer])), profile, [selfie]);
    t.equal(out.kind, 'retry', `${label}: retry`);
    if (out.kind !== 'retry') continue;
    t.match(out.advice, advice, `${label}: advice`);
    t.equal(out.checks.find((c) => c.outcome === 'fail')?.name, gate, `${label}: failed gate`);
  }
});

t.test('eyes-open gate applies only when configured', async (t) => {
  const strict = context(t, { verification: { ...acceptRisk.verification, quality: { requireEyesOpen: true } } });
  const closed = oneFace(enrolled, { eyesOpen: false });
  t.match(await decideReturningUser(context(t, acceptRisk)(new RecordedFaceAnalyzer([closed])), profile, [selfie]), { kind: 'decided', decision: 'verified' });
  t.match(await decideReturningUser(strict(new RecordedFaceAnalyzer([closed])), profile, [selfie]), { kind: 'retry', advice: /eyes open/ });
});

t.test('a template from another model is never compared', async (t) => {
  const out = await decideReturningUser(context(t, acceptRisk)(new RecordedFaceAnalyzer([oneFace(enrolled)], 'other-model')), profile, [selfie]);
  t.match(out, { kind: 'decided', decision: 'denied' });
  if (out.kind !== 'decided') return;
  t.match(byName(out.checks, 'face-match'), { outcome: 'fail', score: null, reason: /model "dlib-resnet-v1" but the engine runs "other-model"/ });
});

t.test('an engine failure is unavailable, not denied', async (t) => {
  const out = await decideReturningUser(context(t, acceptRisk)(new RecordedFaceAnalyzer([new ProofgateError('ERR_MODEL', 'model file missing')])), profile, [selfie]);
  t.match(out, { kind: 'decided', decision: 'unavailable', checks: [{ name: 'face-analysis', outcome: 'error', reason: /ERR_MODEL/ }] });
});

t.test('an overloaded engine fails the request without deciding', async (t) => {
  const busy = new ProofgateError('ERR_BUSY', 'the face engine is busy', { status: 503 });
  await t.rejects(decideReturningUser(context(t, acceptRisk)(new RecordedFaceAnalyzer([busy])), profile, [selfie]), { code: 'ERR_BUSY', status: 503 });
});
