// Several frames of one face, weighted by quality (src/verification/policy/combine-frames.ts): a profile
// enrolled at a kiosk from the selfie and the challenge frames; a returning user whose one blurred frame
// would have failed the old per-frame rule is verified; an impostor whose selfie alone would pass is
// denied once the frames are combined; a stranger's selfie is denied however close and heavy the
// frames are (frames can only deny: the selfie alone must match too). Embeddings are constructed at exact distances (orthonormal
// offsets), so each case sits where it says; comparison is real L2 arithmetic.
import { MIN_PARALLAX_FLOOR } from '../../src/config/sections/liveness.js';
import t, { type Test } from 'tap';
import { buildConfig } from '../../src/config/index.js';
import { CAPTURE_ENVELOPE_MEDIA_TYPE } from '../../src/verification/capture/capture.js';
import { DocumentsInspector } from '../../src/verification/first-time/document-inspector.js';
import { sessionChallenge } from '../../src/verification/capture/session-challenge.js';
import { enrolFromReferencePhoto } from '../../src/verification/flow/enrol-from-reference-photo.js';
import { enrolmentEmbedding, weighFrame, weightedFaceMatch } from '../../src/verification/policy/combine-frames.js';
import { enrolledEmbedding } from '../../src/verification/policy/profile-template.js';
import type { FaceQualityMeasures } from '../../src/verification/capture/ports.js';
import { GOOD_QUALITY, RecordedFaceAnalyzer, oneFace } from '../helpers/recorded-face-analyzer.js';
import { faceJpeg } from '../helpers/face-photos.js';
import { HOLDER_CLAIMS, buildTd1, kioskCaptures, renderIdCard, selfieOf } from '../helpers/first-time-fixtures.js';
import { challengeFrames, challengeItems, challengeLandmarks, depthEvidence, depthItems } from '../helpers/liveness-evidence.js';
import { startVerificationTestApp, type OpenedSession, type VerificationTestApp } from '../helpers/verification-test-app.js';
import { envelopeAsSent } from '../helpers/test-station.js';

const gates = buildConfig({}).verification.quality;
const THRESHOLD = buildConfig({}).biometrics.matching.threshold;
const T = String(THRESHOLD).replace('.', '\\.');

// An orthonormal basis: e[0] is the enrolled person's direction, e[1..] offsets from it. (Pseudo-random
// vectors: the helper's embedding(seed) all lie in one plane.)
const pseudoRandom = (seed: number) => Float64Array.from({ length: 128 }, (_, i) => {
  const x = Math.sin((seed * 131 + i) * 12.9898) * 43758.5453;
  return x - Math.floor(x) - 0.5;
});
const basis: Float32Array[] = [];
for (let seed = 1; basis.length < 12 && seed < 100; seed++) {
  const v = pseudoRandom(seed);
  for (const b of basis) {
    const dot = v.reduce((s, x, i) => s + x * b[i], 0);
    for (let i = 0; i < v.length; i++) v[i] -= dot * b[i];
  }
  const n = Math.hypot(...v);
  if (n > 1e-3) basis.push(Float32Array.from(v, (x) => x / n));
}
/** base + Σ d·e[k]: at distance d from base along each (orthogonal) offset given. */
const offset = (base: Float32Array, ...steps: Array<[number, number]>) => Float32Array.from(base, (x, i) => x + steps.reduce((s, [k, d]) => s + d * basis[k][i], 0));
const dist = (a: Float32Array, b: Float32Array) => Math.hypot(...a.map((x, i) => x - b[i]));
const person = basis[0];

