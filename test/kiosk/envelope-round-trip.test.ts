// The station end to end against a running appliance: the agent's key made by its own `init` in a real
// SoftHSM token and registered from the PEM it printed; the page's steps through the agent's loopback API
// (the document on SANE's real `test` backend, the chip-reader double, the simulated RGB-D camera); the
// envelope the agent signs posted to the appliance's capture endpoint and judged there. A tampered
// envelope gets 403 ERR_STATION_UNTRUSTED; a station whose clock is off signs nothing.
import t, { type Test } from 'tap';
import { randomBytes } from 'node:crypto';
import { enrolFromReferencePhoto } from '../../src/verification/flow/enrol-from-reference-photo.js';
import { CAPTURE_ENVELOPE_MEDIA_TYPE, type Capture } from '../../src/verification/capture/capture.js';
import { sessionChallenge } from '../../src/verification/capture/session-challenge.js';
import { STATION_UNTRUSTED_MESSAGE } from '../../src/verification/station/station-untrusted.js';
import { readStationPublicKey } from '../../src/verification/station/station-key.js';
import { verifyStationEnvelope } from '../../src/verification/station/verify-station-envelope.js';
import { RecordedFaceAnalyzer, embedding, oneFace } from '../helpers/recorded-face-analyzer.js';
import { startVerificationTestApp, type OpenedSession, type VerificationTestApp } from '../helpers/verification-test-app.js';
import { faceJpeg } from '../helpers/face-photos.js';
import { API_TEST_MOTION, challengeLandmarks } from '../helpers/liveness-evidence.js';
import { startKioskFixture, type KioskFixture } from '../helpers/kiosk/kiosk-fixture.js';

const enrolled = embedding(1);

interface Harness { app: VerificationTestApp; engine: RecordedFaceAnalyzer; kiosk: KioskFixture; stationId: string }

async function harness(t: Test, opts: { stationNow?: () => number } = {}): Promise<Harness> {
  const engine = new RecordedFaceAnalyzer([oneFace(enrolled)]);
  const app = await startVerificationTestApp(t, { faceEngine: engine, config: { liveness: { motion: API_TEST_MOTION } } });
  await enrolFromReferencePhoto(
    { repo: app.repository, audit: app.auditTrail, faceEngine: engine, quality: app.config.verification.quality, maxImageBytes: app.config.server.maxImageBytes },
    { tid: app.entra.tid, oid: app.entra.oid, upn: 'ada@contoso.example', photo: faceJpeg('personA'), attestedBy: 'desk-officer-7' },
  );
  const origin = new URL(app.baseUrl).origin;
  const kiosk = await startKioskFixture(t, { applianceUrl: app.baseUrl, allowedOrigin: origin }, opts.stationNow ? { now: opts.stationNow } : {});
  // `proofgate station add` does this with the PEM `proofgate-kiosk init` printed (test/cli/station.test.ts).
  const key = readStationPublicKey(kiosk.publicKeyPem);
  t.equal(key.algorithm, 'ES256', 'the agent\'s key is registered as ES256');
  const station = app.repository.addStation({ stationId: 'a1'.repeat(16), name: 'Reception kiosk 1', publicKey: key.publicKey, algorithm: key.algorithm, keySha256: key.keySha256, createdAt: Date.now() });
  kiosk.config.stationId = station.stationId; // kiosk.json's stationId, set after `station add`
  return { app, engine, kiosk, stationId: station.stationId };
}

async function postEnvelope(h: Harness, opened: OpenedSession, envelope: unknown) {
  const res = await fetch(`${h.app.baseUrl}${opened.captureUrl}`, {
    method: 'POST', body: JSON.stringify(envelope),
    headers: { accept: 'application/json', 'content-type': CAPTURE_ENVELOPE_MEDIA_TYPE, 'x-csrf-token': opened.session.csrfToken },
  });
  return { status: res.status, json: (await res.json()) as Record<string, any> };
}

function prepareSubject(h: Harness, opened: OpenedSession): string {
  const { steps, nonce } = sessionChallenge(opened.session, h.app.config.liveness.challenge);
  h.kiosk.camera.perform(steps);
  h.engine.willAnswer(oneFace(enrolled, {}, { landmarks468: h.kiosk.camera.evidence.landmarks }), ...challengeLandmarks(steps).map((l) => oneFace(enrolled, {}, { landmarks468: l })));
  return nonce;
}

