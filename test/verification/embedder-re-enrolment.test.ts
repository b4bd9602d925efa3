// Changing the embedder: a profile enrolled under embedder A (built-in dlib) is verified through the app
// after the appliance switched to embedder B. The only built-in embedder fit for verification is dlib
// (MobileFaceNet is refused: docs/biometrics-evaluation.md), so B is a custom embedder slot: dlib's own
// ONNX file plugged in as a custom model, which gives its templates another id ("custom:<path>") and so
// plays "the new embedder" exactly. The first verification compares with A's template (A is loaded on
// demand, at A's calibrated threshold, not B's configured one) and, in the decision's transaction, stores
// B's template; the audit record says so. The next verification compares with B's template at B's
// threshold and re-enrols nothing. A profile of an embedder that cannot be loaded (a custom model no
// longer configured) or that is unfit for verification (MobileFaceNet) is refused: it must be re-enrolled.
import t from 'tap';
import { buildConfig, resolveDataPath } from '../../src/config/index.js';
import { BUILT_IN_THRESHOLDS } from '../../src/config/sections/biometrics.js';
import { readModelManifest } from '../../src/biometrics/model-manifest.js';
import { loadFaceAnalyzer } from '../../src/verification/capture/face-analyzer.js';
import { enrolFromReferencePhoto } from '../../src/verification/flow/enrol-from-reference-photo.js';
import { faceJpeg } from '../helpers/face-photos.js';
import { startVerificationTestApp, type OpenedSession, type VerificationTestApp } from '../helpers/verification-test-app.js';

const manifest = readModelManifest(resolveDataPath(buildConfig({}).biometrics.manifest));
const dlib = manifest.embedders['dlib-resnet']!;
// B's threshold is tighter than A's calibrated one: A's profiles are still judged at A's own value.
const B_THRESHOLD = 0.45;
// Face matching only (no depth frames for these photos).
const B_CONFIG = { verification: { assurance: { returningUser: 'none', firstTime: 'none' } }, biometrics: { embedder: dlib.slot, pipelines: 1, matching: { threshold: B_THRESHOLD } } };