t.test('frame weights: twice the gates and frontal weigh ~1, at the gates 1/8, below a gate 0', async (t) => {
  const at = (q: Partial<FaceQualityMeasures>) => weighFrame({ label: 'f', embedding: person, quality: { ...GOOD_QUALITY, ...q } }, gates);
  t.equal(at({ faceSizePx: 160, sharpness: 40, yaw: 0, pitch: 0, roll: 0 }).weight, 1);
  t.equal(at({ faceSizePx: 80, sharpness: 20, yaw: 30, pitch: 0, roll: 0 }).weight, 0.125);
  t.equal(at({ faceSizePx: 120, sharpness: 400, yaw: 0, pitch: 0, roll: 0 }).weight, 0.75);
  t.match(at({ sharpness: 5 }), { weight: 0, excludedBy: 'quality-sharpness' });
  t.match(at({ yaw: -34 }), { weight: 0, excludedBy: 'quality-yaw' }, 'a head turned past the gate does not vote');
});

t.test('the enrolment template: one frame is that frame; several are the weighted mean direction at the weighted mean length', async (t) => {
  const one = enrolmentEmbedding([{ label: 'selfie', embedding: person, quality: GOOD_QUALITY }], gates);
  t.equal(one.embedding, person, 'one frame: its own embedding, unchanged');
  t.match(one.check, { name: 'enrolment-frames', score: 1, outcome: 'pass' });

  const a = Float32Array.from(offset(person, [1, 0.3]), (x) => x * 2); // a longer vector: only its direction counts
  const b = offset(person, [2, 0.3]);
  const blurred = offset(person, [3, 0.9]);
  const r = enrolmentEmbedding([
    { label: 'selfie', embedding: a, quality: { ...GOOD_QUALITY, faceSizePx: 160, sharpness: 40, yaw: 0, pitch: 0, roll: 0 } },
    { label: 'frame 0', embedding: b, quality: { ...GOOD_QUALITY, faceSizePx: 120, sharpness: 40, yaw: 0, pitch: 0, roll: 0 } },
    { label: 'frame 1', embedding: blurred, quality: { ...GOOD_QUALITY, sharpness: 3 } },
  ], gates);
  // By hand: weights 1 and 0.75; unit directions; length the weighted mean of |a| and |b|.
  const unit = (v: Float32Array) => v.map((x) => x / Math.hypot(...v));
  const mean = unit(Float32Array.from(unit(a), (x, i) => x + 0.75 * unit(b)[i]));
  const length = (Math.hypot(...a) + 0.75 * Math.hypot(...b)) / 1.75;
  t.ok(dist(r.embedding, mean.map((x) => x * length)) < 1e-5, 'the weighted mean, as computed by hand');
  t.match(r.check, { score: 2, reason: 'template: quality-weighted mean of 2 of 3 frame(s); selfie weight 1, frame 0 weight 0.75, frame 1 not used (quality-sharpness)' });
});

t.test('the weighted match lies between the frames and ignores a frame below a gate', async (t) => {
  const engine = new RecordedFaceAnalyzer([]);
  const frames = [
    { label: 'selfie', embedding: offset(person, [1, 0.4]), quality: { ...GOOD_QUALITY, yaw: 0, pitch: 0, roll: 0 } },
    { label: 'challenge frame 0', embedding: offset(person, [2, 0.5]), quality: { ...GOOD_QUALITY, faceSizePx: 80, sharpness: 40, yaw: 0, pitch: 0, roll: 0 } },
    { label: 'challenge frame 1', embedding: offset(person, [3, 2]), quality: { ...GOOD_QUALITY, sharpness: 1 } },
  ];
  const m = await weightedFaceMatch(engine, frames, person, THRESHOLD, gates);
  t.equal(m.distance, Math.round(((0.4 + 0.5 * 0.5) / 1.5) * 10000) / 10000, '(1·0.4 + 0.5·0.5) / 1.5');
  t.ok(m.match);
  t.equal(m.selfieDistance, 0.4);
  t.equal(m.check.score, 0.4333, 'the score is the larger of the two distances');
  t.match(m.check.reason, new RegExp(`^selfie distance 0\\.4 <= ${T} and quality-weighted distance 0\\.4333 <= ${T} over 2 of 3 frames: same person \\(both must be within the threshold\\); selfie 0\\.4 \\(weight 1\\), challenge frame 0 0\\.5 \\(weight 0\\.5\\), challenge frame 1 not used \\(quality-sharpness\\)$`));
});

