// Trusted stations through the app (real SQLite, the real audit trail, the real station check): depth, IR,
// document and chip evidence is believed only when an active station signed it for this session, now,
// once. Every other envelope that carries such evidence, or any station object that does not verify, is
// refused with 403 ERR_STATION_UNTRUSTED and the same answer whatever the reason, before anything is
// judged or stored: no analysis, no evidence, no audit record, no attempt used, the session still open;
// the security log names the station the envelope claimed. Signed envelopes, a kiosk's and a browser-style
// one, are accepted and their decision's audit record names the station and the operator.
import t, { type Test } from 'tap';
import Database from 'better-sqlite3';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { enrolFromReferencePhoto } from '../../src/verification/flow/enrol-from-reference-photo.js';
import { CAPTURE_ENVELOPE_MEDIA_TYPE } from '../../src/verification/capture/capture.js';
import { sessionChallenge } from '../../src/verification/capture/session-challenge.js';
import { STATION_UNTRUSTED_MESSAGE } from '../../src/verification/station/station-untrusted.js';
import { RecordedFaceAnalyzer, embedding, noFace, oneFace } from '../helpers/recorded-face-analyzer.js';
import { startVerificationTestApp, type OpenedSession, type VerificationTestApp } from '../helpers/verification-test-app.js';
import { faceJpeg } from '../helpers/face-photos.js';
import { API_TEST_MOTION, challengeFrames, challengeItems, challengeLandmarks, depthEvidence, depthItems } from '../helpers/liveness-evidence.js';
import { recordLog, type LogRecorder } from '../helpers/log-recorder.js';
import { registerTestStation, signPayload, signedEnvelope, stationKeyPair, type EnvelopeItem, type TestStation } from '../helpers/test-station.js';
import { stationSignedPayload } from '../../src/verification/station/signed-payload.js';

const selfie = faceJpeg('personA', { width: 640, height: 480, zoom: 1.4 });
const enrolled = embedding(1);
const bonaFide = depthEvidence('bona-fide', 1);
const FRAMES = 14; // what challengeLandmarks films for a two-step challenge
const UNTRUSTED = { error: 'ERR_STATION_UNTRUSTED', error_description: STATION_UNTRUSTED_MESSAGE };

interface Harness {
  app: VerificationTestApp;
  engine: RecordedFaceAnalyzer;
  recorder: LogRecorder;
  kiosk: TestStation;
  /** An active kiosk-operator (the staff id a station signs as its operator). */
  operator: string;
}

/** Adds a staff member straight to the store (the staff CLI's and console's rules are tested with them). */
function addStaff(h: Pick<Harness, 'app'>, name: string, role: 'helpdesk' | 'kiosk-operator' | 'admin'): string {
  const staffId = randomBytes(16).toString('hex');
  h.app.repository.staff.addStaff({ staffId, name, role, createdAt: Date.now() });
  return staffId;
}

async function harness(t: Test, liveness: Record<string, unknown> = {}): Promise<Harness> {
  const engine = new RecordedFaceAnalyzer([oneFace(enrolled)]);
  const recorder = recordLog();
  // The station's signature is under test, not the texture measure's calibration (API_TEST_MOTION).
  const app = await startVerificationTestApp(t, { faceEngine: engine, config: { liveness: { motion: API_TEST_MOTION, ...liveness } }, log: recorder.log });
  await enrolFromReferencePhoto(
    { repo: app.repository, audit: app.auditTrail, faceEngine: engine, quality: app.config.verification.quality, maxImageBytes: app.config.server.maxImageBytes },
    { tid: app.entra.tid, oid: app.entra.oid, upn: 'ada@contoso.example', photo: faceJpeg('personA'), attestedBy: 'desk-officer-7' },
  );
  const operator = addStaff({ app }, 'Desk Officer 7', 'kiosk-operator');
  return { app, engine, recorder, operator, kiosk: registerTestStation(app.repository, { name: 'Reception kiosk 1' }) };
}

const selfieItem = (bytes = selfie): EnvelopeItem => ({ kind: 'selfie', mediaType: 'image/jpeg', data: bytes.toString('base64') });

