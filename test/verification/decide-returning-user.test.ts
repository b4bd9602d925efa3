import t from 'tap';
import { ProofgateError } from '../../src/errors.js';
import { buildConfig } from '../../src/config/index.js';
import { decideReturningUser } from '../../src/verification/decide-returning-user.js';
import { embeddingToTemplate } from '../../src/verification/face-template.js';
import type { Capture } from '../../src/verification/capture.js';
import type { BiometricProfile } from '../../src/store/repository.js';
import { RecordedFaceAnalyzer, embedding, oneFace } from '../helpers/recorded-face-analyzer.js';

const enrolled = embedding(1);
const profile: BiometricProfile = {
  profileId: 'p1', tid: 't', oid: 'o', template: embeddingToTemplate(enrolled), modelId: 'dlib-resnet-v1',
  enrolment: null, createdAt: 0, updatedAt: 0,
};
const selfie: Capture = { kind: 'selfie', mediaType: 'image/jpeg', bytes: Buffer.from([0xff, 0xd8, 0xff, 0xe0]), meta: null };
const allow = buildConfig({ verification: { livenessWithoutDepth: 'allow' } }).verification;
const refuse = buildConfig({}).verification;
const byName = (checks: { name: string }[], name: string) => checks.find((c) => c.name === name);

t.test('default policy refuses a matching selfie without liveness, and says why', async (t) => {
  t.equal(refuse.livenessWithoutDepth, 'refuse', 'refuse is the default');
  const out = await decideReturningUser(new RecordedFaceAnalyzer([oneFace(enrolled)]), refuse, profile, [selfie]);
  t.equal(out.kind, 'decided');
  if (out.kind !== 'decided') return;
  t.equal(out.decision, 'denied');
  t.match(byName(out.checks, 'face-match'), { outcome: 'pass', score: 0, threshold: 0.5 });
  t.match(byName(out.checks, 'liveness'), { outcome: 'fail', score: null, reason: /no depth frame.*livenessWithoutDepth='refuse'/ });
});

t.test("'allow' verifies a match and records liveness as skipped, never passed", async (t) => {
  const out = await decideReturningUser(new RecordedFaceAnalyzer([oneFace(enrolled)]), allow, profile, [selfie]);
  t.match(out, { kind: 'decided', decision: 'verified' });
  if (out.kind !== 'decided') return;
  t.match(byName(out.checks, 'liveness'), { outcome: 'skipped', reason: /allowed without liveness/ });
  t.notOk(out.checks.some((c) => c.name === 'liveness' && c.outcome === 'pass'));
  for (const c of out.checks) t.ok(c.reason, `${c.name} has a reason`);
});

t.test('a different face is denied with the distance and threshold recorded', async (t) => {
  const out = await decideReturningUser(new RecordedFaceAnalyzer([oneFace(embedding(9))]), allow, profile, [selfie]);
  t.match(out, { kind: 'decided', decision: 'denied' });
  if (out.kind !== 'decided') return;
  const match = byName(out.checks, 'face-match')!;
  t.equal(match.outcome, 'fail');
  t.ok((match.score as number) > 0.5, `distance ${match.score} above threshold`);
  t.match(match.reason, /not the enrolled person/);
});

t.test('depth frames without a depth check do not count as liveness', async (t) => {
  const depth: Capture = { kind: 'depth', mediaType: 'application/octet-stream', bytes: Buffer.alloc(16), meta: { width: 4, height: 2 } };
  const out = await decideReturningUser(new RecordedFaceAnalyzer([oneFace(enrolled)]), refuse, profile, [selfie, depth]);
  t.match(out, { kind: 'decided', decision: 'denied' });
  if (out.kind !== 'decided') return;
  t.match(byName(out.checks, 'liveness'), { outcome: 'fail', reason: /1 depth frame\(s\) received, but no depth-liveness check is built/ });
});