t.test('selfie → envelope signed in SoftHSM → the appliance verifies the person and attributes the evidence to the station', async (t) => {
  const h = await harness(t);
  const opened = await h.app.openSession();
  const nonce = prepareSubject(h, opened);
  const ids = { sessionId: opened.session.sessionId, nonce };
  const selfie = await h.kiosk.call('/selfie', ids);
  t.same(selfie, { status: 200, json: { frames: 16 }, headers: selfie.headers }, 'selfie, depth and 14 challenge frames held');
  const envelope = await h.kiosk.call('/envelope', ids);
  t.equal(envelope.status, 200);
  t.same(envelope.json.captures.map((c: { kind: string }) => c.kind), ['selfie', 'depth', ...Array(14).fill('challenge-frame')]);
  t.match(envelope.json.station, { id: h.stationId, operator: null, signature: /^[A-Za-z0-9_-]{86}$/ });
  t.equal(h.kiosk.agent.held.size, 0, 'the session\'s captures are wiped once the envelope is signed');

  const res = await postEnvelope(h, opened, envelope.json);
  t.equal(res.status, 200);
  t.match(res.json, { outcome: 'decided', decision: 'verified' });
  t.same(h.app.repository.lastAuditRecord()!.checks.find((c) => c.name === 'station-attestation'), {
    name: 'station-attestation', score: null, threshold: null, outcome: 'pass',
    reason: `evidence signed by station ${h.stationId} ("Reception kiosk 1"); operator: none signed in`,
  });
});

t.test('operator attestation: the operator signed in at the station is signed into the envelope and named in the audit; unknown, revoked or wrong-role operators are refused 403', async (t) => {
  const h = await harness(t);
  const staff = (name: string, role: 'helpdesk' | 'kiosk-operator' | 'admin') => {
    const staffId = randomBytes(16).toString('hex');
    h.app.repository.staff.addStaff({ staffId, name, role, createdAt: Date.now() });
    return staffId;
  };
  const officer = staff('Desk Officer 7', 'kiosk-operator');
  t.match(await h.kiosk.call('/operator', { operator: 'Desk Officer 7' }), { status: 400, json: { error: 'bad-request', message: /operator must be a staff id/ } });
  t.match(await h.kiosk.call('/operator', { operator: officer }), { status: 200, json: { operator: officer } });
  t.match(await h.kiosk.call('/status'), { status: 200, json: { operator: officer } });

  const signedFor = async () => {
    const opened = await h.app.openSession();
    const nonce = prepareSubject(h, opened);
    const ids = { sessionId: opened.session.sessionId, nonce };
    t.equal((await h.kiosk.call('/selfie', ids)).status, 200);
    const envelope = (await h.kiosk.call('/envelope', ids)).json;
    return { opened, envelope };
  };
  const first = await signedFor();
  t.equal(first.envelope.station.operator, officer, 'the agent signs the operator into the envelope');
  const res = await postEnvelope(h, first.opened, first.envelope);
  t.match(res, { status: 200, json: { outcome: 'decided', decision: 'verified' } });
  t.same(h.app.repository.lastAuditRecord()!.checks.find((c) => c.name === 'station-attestation')?.reason,
    `evidence signed by station ${h.stationId} ("Reception kiosk 1"); operator: staff ${officer} "Desk Officer 7" (kiosk-operator)`);

  const revoked = staff('Former Officer', 'kiosk-operator');
  for (const [label, operator] of [
    ['unknown', randomBytes(16).toString('hex')], ['revoked', revoked], ['help desk role', staff('Help Desk 3', 'helpdesk')],
  ] as const) {
    if (operator === revoked) h.app.repository.staff.revokeStaff(revoked, Date.now());
    t.equal((await h.kiosk.call('/operator', { operator })).status, 200, `${label}: the agent takes any staff id (the appliance judges it)`);
    const { opened, envelope } = await signedFor();
    const before = h.app.repository.lastAuditRecord()!.seq;
    const refused = await postEnvelope(h, opened, envelope);
    t.equal(refused.status, 403, `${label}: 403`);
    t.match(refused.json, { error: 'ERR_STATION_UNTRUSTED', error_description: STATION_UNTRUSTED_MESSAGE }, `${label}: the same answer as any untrusted station`);
    t.equal(h.app.repository.lastAuditRecord()!.seq, before, `${label}: no audit record`);
    t.equal(h.app.repository.listEvidence(opened.session.sessionId).length, 0, `${label}: nothing stored`);
  }
  t.match(await h.kiosk.call('/operator', { operator: null }), { status: 200, json: { operator: null } });
  t.equal((await signedFor()).envelope.station.operator, null, 'after sign-out nobody is named');
});