async function capture(app: VerificationTestApp, opened: OpenedSession, body: Buffer) {
  const res = await fetch(`${app.baseUrl}${opened.captureUrl}`, {
    method: 'POST', body: new Uint8Array(body), headers: { accept: 'application/json', 'content-type': 'image/jpeg', 'x-csrf-token': opened.session.csrfToken },
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

t.test('enrolled under dlib, verified after the switch to a custom embedder: re-enrolled once at A\'s threshold, audited, then B is used', async (t) => {
  const embedderA = await loadFaceAnalyzer(buildConfig({ biometrics: { pipelines: 1 } }));
  const embedderB = await loadFaceAnalyzer(buildConfig(B_CONFIG));
  t.teardown(() => { embedderA.close(); embedderB.close(); });
  t.not(embedderA.modelId, embedderB.modelId);
  const app = await startVerificationTestApp(t, { faceEngine: embedderB, config: B_CONFIG });

  const enrolled = await enrolFromReferencePhoto(
    { repo: app.repository, audit: app.auditTrail, faceEngine: embedderA, quality: app.config.verification.quality, maxImageBytes: app.config.server.maxImageBytes },
    { tid: app.entra.tid, oid: app.entra.oid, upn: null, photo: faceJpeg('personA', { width: 480, height: 480 }), attestedBy: 'desk 1' },
  );
  t.equal(enrolled.profile.modelId, embedderA.modelId, 'enrolled under A');
  const templateA = enrolled.profile.template;

  const first = await capture(app, await app.openSession(), faceJpeg('personA', { width: 640, height: 480, zoom: 1.6, dx: -10 }));
  t.match(first.json, { outcome: 'decided', decision: 'verified' }, 'verified with the template of A');
  const firstAudit = app.repository.lastAuditRecord()!;
  const match = firstAudit.checks.find((c) => c.name === 'face-match')!;
  t.equal(match.threshold, BUILT_IN_THRESHOLDS['dlib-resnet'], "compared at A's calibrated threshold, not B's configured one");
  t.not(BUILT_IN_THRESHOLDS['dlib-resnet'], B_THRESHOLD);
  t.equal(match.outcome, 'pass');
  t.match(firstAudit.checks.find((c) => c.name === 'face-re-enrolment'), {
    outcome: 'pass', threshold: BUILT_IN_THRESHOLDS['dlib-resnet'], score: match.score,
    reason: `verified with the template of "${embedderA.modelId}" (threshold ${BUILT_IN_THRESHOLDS['dlib-resnet']}, the selfie alone at ${match.score}); the profile now holds a template of "${embedderB.modelId}" from this selfie`,
  }, 'the audit record names both embedders and the selfie\'s own distance');
  const after = app.repository.getProfile(app.entra.tid, app.entra.oid)!;
  t.equal(after.modelId, embedderB.modelId, 'the profile now holds B');
  t.equal(after.profileId, enrolled.profile.profileId, 'the same profile, re-enrolled');
  t.equal(after.template.length, 128 * 4, "B's 128-d template");
  t.notSame(after.template, templateA, "the selfie's template, not the enrolment photo's");
  t.same(after.enrolment, enrolled.profile.enrolment, 'the enrolment summary is kept');

  const second = await capture(app, await app.openSession(), faceJpeg('personA', { width: 640, height: 480, zoom: 1.5, dx: 6 }));
  t.match(second.json, { outcome: 'decided', decision: 'verified' });
  const secondAudit = app.repository.lastAuditRecord()!;
  t.equal(secondAudit.checks.find((c) => c.name === 'face-match')!.threshold, B_THRESHOLD, "compared with B's template at B's threshold");
  t.equal(secondAudit.checks.find((c) => c.name === 'face-re-enrolment'), undefined, 'nothing to re-enrol');
  t.same(app.repository.getProfile(app.entra.tid, app.entra.oid)!.template, after.template, 'the template is unchanged');
});

t.test("a profile of an embedder that cannot be loaded or is unfit is refused, and another person under A's template is not re-enrolled", async (t) => {
  const embedderA = await loadFaceAnalyzer(buildConfig({ biometrics: { pipelines: 1 } }));
  const embedderB = await loadFaceAnalyzer(buildConfig(B_CONFIG));
  t.teardown(() => { embedderA.close(); embedderB.close(); });
  const app = await startVerificationTestApp(t, { faceEngine: embedderB, config: B_CONFIG });
  const enrolled = await enrolFromReferencePhoto(
    { repo: app.repository, audit: app.auditTrail, faceEngine: embedderA, quality: app.config.verification.quality, maxImageBytes: app.config.server.maxImageBytes },
    { tid: app.entra.tid, oid: app.entra.oid, upn: null, photo: faceJpeg('personA', { width: 480, height: 480 }), attestedBy: 'desk 1' },
  );

  const stranger = await capture(app, await app.openSession(), faceJpeg('personC', { width: 640, height: 480, zoom: 1.5 }));
  t.match(stranger.json, { outcome: 'decided', decision: 'denied' });
  t.equal(app.repository.getProfile(app.entra.tid, app.entra.oid)!.modelId, embedderA.modelId, 'a denial re-enrols nothing');
  t.equal(app.repository.lastAuditRecord()!.checks.find((c) => c.name === 'face-re-enrolment'), undefined);

  app.repository.saveProfile({ ...enrolled.profile, modelId: 'custom:/opt/models/retired.onnx' });
  const orphan = await capture(app, await app.openSession(), faceJpeg('personA', { width: 640, height: 480, zoom: 1.6, dx: -10 }));
  t.match(orphan.json, { outcome: 'decided', decision: 'denied' });
  t.match(app.repository.lastAuditRecord()!.checks.find((c) => c.name === 'face-match'), {
    outcome: 'fail', reason: `profile template is from model "custom:/opt/models/retired.onnx" but the engine runs "${embedderB.modelId}": the account must be re-enrolled`,
  });

  // MobileFaceNet is built (for eval:faces) but unfit: its profiles are refused, never matched at its threshold.
  const mobilefacenet = manifest.embedders.mobilefacenet;
  if (!mobilefacenet) return;
  app.repository.saveProfile({ ...enrolled.profile, modelId: mobilefacenet.id });
  const unfit = await capture(app, await app.openSession(), faceJpeg('personA', { width: 640, height: 480, zoom: 1.6, dx: -4 }));
  t.match(unfit.json, { outcome: 'decided', decision: 'denied' });
  t.match(app.repository.lastAuditRecord()!.checks.find((c) => c.name === 'face-match'), {
    outcome: 'fail', reason: `profile template is from model "${mobilefacenet.id}" but the engine runs "${embedderB.modelId}": the account must be re-enrolled`,
  });
  t.equal(app.repository.getProfile(app.entra.tid, app.entra.oid)!.modelId, mobilefacenet.id, 'nothing re-enrolled');
});