t.test('frames can only deny: a selfie beyond the threshold does not match however heavy and close the frames are', async (t) => {
  const engine = new RecordedFaceAnalyzer([]);
  const faint = { ...GOOD_QUALITY, faceSizePx: 80, sharpness: 20, yaw: 30, pitch: 0, roll: 0 }; // weight 1/8
  const strong = { ...GOOD_QUALITY, faceSizePx: 160, sharpness: 40, yaw: 0, pitch: 0, roll: 0 }; // weight 1
  const frames = [
    { label: 'selfie', embedding: offset(person, [1, 0.55]), quality: faint },
    ...[2, 3, 4].map((k) => ({ label: `challenge frame ${k}`, embedding: offset(person, [k, 0.3]), quality: strong })),
  ];
  const m = await weightedFaceMatch(engine, frames, person, THRESHOLD, gates);
  t.ok(m.distance <= THRESHOLD, 'the weighted mean alone would have matched');
  t.equal(m.selfieDistance, 0.55);
  t.notOk(m.match, 'the selfie alone does not match');
  t.match(m.check, { outcome: 'fail', score: 0.55, reason: new RegExp(`^selfie distance 0\\.55 > ${T} and quality-weighted distance 0\\.3\\d* <= ${T} over 4 of 4 frames: not the enrolled person`) });
});

// Through the app: the challenge-only policy (a returning user's camera without depth) films the frames.
async function returningApp(t: Test) {
  const engine = new RecordedFaceAnalyzer([oneFace(person)]);
  const app = await startVerificationTestApp(t, { faceEngine: engine, config: { liveness: ONE_TURN_REMOTE_ACTIVE } });
  await enrolFromReferencePhoto(
    { repo: app.repository, audit: app.auditTrail, faceEngine: engine, quality: app.config.verification.quality, maxImageBytes: app.config.server.maxImageBytes },
    { tid: app.entra.tid, oid: app.entra.oid, upn: null, photo: faceJpeg('personA'), attestedBy: 'desk-officer-7' },
  );
  return { app, engine };
}

const selfieJpeg = faceJpeg('personA', { width: 320, height: 240, zoom: 1.4 });
let takes = 0;
// These tests are about combining frames for the face match, not about liveness: one turn-left step (the
// first 5 scripted frames reach it) and the lowest motion-parallax bounds the configuration accepts, so 5 or 6
// frames are a complete challenge.
const ONE_TURN = { steps: 1, kinds: ['turn-left'] };
const NO_PARALLAX_BOUND = { minParallax: MIN_PARALLAX_FLOOR.landmarks, minMotionDeg: 0, tracking: { minParallax: MIN_PARALLAX_FLOOR.tracking } };
const ONE_TURN_REMOTE_ACTIVE = { challenge: ONE_TURN, motion: NO_PARALLAX_BOUND };

async function verifyWithFrames(app: VerificationTestApp, engine: RecordedFaceAnalyzer, opened: OpenedSession, selfie: Float32Array, frames: Array<[Float32Array, Partial<FaceQualityMeasures>]>) {
  const { steps, nonce } = sessionChallenge(opened.session, app.config.liveness.challenge);
  const landmarks = challengeLandmarks(steps);
  engine.willAnswer(oneFace(selfie), ...frames.map(([e, q], i) => oneFace(e, q, { landmarks468: landmarks[i] })));
  const res = await fetch(`${app.baseUrl}${opened.captureUrl}`, {
    method: 'POST',
    body: JSON.stringify({ captures: [
      { kind: 'selfie', mediaType: 'image/jpeg', data: Buffer.concat([selfieJpeg, Buffer.from(`take ${(takes += 1)}`)]).toString('base64') },
      ...challengeItems(challengeFrames(steps), frames.length, nonce, Date.now() - 1200),
    ] }),
    headers: { accept: 'application/json', 'content-type': CAPTURE_ENVELOPE_MEDIA_TYPE, 'x-csrf-token': opened.session.csrfToken },
  });
  const audit = app.repository.lastAuditRecord()!;
  return { json: (await res.json()) as Record<string, unknown>, checks: audit.checks };
}