/** A kiosk's captures for the session: the selfie, the depth frame and the challenge frames, all stamped with its nonce. */
function kioskItems(h: Harness, opened: OpenedSession): EnvelopeItem[] {
  const { steps, nonce } = sessionChallenge(opened.session, h.app.config.liveness.challenge);
  const now = Date.now();
  return [selfieItem(), ...depthItems(bonaFide, nonce, now - 100), ...challengeItems(challengeFrames(steps), FRAMES, nonce, now - 1500)] as EnvelopeItem[];
}

/** The analyzer's answers for a judged kiosk envelope: the selfie (the depth face's landmarks), then each frame. */
function judgedAnswers(h: Harness, opened: OpenedSession) {
  const { steps } = sessionChallenge(opened.session, h.app.config.liveness.challenge);
  return [oneFace(enrolled, {}, { landmarks468: bonaFide.landmarks }), ...challengeLandmarks(steps).map((l) => oneFace(enrolled, {}, { landmarks468: l }))];
}

async function post(h: Harness, opened: OpenedSession, body: unknown) {
  const res = await fetch(`${h.app.baseUrl}${opened.captureUrl}`, {
    method: 'POST', body: JSON.stringify(body),
    headers: { accept: 'application/json', 'content-type': CAPTURE_ENVELOPE_MEDIA_TYPE, 'x-csrf-token': opened.session.csrfToken },
  });
  return { status: res.status, json: (await res.json()) as Record<string, any> };
}

function attemptsOf(h: Harness, opened: OpenedSession): number {
  const db = new Database(h.app.databaseFile, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT capture_attempts AS n FROM verification_sessions WHERE session_id = ?').get(opened.session.sessionId) as { n: number }).n;
  } finally {
    db.close();
  }
}

/** Posts `body` and holds the app to a station refusal that changed nothing; the security line names `claimed`. */
async function refused(t: Test, h: Harness, opened: OpenedSession, body: unknown, label: string, claimed: string | null, reason: RegExp) {
  const before = {
    audit: h.app.repository.lastAuditRecord()!.seq, attempts: attemptsOf(h, opened), calls: h.engine.calls,
    lines: h.recorder.lines('verification.station_untrusted').length,
  };
  const res = await post(h, opened, body);
  t.equal(res.status, 403, `${label}: HTTP 403`);
  // The same answer whatever the reason; every refusal also carries the session's short reference.
  t.same(res.json, { ...UNTRUSTED, reference: res.json.reference }, `${label}: ERR_STATION_UNTRUSTED, the same answer whatever the reason`);
  t.equal(h.engine.calls, before.calls, `${label}: nothing judged`);
  t.equal(h.app.repository.listEvidence(opened.session.sessionId).length, 0, `${label}: no evidence stored`);
  t.equal(h.app.repository.lastAuditRecord()!.seq, before.audit, `${label}: no audit record`);
  t.equal(attemptsOf(h, opened), before.attempts, `${label}: no attempt used`);
  t.equal(h.app.repository.getSession(opened.session.sessionId)?.status, 'open', `${label}: the session stays open`);
  const lines = h.recorder.lines('verification.station_untrusted');
  t.equal(lines.length, before.lines + 1, `${label}: one security event`);
  t.match(lines.at(-1), { level: 'warn', security: true, claimedStationId: claimed, sessionId: opened.session.sessionId, reason }, `${label}: logged with the claimed station`);
  t.match(h.recorder.lines('verification.capture_refused').at(-1), { code: 'ERR_STATION_UNTRUSTED', status: 403, reason }, `${label}: counted as a refused capture`);
}

