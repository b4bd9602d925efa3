// The passive PAD model in the verification decisions: run on the selfie's face crop whenever liveness is
// judged, recorded as the check liveness-passive-pad, and a selfie it does not score live refuses
// liveness. The model is real (a tiny ONNX brightness classifier through the addon); the face analyzer
// is scripted (its face box is {10, 10, 220, 240}) so the crop's content is known: a uniform grey picture.
import t, { type Test } from 'tap';
import { buildConfig } from '../../src/config/index.js';
import { verificationPolicy } from '../../src/config/sections/verification.js';
import { PassivePadModel } from '../../src/liveness/passive-pad-model.js';
import { evaluateLiveness } from '../../src/verification/liveness/index.js';
import { decideReturningUser, type ReturningUserContext } from '../../src/verification/policy/decide-returning-user.js';
import { embeddingToTemplate } from '../../src/verification/capture/face-template.js';
import { enrolFromReferencePhoto } from '../../src/verification/flow/enrol-from-reference-photo.js';
import type { BiometricProfile } from '../../src/core/domain.js';
import type { Capture } from '../../src/verification/capture/capture.js';
import { RecordedFaceAnalyzer, embedding, oneFace } from '../helpers/recorded-face-analyzer.js';
import { tempRepository } from '../helpers/temp-store.js';
import { encodeJpeg } from '../helpers/face-images.js';
import { faceJpeg } from '../helpers/face-photos.js';
import { startVerificationTestApp } from '../helpers/verification-test-app.js';
import { brightnessModelBytes, brightnessSlot, modelDir, writeModel } from '../helpers/passive-pad-models.js';

const enrolled = embedding(1);
const profile: BiometricProfile = {
  profileId: 'p1', tid: 't', oid: 'o', template: embeddingToTemplate(enrolled), modelId: 'dlib-resnet-v1',
  enrolment: null, createdAt: 0, updatedAt: 0,
};
const ACCEPT_RISK = { verification: { assurance: { returningUser: 'none', firstTime: 'none' } } };
const byName = <C extends { name: string }>(checks: C[], name: string) => checks.find((c) => c.name === name);

/** A uniform grey JPEG: the brightness model scores grey 200 live (p ~ 0.9985) and grey 90 not (p ~ 0.05). */
function greySelfie(grey: number): Buffer {
  const width = 320;
  const height = 256;
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < data.length; i += 4) data.set([grey, grey, grey, 255], i);
  return encodeJpeg({ width, height, data }, 95);
}
const selfieCapture = (bytes: Buffer): Capture => ({ kind: 'selfie', mediaType: 'image/jpeg', bytes, meta: null });

async function brightnessModel(t: Test): Promise<PassivePadModel> {
  const file = writeModel(modelDir(t), 'pad.onnx', brightnessModelBytes({ head: 'logits', slope: 20, offset: -10 }));
  const model = await PassivePadModel.load(brightnessSlot(file, { threshold: 0.5 }), 40_000_000);
  t.teardown(() => model.close());
  return model;
}

function context(t: Test, passivePad: PassivePadModel | null): (engine: RecordedFaceAnalyzer) => ReturningUserContext {
  const { repo } = tempRepository(t);
  const config = buildConfig(ACCEPT_RISK);
  return (engine) => ({
    engine, policy: verificationPolicy(config), liveness: config.liveness, challenge: { steps: ['blink'], nonce: 'session-challenge-nonce-0123456789' },
    replayGuard: repo, now: Date.now(), captureHistory: { usedInEarlierSession: () => false }, passivePad,
    requiredTier: config.verification.assurance.returningUser,
  });
}

t.test('a selfie the model scores live passes its check; one it does not is denied as passive-failed', async (t) => {
  const ctx = context(t, await brightnessModel(t));
  const live = await decideReturningUser(ctx(new RecordedFaceAnalyzer([oneFace(enrolled)])), profile, [selfieCapture(greySelfie(200))]);
  t.match(live, { kind: 'decided', decision: 'verified', liveness: { accepted: true } });
  if (live.kind !== 'decided') return;
  t.match(byName(live.checks, 'liveness-passive-pad'), { outcome: 'pass', threshold: 0.5, score: Number, reason: /^live probability 0\.99\d* >= 0\.5$/ });

  const spoof = await decideReturningUser(ctx(new RecordedFaceAnalyzer([oneFace(enrolled)])), profile, [selfieCapture(greySelfie(90))]);
  t.match(spoof, { kind: 'decided', decision: 'denied', liveness: { accepted: false, reason: 'passive-failed' }, lockoutFailure: 'liveness' });
  if (spoof.kind !== 'decided') return;
  t.match(byName(spoof.checks, 'liveness-passive-pad'), { outcome: 'fail', threshold: 0.5, reason: /^live probability 0\.0\d+ < 0\.5$/ });
  t.match(byName(spoof.checks, 'liveness'), { outcome: 'fail', reason: /verdict: passive-failed \(the passive presentation-attack model \(liveness\.passive\) did not score the selfie live\)/ });
  t.match(byName(spoof.checks, 'face-match'), { outcome: 'pass' }, 'the face matched: liveness alone denied it');
});