t.test('an envelope changed after signing is refused with 403 ERR_STATION_UNTRUSTED and changes nothing', async (t) => {
  const h = await harness(t);
  const opened = await h.app.openSession();
  const nonce = prepareSubject(h, opened);
  const ids = { sessionId: opened.session.sessionId, nonce };
  t.equal((await h.kiosk.call('/selfie', ids)).status, 200);
  const envelope = (await h.kiosk.call('/envelope', ids)).json;
  const depth = Buffer.from(envelope.captures[1].data, 'base64');
  depth[depth.length - 20] ^= 1;
  envelope.captures[1].data = depth.toString('base64');
  const before = h.app.repository.lastAuditRecord();
  const res = await postEnvelope(h, opened, envelope);
  t.equal(res.status, 403);
  t.match(res.json, { error: 'ERR_STATION_UNTRUSTED', error_description: STATION_UNTRUSTED_MESSAGE });
  t.same(h.app.repository.lastAuditRecord(), before, 'no audit record');
  t.equal(h.app.repository.listEvidence(opened.session.sessionId).length, 0, 'nothing stored');
  t.equal(h.app.repository.getSession(opened.session.sessionId)?.status, 'open', 'the session stays open');
});

t.test('scan (SANE test backend) → chip → selfie → one envelope whose signature the appliance\'s check accepts', async (t) => {
  const h = await harness(t);
  const opened = await h.app.openSession();
  const nonce = prepareSubject(h, opened);
  const ids = { sessionId: opened.session.sessionId, nonce };
  const scan = await h.kiosk.call('/scan', ids);
  t.same(scan.json, { lights: ['white'], pages: 1 }, 'the test backend offers white light only');
  const chip = await h.kiosk.call('/chip', { ...ids, accessKey: h.kiosk.chip.acceptedKey });
  t.same(chip.json, { protocol: 'BAC', readMs: 1200 });
  t.equal((await h.kiosk.call('/selfie', ids)).status, 200);
  const envelope = (await h.kiosk.call('/envelope', ids)).json;
  t.same(envelope.captures.map((c: { kind: string }) => c.kind), ['selfie', 'depth', ...Array(14).fill('challenge-frame'), 'document-front', 'document-chip']);
  const front = Buffer.from(envelope.captures[16].data, 'base64');
  t.equal(front.subarray(1, 4).toString(), 'PNG', 'the scan is a PNG');
  const chipContainer = JSON.parse(Buffer.from(envelope.captures[17].data, 'base64').toString('utf8'));
  t.same(Object.keys(chipContainer.dataGroups), ['1', '2']);
  // The appliance's own station check (a returning user's capture route refuses document kinds, so the
  // check is called as the first-time route calls it): signature, key, skew and replay guard, for real.
  const captures = envelope.captures.map((c: any): Capture => ({ kind: c.kind, mediaType: c.mediaType, bytes: Buffer.from(c.data, 'base64'), meta: c.meta ?? null }));
  const deps = { repo: h.app.repository, now: Date.now, maxClockSkewMs: 60_000 };
  t.same(verifyStationEnvelope(deps, opened.session, captures, envelope.station), { stationId: h.stationId, stationName: 'Reception kiosk 1', operator: null });
  t.throws(() => verifyStationEnvelope(deps, opened.session, captures, envelope.station), { code: 'ERR_STATION_UNTRUSTED' }, 'and only once');
});

t.test('a station whose clock is 2 minutes ahead signs nothing: a clear error and the session is wiped', async (t) => {
  const h = await harness(t, { stationNow: () => Date.now() + 120_000 });
  const opened = await h.app.openSession();
  const nonce = prepareSubject(h, opened);
  const ids = { sessionId: opened.session.sessionId, nonce };
  t.equal((await h.kiosk.call('/selfie', ids)).status, 200);
  const res = await h.kiosk.call('/envelope', ids);
  t.equal(res.status, 503);
  t.match(res.json, { error: 'clock-skew', reset: true, message: /^the station's clock is 1[12]\d s ahead of the appliance's \(at most 30 s\): set up NTP on the station$/ });
  t.equal(h.kiosk.agent.held.size, 0, 'nothing held');
  t.equal((await h.kiosk.call('/envelope', ids)).json.error, 'nothing-captured', 'nothing left to sign');
});