t.test('a station-signed kiosk envelope is judged; the audit record names the station and the operator', async (t) => {
  const h = await harness(t);
  const opened = await h.app.openSession();
  h.engine.willAnswer(...judgedAnswers(h, opened));
  const res = await post(h, opened, signedEnvelope(h.kiosk, opened.session, kioskItems(h, opened), { operator: h.operator }));
  t.equal(res.status, 200);
  t.match(res.json, { outcome: 'decided', decision: 'verified' });
  const record = h.app.repository.lastAuditRecord()!;
  t.match(record, { sessionId: opened.session.sessionId, decision: 'verified' });
  t.same(record.checks.find((c) => c.name === 'station-attestation'), {
    name: 'station-attestation', score: null, threshold: null, outcome: 'pass',
    reason: `evidence signed by station ${h.kiosk.station.stationId} ("Reception kiosk 1"); operator: staff ${h.operator} "Desk Officer 7" (kiosk-operator)`,
  });
  t.match(h.recorder.lines('verification.decision'), [{ outcome: 'verified', stationId: h.kiosk.station.stationId }]);
  t.same(h.recorder.lines('verification.station_untrusted'), [], 'no security event');
});

t.test('an RSA station works the same; no operator signed in is recorded as such', async (t) => {
  const h = await harness(t);
  const rsa = registerTestStation(h.app.repository, { name: 'Enrolment desk', algorithm: 'RS256' });
  const opened = await h.app.openSession();
  h.engine.willAnswer(...judgedAnswers(h, opened));
  const res = await post(h, opened, signedEnvelope(rsa, opened.session, kioskItems(h, opened)));
  t.match(res.json, { outcome: 'decided', decision: 'verified' });
  t.match(h.app.repository.lastAuditRecord()!.checks.find((c) => c.name === 'station-attestation'), {
    reason: `evidence signed by station ${rsa.station.stationId} ("Enrolment desk"); operator: none signed in`,
  });
});

t.test('a signed browser-style envelope (selfie and challenge frames) is accepted and attributed; an unsigned one names no station', async (t) => {
  const h = await harness(t);
  for (const signed of [true, false]) {
    const opened = await h.app.openSession();
    const challenge = sessionChallenge(opened.session, h.app.config.liveness.challenge);
    h.engine.willAnswer(oneFace(enrolled), ...challengeLandmarks(challenge.steps).map((l) => oneFace(enrolled, {}, { landmarks468: l })));
    const items = [selfieItem(Buffer.concat([selfie, Buffer.from(`take ${signed}`)])), ...challengeItems(challengeFrames(challenge.steps), FRAMES, challenge.nonce, Date.now() - 1200)] as EnvelopeItem[];
    const res = await post(h, opened, signed ? signedEnvelope(h.kiosk, opened.session, items, { operator: h.operator }) : { captures: items });
    t.match(res.json, { outcome: 'decided', decision: 'verified' }, signed ? 'signed: verified' : 'unsigned: verified');
    const attestation = h.app.repository.lastAuditRecord()!.checks.find((c) => c.name === 'station-attestation');
    if (signed) t.match(attestation, { reason: new RegExp(`^evidence signed by station ${h.kiosk.station.stationId}`) });
    else t.equal(attestation, undefined, 'an unsigned browser capture names no station');
  }
});