t.test('a returning user: one blurred frame far from the template does not sink the genuine person', async (t) => {
  const { app, engine } = await returningApp(t);
  const selfie = offset(person, [1, 0.3]);
  const good = [2, 3, 4, 5].map((k) => offset(person, [k, 0.3]));
  // Blurred (below quality.minSharpness) and 0.5 from the template: the selfie's person (0.4 from it), but
  // the old rule (every challenge frame within the threshold of the template) would have denied on it.
  const blurred = offset(selfie, [6, 0.4]);
  t.ok(dist(blurred, person) > THRESHOLD && dist(blurred, selfie) <= THRESHOLD, 'the case is as described');
  const r = await verifyWithFrames(app, engine, await app.openSession(), selfie, [...good.map((e) => [e, {}] as [Float32Array, {}]), [blurred, { sharpness: 5 }]]);
  t.match(r.json, { outcome: 'decided', decision: 'verified' });
  t.match(r.checks.find((c) => c.name === 'face-match'), {
    outcome: 'pass', score: 0.3, reason: new RegExp(`^selfie distance 0\\.3 <= ${T} and quality-weighted distance 0\\.3 <= ${T} over 5 of 6 frames: same person .*; selfie 0\\.3 .*challenge frame 4 not used \\(quality-sharpness\\)$`),
  });
  t.match(r.checks.find((c) => c.name === 'liveness-challenge-same-person'), { outcome: 'pass', reason: /^every challenge frame is the selfie's person/ });
});

t.test("an impostor whose selfie alone would pass is denied once the frames are combined; someone else's frame denies", async (t) => {
  const { app, engine } = await returningApp(t);
  const lucky = offset(person, [1, 0.45]);
  t.ok(dist(lucky, person) <= THRESHOLD, 'the selfie alone is within the threshold');
  const frames = [2, 3, 4, 5, 6].map((k) => offset(lucky, [k, 0.4])); // 0.6 from the template, 0.4 from the selfie
  const r = await verifyWithFrames(app, engine, await app.openSession(), lucky, frames.map((e) => [e, {}]));
  t.match(r.json, { outcome: 'decided', decision: 'denied' });
  const match = r.checks.find((c) => c.name === 'face-match')!;
  t.match(match, { outcome: 'fail', reason: new RegExp(`^selfie distance 0\\.45 <= ${T} and quality-weighted distance 0\\.5\\d+ > ${T} over 6 of 6 frames: not the enrolled person`) });
  t.ok(match.score! > THRESHOLD);
  t.match(r.checks.find((c) => c.name === 'liveness'), { outcome: 'pass' }, 'the impostor acted the challenge out: the face decides');

  // The owner's photo as the selfie, someone else acting the challenge: that frame never helps, it denies.
  const owner = offset(person, [1, 0.2]);
  const mixed = [2, 3, 4, 5].map((k) => [offset(person, [k, 0.2]), {}] as [Float32Array, {}]);
  const r2 = await verifyWithFrames(app, engine, await app.openSession(), owner, [...mixed, [basis[11], {}]]);
  t.match(r2.json, { decision: 'denied' });
  t.match(r2.checks.find((c) => c.name === 'liveness-challenge-same-person'), { outcome: 'fail', reason: /^challenge frame 4 is not the selfie's person/ });
  t.match(r2.checks.find((c) => c.name === 'face-match'), { reason: new RegExp(`^embedding distance 0\\.2 <= ${T}`) }, 'the frames were not combined');
});

t.test("a stranger's selfie with the owner's close, sharp challenge frames is denied: frames cannot carry a selfie", async (t) => {
  const { app, engine } = await returningApp(t);
  // The selfie 0.55 from the template (beyond it); each frame 0.32 from the template and 0.27 from the
  // selfie, so liveness counts them as the selfie's person. The weighted mean is about 0.36.
  const stranger = offset(person, [1, 0.55]);
  const frames = [2, 3, 4, 5, 6].map((k) => offset(person, [1, 0.3], [k, 0.1]));
  t.ok(dist(stranger, person) > THRESHOLD && frames.every((f) => dist(f, stranger) <= THRESHOLD && dist(f, person) < 0.33), 'the case is as described');
  const r = await verifyWithFrames(app, engine, await app.openSession(), stranger, frames.map((e) => [e, {}]));
  t.match(r.json, { outcome: 'decided', decision: 'denied' });
  t.match(r.checks.find((c) => c.name === 'liveness-challenge-same-person'), { outcome: 'pass' }, 'the frames passed as the selfie\'s person');
  const match = r.checks.find((c) => c.name === 'face-match')!;
  t.match(match, { outcome: 'fail', score: 0.55, reason: new RegExp(`^selfie distance 0\\.55 > ${T} and quality-weighted distance 0\\.3\\d+ <= ${T} over 6 of 6 frames: not the enrolled person`) });
});

t.test('a kiosk enrolment stores the quality-weighted mean of the selfie and the challenge frames', async (t) => {
  const CONFIG = { documents: { mrz: { acceptSpecimens: true } }, liveness: { challenge: ONE_TURN, motion: NO_PARALLAX_BOUND } };
  const documents = await DocumentsInspector.load(buildConfig(CONFIG).documents);
  const card = await renderIdCard(buildTd1(), 'personA');
  const engine = new RecordedFaceAnalyzer([oneFace(person)]);
  const app = await startVerificationTestApp(t, { faceEngine: engine, documents, config: CONFIG });
  const opened = await app.openSession({ id_token_hint: await app.entra.mintHint({ claims: HOLDER_CLAIMS }) });
  const { steps, nonce } = sessionChallenge(opened.session, app.config.liveness.challenge);
  const depth = depthEvidence('bona-fide', 1);
  const frontal = { yaw: 0, pitch: 0, roll: 0 };
  const frames: Array<[Float32Array, Partial<FaceQualityMeasures>]> = [
    [offset(person, [2, 0.3]), frontal],
    [offset(person, [3, 0.3]), { ...frontal, faceSizePx: 120 }],
    [offset(person, [4, 0.3]), frontal],
    [offset(person, [5, 0.45]), { ...frontal, sharpness: 4 }],
    [offset(person, [6, 0.3]), frontal],
  ];
  const landmarks = challengeLandmarks(steps);
  // Calls in order: the selfie (the depth face's landmarks), the document's portrait, then each challenge frame.
  engine.willAnswer(oneFace(person, frontal, { landmarks468: depth.landmarks }), oneFace(person), ...frames.map(([e, q], i) => oneFace(e, q, { landmarks468: landmarks[i] })));
  const now = Date.now();
  const res = await fetch(`${app.baseUrl}${opened.captureUrl}`, {
    method: 'POST',
    body: JSON.stringify(envelopeAsSent(app.repository, opened.session, [
      ...kioskCaptures(card, selfieOf('personA')).map((c) => ({ kind: c.kind, mediaType: c.mediaType, data: c.bytes.toString('base64') })),
      ...depthItems(depth, nonce, now - 100), ...challengeItems(challengeFrames(steps), frames.length, nonce, now - 1500),
    ])),
    headers: { accept: 'application/json', 'content-type': CAPTURE_ENVELOPE_MEDIA_TYPE, 'x-csrf-token': opened.session.csrfToken },
  });
  t.match(await res.json(), { outcome: 'decided', decision: 'verified' });
  const profile = app.repository.getProfile(app.entra.tid, app.entra.oid)!;
  const template = enrolledEmbedding(profile);
  // By hand: unit directions weighted 1, 1, 0.75, 1, 1 (the blurred frame left out), at their weighted mean length.
  const used: Array<[Float32Array, number]> = [[person, 1], [frames[0][0], 1], [frames[1][0], 0.75], [frames[2][0], 1], [frames[4][0], 1]];
  const sum = new Float64Array(person.length);
  for (const [e, w] of used) for (let i = 0; i < sum.length; i++) sum[i] += (w * e[i]) / Math.hypot(...e);
  const length = used.reduce((s, [e, w]) => s + w * Math.hypot(...e), 0) / 4.75;
  const expected = Float32Array.from(sum, (x) => (x / Math.hypot(...sum)) * length);
  t.ok(dist(template, expected) < 1e-5, 'the stored template is the weighted mean of the good frames');
  t.ok(dist(template, person) > 0.01, 'not the selfie alone');
  t.match(app.repository.lastAuditRecord()!.checks.find((c) => c.name === 'enrolment-frames'), {
    outcome: 'pass', score: 5, reason: /^template: quality-weighted mean of 5 of 6 frame\(s\); selfie weight 1, challenge frame 0 weight 1, challenge frame 1 weight 0\.75, .*challenge frame 3 not used \(quality-sharpness\)/,
  });
});

// A profile of an earlier embedder ('dlib-resnet-v1', the recorded analyzer's id) while the appliance runs
// 'embedder-b': the decision runs with the earlier one and re-enrols only when the selfie itself matched.
class SwitchedAnalyzer extends RecordedFaceAnalyzer {
  constructor(readonly earlier: RecordedFaceAnalyzer) {
    super([oneFace(basis[10])], 'embedder-b');
  }

  async previousEmbedder(modelId: string) {
    return modelId === this.earlier.modelId ? { analyzer: this.earlier, threshold: THRESHOLD } : null;
  }
}

t.test("under an earlier embedder, a stranger's selfie is not carried by the owner's frames, and is not re-enrolled", async (t) => {
  const earlier = new RecordedFaceAnalyzer([oneFace(person)]);
  const current = new SwitchedAnalyzer(earlier);
  const app = await startVerificationTestApp(t, { faceEngine: current, config: { liveness: ONE_TURN_REMOTE_ACTIVE } });
  await enrolFromReferencePhoto(
    { repo: app.repository, audit: app.auditTrail, faceEngine: earlier, quality: app.config.verification.quality, maxImageBytes: app.config.server.maxImageBytes },
    { tid: app.entra.tid, oid: app.entra.oid, upn: null, photo: faceJpeg('personA'), attestedBy: 'desk-officer-7' },
  );
  const stranger = offset(person, [1, 0.55]);
  const frames = [2, 3, 4, 5, 6].map((k) => offset(person, [1, 0.3], [k, 0.1]));
  const r = await verifyWithFrames(app, earlier, await app.openSession(), stranger, frames.map((e) => [e, {}]));
  t.match(r.json, { outcome: 'decided', decision: 'denied' });
  t.match(r.checks.find((c) => c.name === 'face-match'), { outcome: 'fail', reason: /^selfie distance 0\.55 > / });
  t.equal(r.checks.find((c) => c.name === 'face-re-enrolment'), undefined);
  t.equal(app.repository.getProfile(app.entra.tid, app.entra.oid)!.modelId, 'dlib-resnet-v1', 'the profile keeps the earlier template');

  // The owner: verified under the earlier embedder, re-enrolled with the current one's template of the selfie.
  const owner = offset(person, [1, 0.3]);
  const ownFrames = [2, 3, 4, 5, 6].map((k) => offset(person, [k, 0.3]));
  const r2 = await verifyWithFrames(app, earlier, await app.openSession(), owner, ownFrames.map((e) => [e, {}]));
  t.match(r2.json, { outcome: 'decided', decision: 'verified' });
  t.match(r2.checks.find((c) => c.name === 'face-re-enrolment'), {
    outcome: 'pass', score: 0.3, threshold: THRESHOLD,
    reason: `verified with the template of "dlib-resnet-v1" (threshold ${THRESHOLD}, the selfie alone at 0.3); the profile now holds a template of "embedder-b" from this selfie`,
  });
  t.equal(app.repository.getProfile(app.entra.tid, app.entra.oid)!.modelId, 'embedder-b', 're-enrolled');
});