t.test('document images are stored but reported as not checked', async (t) => {
  const doc: Capture = { kind: 'document-front', mediaType: 'image/jpeg', bytes: selfie.bytes, meta: null };
  const out = await decideReturningUser(new RecordedFaceAnalyzer([oneFace(enrolled)]), allow, profile, [selfie, doc]);
  if (out.kind !== 'decided') return t.fail('expected a decision');
  t.match(byName(out.checks, 'document-front-check'), { outcome: 'skipped', reason: /not built/ });
});

t.test('capture problems ask for another try with advice and the failed gate', async (t) => {
  const cases: Array<[string, ConstructorParameters<typeof RecordedFaceAnalyzer>[0][number], string, RegExp]> = [
    ['no face', { faceCount: 0, face: null }, 'face-count', /No face was found/],
    ['two faces', { faceCount: 2, face: null }, 'face-count', /More than one face/],
    ['a face the mesh rejected', { faceCount: 1, face: null }, 'face-count', /No face was found/],
    ['tiny face', oneFace(enrolled, { size: 40 }), 'quality-face-size', /move closer/],
    ['blur', oneFace(enrolled, { sharpness: 2 }), 'quality-sharpness', /blurred/],
    ['dark', oneFace(enrolled, { exposure: 0.05 }), 'quality-exposure-min', /too dark/],
    ['turned away', oneFace(enrolled, { yaw: -45 }), 'quality-yaw', /Look straight/],
    ['corrupt image', new ProofgateError('ERR_IMAGE_INVALID', 'cannot decode'), 'image-decode', /could not be read/],
  ];
  for (const [label, answer, gate, advice] of cases) {
    const out = await decideReturningUser(new RecordedFaceAnalyzer([answer]), allow, profile, [selfie]);
    t.equal(out.kind, 'retry', `${label}: retry`);
    if (out.kind !== 'retry') continue;
    t.match(out.advice, advice, `${label}: advice`);
    t.equal(out.checks.find((c) => c.outcome === 'fail')?.name, gate, `${label}: failed gate`);
  }
});

t.test('eyes-open gate applies only when configured', async (t) => {
  const strict = buildConfig({ verification: { livenessWithoutDepth: 'allow', quality: { requireEyesOpen: true } } }).verification;
  const closed = oneFace(enrolled, { eyesOpen: false });
  t.match(await decideReturningUser(new RecordedFaceAnalyzer([closed]), allow, profile, [selfie]), { kind: 'decided', decision: 'verified' });
  t.match(await decideReturningUser(new RecordedFaceAnalyzer([closed]), strict, profile, [selfie]), { kind: 'retry', advice: /eyes open/ });
});

t.test('a template from another model is never compared', async (t) => {
  const out = await decideReturningUser(new RecordedFaceAnalyzer([oneFace(enrolled)], 'other-model'), allow, profile, [selfie]);
  t.match(out, { kind: 'decided', decision: 'denied' });
  if (out.kind !== 'decided') return;
  t.match(byName(out.checks, 'face-match'), { outcome: 'fail', score: null, reason: /model "dlib-resnet-v1" but the engine runs "other-model"/ });
});

t.test('an engine failure is unavailable, not denied', async (t) => {
  const out = await decideReturningUser(new RecordedFaceAnalyzer([new ProofgateError('ERR_MODEL', 'model file missing')]), allow, profile, [selfie]);
  t.match(out, { kind: 'decided', decision: 'unavailable', checks: [{ name: 'face-analysis', outcome: 'error', reason: /ERR_MODEL/ }] });
});

t.test('an overloaded engine fails the request without deciding', async (t) => {
  const busy = new ProofgateError('ERR_BUSY', 'the face engine is busy', { status: 503 });
  await t.rejects(decideReturningUser(new RecordedFaceAnalyzer([busy]), allow, profile, [selfie]), { code: 'ERR_BUSY', status: 503 });
});