t.test('unsigned, unknown, revoked, stale, malformed, mismatching: 403 ERR_STATION_UNTRUSTED, nothing judged or stored', async (t) => {
  const h = await harness(t);
  const opened = await h.app.openSession();
  const other = await h.app.openSession();
  const items = kioskItems(h, opened);
  const id = h.kiosk.station.stationId;
  const now = Date.now();

  await refused(t, h, opened, { captures: items }, 'unsigned depth', null, /carries depth evidence without a station signature/);
  const docOnly = [selfieItem(), { kind: 'document-front', mediaType: 'image/jpeg', data: faceJpeg('personB').toString('base64') }];
  await refused(t, h, opened, { captures: docOnly }, 'unsigned document', null, /carries document-front evidence without a station signature/);
  const chip = [selfieItem(), { kind: 'document-chip', mediaType: 'application/octet-stream', data: Buffer.from('chip').toString('base64') }];
  await refused(t, h, opened, { captures: chip }, 'unsigned chip', null, /carries document-chip evidence/);
  const ir = [...items, { kind: 'ir', mediaType: 'image/png', data: bonaFide.irPng.toString('base64') }] as EnvelopeItem[];
  await refused(t, h, opened, { captures: ir }, 'unsigned depth and IR', null, /carries depth, ir evidence/);

  // A key nobody registered, under an id nobody registered, and under the registered station's id.
  const stranger: TestStation = { ...h.kiosk, privateKey: stationKeyPair().privateKey, station: { ...h.kiosk.station, stationId: randomBytes(16).toString('hex') } };
  await refused(t, h, opened, signedEnvelope(stranger, opened.session, items), 'unknown station', stranger.station.stationId, /no station with this id is registered/);
  const impostor = { ...stranger, station: h.kiosk.station };
  await refused(t, h, opened, signedEnvelope(impostor, opened.session, items), 'another key under the station\'s id', id, /ES256 signature does not verify/);
  // A station whose key is RSA signing for the P-256 station (the wrong algorithm for the key on record).
  const rsaKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  await refused(t, h, opened, signedEnvelope({ ...h.kiosk, privateKey: rsaKey }, opened.session, items), 'an RSA signature for a P-256 station', id, /ES256 signature does not verify/);

  // Stale and future, just past the ±60 s window.
  await refused(t, h, opened, signedEnvelope(h.kiosk, opened.session, items, { issuedAt: now - 61_000 }), 'stale', id, /issuedAt is 6\d s before the appliance's clock \(at most 60 s either way\)/);
  await refused(t, h, opened, signedEnvelope(h.kiosk, opened.session, items, { issuedAt: now + 65_000 }), 'future', id, /issuedAt is 6\d s after the appliance's clock/);

  // Tampered after signing: a capture's bytes, a capture's meta, the operator, the order of the captures.
  const signed = signedEnvelope(h.kiosk, opened.session, items, { operator: h.operator });
  const swapped = { ...signed, captures: [selfieItem(faceJpeg('personB', { width: 640, height: 480, zoom: 1.4 })), ...signed.captures.slice(1)] };
  await refused(t, h, opened, swapped, 'tampered selfie bytes', id, /signature does not verify/);
  const depthAt = signed.captures.findIndex((c) => c.kind === 'depth');
  const metaTampered = { ...signed, captures: signed.captures.map((c, i) => (i === depthAt ? { ...c, meta: { ...c.meta, depthUnitMm: 0.5 } } : c)) };
  await refused(t, h, opened, metaTampered, 'tampered depth meta', id, /signature does not verify/);
  await refused(t, h, opened, { ...signed, station: { ...signed.station, operator: addStaff(h, 'Someone Else', 'kiosk-operator') } }, 'tampered operator', id, /signature does not verify/);
  await refused(t, h, opened, { ...signed, captures: [...signed.captures].reverse() }, 'reordered captures', id, /signature does not verify/);
  await refused(t, h, opened, { ...signed, captures: signed.captures.slice(0, -1) }, 'a capture left out', id, /signature does not verify/);

  // Signed for another session (its id and nonce), posted to this one.
  const otherNonce = String(other.session.challenge.nonce);
  await refused(t, h, opened, signedEnvelope(h.kiosk, opened.session, items, { signedSessionId: other.session.sessionId, signedNonce: otherNonce }),
    'another session\'s signature', id, /signature does not verify/);
  await refused(t, h, opened, signedEnvelope(h.kiosk, opened.session, items, { signedSessionId: other.session.sessionId }), 'another session id', id, /signature does not verify/);

  // Malformed station objects and signatures.
  const malformed: Array<[string, unknown, string | null, RegExp]> = [
    ['station is a string', 'kiosk', null, /envelope\.station is not an object/],
    ['station is null', null, null, /envelope\.station is not an object/],
    ['no id', { issuedAt: now, signature: signed.station.signature }, null, /station\.id is not a station id/],
    ['uppercase id', { ...signed.station, id: id.toUpperCase() }, null, /station\.id is not a station id/],
    ['issuedAt as text', { ...signed.station, issuedAt: String(now) }, id, /issuedAt is not a time/],
    ['an unknown field', { ...signed.station, kid: 'x' }, id, /unknown field "kid"/],
    ['operator with a line break', { ...signed.station, operator: 'a\nb' }, id, /operator is not null or a staff id/],
    ['operator as a name', { ...signed.station, operator: 'Desk Officer 7' }, id, /operator is not null or a staff id/],
    ['signature not base64url', { ...signed.station, signature: 'not base64!' }, id, /signature is not base64url/],
    ['signature in standard base64', { ...signed.station, signature: Buffer.from(signed.station.signature, 'base64url').toString('base64') }, id, /signature is not base64url/],
    ['signature too long', { ...signed.station, signature: 'A'.repeat(700) }, id, /signature is not base64url/],
    ['signature cut short', { ...signed.station, signature: signed.station.signature.slice(0, -2) }, id, /signature does not verify/],
    ['signature in DER', { ...signed.station, signature: derOf(signed.station.signature) }, id, /signature does not verify/],
    ['empty signature', { ...signed.station, signature: '' }, id, /signature is not base64url/],
  ];
  for (const [label, station, claimed, reason] of malformed) await refused(t, h, opened, { captures: items, station }, label, claimed, reason);

  // Revoked: the same station's fresh, valid signature is refused once it is revoked.
  t.ok(h.app.repository.revokeStation(id, Date.now()));
  await refused(t, h, opened, signedEnvelope(h.kiosk, opened.session, items), 'revoked', id, /the station was revoked at /);
});

t.test('an operator who is unknown, revoked or not a kiosk operator refuses the signed envelope before anything is judged', async (t) => {
  const h = await harness(t);
  const opened = await h.app.openSession();
  const items = kioskItems(h, opened);
  const id = h.kiosk.station.stationId;
  const revoked = addStaff(h, 'Former Officer', 'kiosk-operator');
  t.ok(h.app.repository.staff.revokeStaff(revoked, Date.now()));
  const helpdesk = addStaff(h, 'Help Desk 3', 'helpdesk');
  const unknown = randomBytes(16).toString('hex');
  await refused(t, h, opened, signedEnvelope(h.kiosk, opened.session, items, { operator: unknown }), 'unknown operator', id, /operator [0-9a-f]{32} is not an active staff member/);
  await refused(t, h, opened, signedEnvelope(h.kiosk, opened.session, items, { operator: revoked }), 'revoked operator', id, /operator [0-9a-f]{32} is not an active staff member/);
  await refused(t, h, opened, signedEnvelope(h.kiosk, opened.session, items, { operator: helpdesk }), 'help desk operator', id, /has role helpdesk, not kiosk-operator or admin/);
  // The session stays usable: the same station and captures, signed for an allowed operator (an admin), are judged.
  const admin = addStaff(h, 'Station Admin', 'admin');
  h.engine.willAnswer(...judgedAnswers(h, opened));
  const res = await post(h, opened, signedEnvelope(h.kiosk, opened.session, items, { operator: admin }));
  t.match(res.json, { outcome: 'decided', decision: 'verified' }, 'an admin may operate a station');
  t.match(h.app.repository.lastAuditRecord()!.checks.find((c) => c.name === 'station-attestation'), { reason: new RegExp(`operator: staff ${admin} "Station Admin" \\(admin\\)$`) });
});

t.test('replayed: the same signed envelope is accepted once; sent again it is refused, changing nothing', async (t) => {
  const h = await harness(t);
  const opened = await h.app.openSession();
  const envelope = signedEnvelope(h.kiosk, opened.session, kioskItems(h, opened));
  // The first is judged: no face in the selfie, so another try is asked for (the session stays open).
  h.engine.willAnswer(noFace());
  const first = await post(h, opened, envelope);
  t.match(first.json, { outcome: 'retry', attemptsLeft: 2 });
  const stored = h.app.repository.listEvidence(opened.session.sessionId).length;
  const before = { audit: h.app.repository.lastAuditRecord()!.seq, attempts: attemptsOf(h, opened), calls: h.engine.calls };
  const again = await post(h, opened, envelope);
  t.equal(again.status, 403);
  t.same(again.json, { ...UNTRUSTED, reference: again.json.reference });
  t.equal(h.engine.calls, before.calls, 'nothing judged');
  t.equal(h.app.repository.listEvidence(opened.session.sessionId).length, stored, 'nothing more stored');
  t.equal(attemptsOf(h, opened), before.attempts, 'no attempt used');
  t.equal(h.app.repository.lastAuditRecord()!.seq, before.audit, 'no audit record');
  t.match(h.recorder.lines('verification.station_untrusted'), [{ claimedStationId: h.kiosk.station.stationId, reason: /already received \(replay\)/ }]);
  // An ECDSA signature's second form (s -> n - s) over the same payload is the same envelope.
  const payload = stationSignedPayload({
    sessionId: opened.session.sessionId, nonce: String(opened.session.challenge.nonce),
    captures: envelope.captures.map((c) => ({ kind: c.kind as never, mediaType: c.mediaType as never, bytes: Buffer.from(c.data, 'base64'), meta: c.meta ?? null })),
    stationId: h.kiosk.station.stationId, operator: null, issuedAt: envelope.station.issuedAt,
  });
  t.not(signPayload(h.kiosk.privateKey, payload), envelope.station.signature, 'a fresh signature over the same payload differs');
  const malleated = { ...envelope, station: { ...envelope.station, signature: highS(envelope.station.signature) } };
  const third = await post(h, opened, malleated);
  t.same(third.json, { ...UNTRUSTED, reference: third.json.reference }, 'the malleated signature verifies but is the same envelope: refused');
  t.match(h.recorder.lines('verification.station_untrusted').at(-1), { reason: /already received \(replay\)/ });
  // A fresh signature (a new issuedAt) over new captures is accepted again.
  h.engine.willAnswer(...judgedAnswers(h, opened));
  const fresh = await post(h, opened, signedEnvelope(h.kiosk, opened.session, kioskItems(h, opened)));
  t.match(fresh.json, { outcome: 'decided', decision: 'verified' });
});

// P-256's group order n: an ECDSA signature (r, s) also verifies as (r, n - s).
const P256_N = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');
function highS(signature: string): string {
  const raw = Buffer.from(signature, 'base64url');
  const s = BigInt(`0x${raw.subarray(32).toString('hex')}`);
  return Buffer.concat([raw.subarray(0, 32), Buffer.from((P256_N - s).toString(16).padStart(64, '0'), 'hex')]).toString('base64url');
}

/** The same r and s in ASN.1 DER (the encoding the appliance does not accept). */
function derOf(signature: string): string {
  const raw = Buffer.from(signature, 'base64url');
  const int = (b: Buffer) => {
    let v = b;
    while (v.length > 1 && v[0] === 0 && v[1] < 0x80) v = v.subarray(1);
    if (v[0] >= 0x80) v = Buffer.concat([Buffer.from([0]), v]);
    return Buffer.concat([Buffer.from([0x02, v.length]), v]);
  };
  const body = Buffer.concat([int(raw.subarray(0, 32)), int(raw.subarray(32))]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]).toString('base64url');
}

t.test('the flow itself refuses depth handed to it without a verified station (any caller but the route)', async (t) => {
  const h = await harness(t);
  const opened = await h.app.openSession();
  const calls = h.engine.calls;
  const captures = kioskItems(h, opened).map((i) => ({ kind: i.kind as never, mediaType: i.mediaType as never, bytes: Buffer.from(i.data, 'base64'), meta: i.meta ?? null }));
  await t.rejects(h.app.verification.service.receiveCapture(opened.session.sessionId, opened.session.csrfToken, captures, { clientIp: null }), {
    code: 'ERR_STATION_UNTRUSTED', status: 403, reason: 'depth evidence reached the flow without a verified station signature',
  });
  t.equal(h.engine.calls, calls, 'nothing judged');
  t.equal(h.app.repository.listEvidence(opened.session.sessionId).length, 0, 'nothing stored');
  t.equal(h.app.repository.getSession(opened.session.sessionId)?.status, 'open');
});