t.test("a stranger's selfie is scored too (no face-match oracle in what runs)", async (t) => {
  const ctx = context(t, await brightnessModel(t));
  const out = await decideReturningUser(ctx(new RecordedFaceAnalyzer([oneFace(embedding(9))])), profile, [selfieCapture(greySelfie(200))]);
  t.match(out, { kind: 'decided', decision: 'denied', lockoutFailure: 'face-match' });
  if (out.kind !== 'decided') return;
  t.match(byName(out.checks, 'liveness-passive-pad'), { outcome: 'pass' });
});

t.test('not configured: no check runs, and the outcome reports it as not configured', async (t) => {
  const ctx = context(t, null)(new RecordedFaceAnalyzer([oneFace(enrolled)]));
  const out = await decideReturningUser(ctx, profile, [selfieCapture(greySelfie(90))]);
  t.match(out, { kind: 'decided', decision: 'verified' }, 'a dark selfie is nothing without a model');
  if (out.kind !== 'decided') return;
  t.notOk(byName(out.checks, 'liveness-passive-pad'));
  const judged = await evaluateLiveness({ ...ctx, config: ctx.liveness, template: enrolled, matchMaxDistance: 0.48 }, { selfie: { bytes: greySelfie(200), cameraLabel: null, capturedAt: null }, depth: null, challengeFrames: [] }, new Float32Array(468 * 3));
  t.match(judged, { kind: 'judged', passive: { name: 'passive-pad', value: null, threshold: null, outcome: 'not-configured', reason: /liveness\.passive is null/ } });
});

t.test('configured: the outcome carries the report for the assurance tier; a failing model makes the decision unavailable', async (t) => {
  const model = await brightnessModel(t);
  const ctx = context(t, model)(new RecordedFaceAnalyzer([oneFace(enrolled)]));
  const lctx = { ...ctx, config: ctx.liveness, template: enrolled, matchMaxDistance: 0.48 };
  const none = { selfie: { bytes: greySelfie(200), cameraLabel: null, capturedAt: null }, depth: null, challengeFrames: [] };
  const judged = await evaluateLiveness(lctx, none, new Float32Array(468 * 3), { image: greySelfie(200), box: { x: 10, y: 10, width: 220, height: 240 } });
  t.match(judged, { kind: 'judged', passive: { name: 'passive-pad', threshold: 0.5, outcome: 'pass' } });
  t.match(await evaluateLiveness(lctx, none, new Float32Array(468 * 3)), {
    kind: 'unavailable', checks: [{ name: 'liveness-passive-pad', outcome: 'error', reason: /ERR_INTERNAL: liveness\.passive is configured but the selfie crop was not passed/ }],
  }, 'a configured check is never silently skipped');
  model.close();
  const out = await decideReturningUser(ctx, profile, [selfieCapture(greySelfie(200))]);
  t.match(out, { kind: 'decided', decision: 'unavailable' });
  if (out.kind !== 'decided') return;
  t.match(byName(out.checks, 'liveness-passive-pad'), { outcome: 'error', reason: 'ERR_INTERNAL: the passive PAD model is closed' });
});

t.test('through the app: a spoof-scored selfie is denied like any denial, the audit says why', async (t) => {
  const model = await brightnessModel(t);
  const engine = new RecordedFaceAnalyzer([oneFace(enrolled)]);
  const config = { ...ACCEPT_RISK, liveness: { passive: brightnessSlot(model.info.path) } };
  await t.rejects(startVerificationTestApp(t, { faceEngine: engine, config }), {
    code: 'ERR_CONFIG', message: 'liveness.passive is configured but no passive PAD model was loaded (PassivePadModel.load)',
  }, 'a configured model that is not wired in refuses to build the app');
  const app = await startVerificationTestApp(t, { faceEngine: engine, config, passivePad: model });
  await enrolFromReferencePhoto(
    { repo: app.repository, audit: app.auditTrail, faceEngine: engine, quality: app.config.verification.quality, maxImageBytes: app.config.server.maxImageBytes },
    { tid: app.entra.tid, oid: app.entra.oid, upn: 'ada@contoso.example', photo: faceJpeg('personA'), attestedBy: 'desk-officer-7' },
  );
  const send = async (bytes: Buffer) => {
    const opened = await app.openSession();
    const res = await fetch(`${app.baseUrl}${opened.captureUrl}`, {
      method: 'POST', body: new Uint8Array(bytes), headers: { accept: 'application/json', 'content-type': 'image/jpeg', 'x-csrf-token': opened.session.csrfToken },
    });
    return { status: res.status, json: (await res.json()) as Record<string, any>, audit: app.repository.lastAuditRecord()! };
  };
  const spoof = await send(greySelfie(90));
  t.match(spoof, { status: 200, json: { outcome: 'decided', decision: 'denied' } });
  t.match(byName(spoof.audit.checks, 'liveness-passive-pad'), { outcome: 'fail', threshold: 0.5 });
  t.match(byName(spoof.audit.checks, 'liveness'), { outcome: 'fail', reason: /verdict: passive-failed/ });
  const live = await send(greySelfie(200));
  t.match(live, { status: 200, json: { outcome: 'decided', decision: 'verified' } });
  t.match(byName(live.audit.checks, 'liveness-passive-pad'), { outcome: 'pass', threshold: 0.5 });
});
