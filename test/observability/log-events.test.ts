// The operator's log and counters through the real app: every authorize outcome (accepted, or refused
// with its internal code and reason), capture refusals, decisions (audit reference, flow, outcome,
// liveness evidence and tier, the failed check), each with the client address as resolved through the
// trusted proxies; the decision counters, stage latencies and the unsealed-audit gauge. The product
// logger (pino) writes the lines; the test parses them.
import t, { type Test } from 'tap';
import { enrolFromReferencePhoto } from '../../src/verification/flow/enrol-from-reference-photo.js';
import { RecordedFaceAnalyzer, embedding, oneFace } from '../helpers/recorded-face-analyzer.js';
import { startVerificationTestApp, type OpenedSession, type VerificationTestApp } from '../helpers/verification-test-app.js';
import { startOidcTestApp } from '../helpers/oidc-test-app.js';
import { faceJpeg } from '../helpers/face-photos.js';
import { recordLog } from '../helpers/log-recorder.js';
import { parsePrometheusText, sampleValue } from '../helpers/prometheus-text.js';
import { CAPTURE_ENVELOPE_MEDIA_TYPE } from '../../src/verification/capture/capture.js';
import { sessionChallenge } from '../../src/verification/capture/session-challenge.js';
import type { ChallengeKind } from '../../src/liveness/index.js';
import type { FaceAnalysisResult } from '../../src/verification/capture/ports.js';
import { API_TEST_MOTION, challengeFrames, challengeItems, challengeLandmarks, depthEvidence, depthItems } from '../helpers/liveness-evidence.js';
import { envelopeAsSent } from '../helpers/test-station.js';

const selfie = faceJpeg('personA', { width: 320, height: 240, zoom: 1.4 });
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

async function appWithProfile(t: Test, config: Record<string, unknown>) {
  const recorder = recordLog();
  const engine = new RecordedFaceAnalyzer([oneFace(embedding(1))]);
  const liveness = { motion: API_TEST_MOTION, ...(config.liveness as object | undefined) };
  const app = await startVerificationTestApp(t, { faceEngine: engine, config: { ...config, liveness }, log: recorder.log });
  await enrolFromReferencePhoto(
    { repo: app.repository, audit: app.auditTrail, faceEngine: engine, quality: app.config.verification.quality, maxImageBytes: app.config.server.maxImageBytes },
    { tid: app.entra.tid, oid: app.entra.oid, upn: 'ada@contoso.example', photo: faceJpeg('personA'), attestedBy: 'desk-officer-7' },
  );
  return { app, recorder, engine };
}

async function capture(app: VerificationTestApp, url: string, csrf: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${app.baseUrl}${url}`, {
    method: 'POST', body: new Uint8Array(selfie), headers: { accept: 'application/json', 'content-type': 'image/jpeg', 'x-csrf-token': csrf, ...headers },
  });
  return { status: res.status, json: (await res.json()) as Record<string, any> };
}

async function samples(app: { metrics: { registry: { metrics(): Promise<string> } } }) {
  return parsePrometheusText(await app.metrics.registry.metrics()).samples;
}

t.test('authorize: accepted and refused, each with the internal reason and the client address', async (t) => {
  const recorder = recordLog();
  const app = await startOidcTestApp(t, { log: recorder.log });
  const accepted = await app.authorize(await app.entra.request());
  const forged = await app.authorize(await app.entra.request({ hint: await app.entra.mintHint({ tamperPayload: true }) }));
  const replayed = await app.entra.request();
  await app.authorize(replayed);
  const again = await app.authorize(replayed);

  const [ok] = recorder.lines('oidc.authorize_accepted');
  t.match(ok, { level: 'info', time: ISO_TIME, sessionId: accepted.session!.sessionId, tid: app.entra.tid, oid: app.entra.oid, clientId: app.entra.clientId, clientIp: '127.0.0.1' });
  const refusals = recorder.lines('oidc.authorize_refused');
  t.equal(refusals.length, 2);
  t.match(refusals[0], {
    level: 'warn', time: ISO_TIME, code: 'ERR_INVALID_HINT', reason: 'id_token_hint: signature does not verify', status: 400,
    oidcError: 'access_denied', postedBack: true, clientIp: '127.0.0.1', clientId: app.entra.clientId,
  });
  t.match(refusals[1], { code: 'ERR_REPLAY', reason: 'id_token_hint has already been used', tid: app.entra.tid });
  // The outward answers do not carry the log's words beyond what they carried before: the log is internal.
  t.equal(forged.formPost?.fields.error, 'access_denied');
  t.equal(again.formPost?.fields.error, 'access_denied');
});

t.test('the client address: forwarded by a trusted proxy, ignored from anyone else', async (t) => {
  const behindProxy = recordLog();
  const proxied = await startOidcTestApp(t, { log: behindProxy.log, config: { server: { trustedProxies: ['127.0.0.1'] } } });
  await proxied.post('/oidc/authorize', new URLSearchParams(await proxied.entra.request({ hint: 'not-a-jwt' })), { 'x-forwarded-for': '198.51.100.23' });
  await proxied.post('/oidc/authorize', new URLSearchParams(await proxied.entra.request()), { 'x-forwarded-for': '10.9.8.7, 198.51.100.24' });
  t.equal(behindProxy.lines('oidc.authorize_refused')[0].clientIp, '198.51.100.23', 'the client nginx forwarded');
  t.equal(behindProxy.lines('oidc.authorize_accepted')[0].clientIp, '198.51.100.24', 'the rightmost address the trusted proxy added, not one the client wrote');

  const direct = recordLog();
  const untrusted = await startOidcTestApp(t, { log: direct.log });
  await untrusted.post('/oidc/authorize', new URLSearchParams(await untrusted.entra.request({ hint: 'not-a-jwt' })), { 'x-forwarded-for': '198.51.100.23' });
  t.equal(direct.lines('oidc.authorize_refused')[0].clientIp, '127.0.0.1', 'an untrusted peer\'s X-Forwarded-For is not believed');
});

t.test('a refusal before redirect_uri is known is logged and counted as well', async (t) => {
  const recorder = recordLog();
  const app = await startOidcTestApp(t, { log: recorder.log });
  const res = await app.authorize({ ...(await app.entra.request()), redirect_uri: 'https://attacker.example/cb' });
  t.equal(res.status, 400);
  t.match(recorder.lines('oidc.authorize_refused'), [{ code: 'ERR_INVALID_REQUEST', reason: /^redirect_uri is missing or is not an Entra/, postedBack: false, clientIp: '127.0.0.1' }]);
});

t.test('a verified decision: one event naming the audit record, counted by flow, outcome and tier; stages timed', async (t) => {
  const { app, recorder } = await appWithProfile(t, { verification: { assurance: { returningUser: 'none', firstTime: 'none' } }, audit: { checkpointEvery: 1000 } });
  const opened = await app.openSession();
  const res = await capture(app, opened.captureUrl, opened.session.csrfToken);
  t.equal(res.json.decision, 'verified');
  const record = app.repository.lastAuditRecord()!;
  t.match(recorder.lines('verification.decision'), [{
    level: 'info', time: ISO_TIME, sessionId: opened.session.sessionId, auditSeq: record.seq, clientRequestId: opened.request['client-request-id'],
    tid: app.entra.tid, oid: app.entra.oid, flow: 'returning', outcome: 'verified', livenessEvidence: 'none', tier: 'none', failedCheck: null, clientIp: '127.0.0.1',
  }]);
  const s = await samples(app);
  t.equal(sampleValue(s, 'proofgate_decisions_total', { flow: 'returning', outcome: 'verified', tier: 'none' }), 1);
  t.equal(sampleValue(s, 'proofgate_stage_duration_seconds_count', { stage: 'decision' }), 1);
  t.equal(sampleValue(s, 'proofgate_stage_duration_seconds_count', { stage: 'capture_analysis' }), 1, 'the selfie went through the face analyzer once');
  t.equal(sampleValue(s, 'proofgate_stage_duration_seconds_count', { stage: 'signing' }), 1);
  t.equal(sampleValue(s, 'proofgate_audit_unsealed_records'), record.seq - (app.repository.lastAuditCheckpoint()?.seq ?? 0), 'records after the last checkpoint');
  t.ok(sampleValue(s, 'proofgate_audit_unsealed_records') >= 2, 'the enrolment and the decision are not sealed yet (checkpointEvery 1000)');
  await app.auditTrail.checkpoint();
  t.equal(sampleValue(await samples(app), 'proofgate_audit_unsealed_records'), 0, 'a checkpoint seals them');
});

t.test('a denied decision names the check that failed; the default policy refuses a selfie without depth', async (t) => {
  const { app, recorder } = await appWithProfile(t, {});
  const opened = await app.openSession();
  const res = await capture(app, opened.captureUrl, opened.session.csrfToken);
  t.equal(res.json.decision, 'denied');
  const [decision] = recorder.lines('verification.decision');
  t.match(decision, { level: 'warn', flow: 'returning', outcome: 'denied', tier: 'none', failedCheck: 'liveness', auditSeq: app.repository.lastAuditRecord()!.seq });
  t.equal(sampleValue(await samples(app), 'proofgate_decisions_total', { flow: 'returning', outcome: 'denied', tier: 'none' }), 1);
});

t.test('a cancel is a decision too: failed check user-cancel', async (t) => {
  const { app, recorder } = await appWithProfile(t, {});
  const opened = await app.openSession();
  const res = await fetch(`${app.baseUrl}${opened.cancelUrl}`, {
    method: 'POST', body: new URLSearchParams({ csrf: opened.session.csrfToken }), headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  t.equal(res.status, 200);
  t.match(recorder.lines('verification.decision'), [{ outcome: 'denied', failedCheck: 'user-cancel', clientIp: '127.0.0.1' }]);
});

t.test('capture refusals: logged with the code, reason and client address, counted by code', async (t) => {
  const { app, recorder } = await appWithProfile(t, {});
  const opened = await app.openSession();
  const wrongToken = await capture(app, opened.captureUrl, 'not-the-token');
  t.equal(wrongToken.status, 403);
  const unknown = await capture(app, '/verify/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/capture', 'x');
  t.equal(unknown.status, 404);
  const refusals = recorder.lines('verification.capture_refused');
  t.match(refusals, [
    { level: 'warn', code: 'ERR_CSRF', status: 403, sessionId: opened.session.sessionId, clientIp: '127.0.0.1', reason: 'missing or wrong CSRF token' },
    { code: 'ERR_NOT_FOUND', reason: 'no such verification session', status: 404, sessionId: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
  ]);
  const s = await samples(app);
  t.equal(sampleValue(s, 'proofgate_capture_refusals_total', { code: 'ERR_CSRF' }), 1);
  t.equal(sampleValue(s, 'proofgate_capture_refusals_total', { code: 'ERR_NOT_FOUND' }), 1);
  t.equal(recorder.lines('verification.decision').length, 0, 'a refusal is not a decision');
});

const bonaFide = depthEvidence('bona-fide', 1);
/** The analyzer's answers for one envelope: the selfie (with the depth face's landmarks), then each challenge frame. */
function answers(selfieLandmarks: Float32Array | undefined, motion: readonly ChallengeKind[] | null): FaceAnalysisResult[] {
  const frames = motion ? challengeLandmarks(motion).map((l) => oneFace(embedding(1), {}, { landmarks468: l })) : [];
  return [oneFace(embedding(1), {}, { landmarks468: selfieLandmarks }), ...frames];
}

async function postEnvelope(app: VerificationTestApp, opened: OpenedSession, captures: object[]) {
  const res = await fetch(`${app.baseUrl}${opened.captureUrl}`, {
    method: 'POST', body: JSON.stringify(envelopeAsSent(app.repository, opened.session, captures)),
    headers: { accept: 'application/json', 'content-type': CAPTURE_ENVELOPE_MEDIA_TYPE, 'x-csrf-token': opened.session.csrfToken },
  });
  return (await res.json()) as Record<string, any>;
}

t.test('the tier is the liveness evidence judged: depth (kiosk), challenge (challenge-only policy)', async (t) => {
  // The depth frame is 640x480: the selfie it belongs to is too.
  const selfieItem = { kind: 'selfie', mediaType: 'image/jpeg', data: faceJpeg('personA', { width: 640, height: 480, zoom: 1.4 }).toString('base64') };
  const kiosk = await appWithProfile(t, {});
  const opened = await kiosk.app.openSession();
  const { steps, nonce } = sessionChallenge(opened.session, kiosk.app.config.liveness.challenge);
  kiosk.engine.willAnswer(...answers(bonaFide.landmarks, steps));
  const now = Date.now();
  const res = await postEnvelope(kiosk.app, opened,
    [selfieItem, ...depthItems(bonaFide, nonce, now - 100), ...challengeItems(challengeFrames(steps), 14, nonce, now - 1500)]);
  t.equal(res.decision, 'verified');
  t.match(kiosk.recorder.lines('verification.decision'), [{ outcome: 'verified', livenessEvidence: 'depth+challenge', tier: 'depth', failedCheck: null }]);
  t.equal(sampleValue(await samples(kiosk.app), 'proofgate_decisions_total', { flow: 'returning', outcome: 'verified', tier: 'depth' }), 1);

  const webcam = await appWithProfile(t, {});
  const second = await webcam.app.openSession();
  const challenge = sessionChallenge(second.session, webcam.app.config.liveness.challenge);
  webcam.engine.willAnswer(...answers(undefined, challenge.steps));
  const reply = await postEnvelope(webcam.app, second, [selfieItem, ...challengeItems(challengeFrames(challenge.steps), 14, challenge.nonce, Date.now() - 1500)]);
  t.equal(reply.decision, 'verified');
  t.match(webcam.recorder.lines('verification.decision'), [{ outcome: 'verified', livenessEvidence: 'challenge', tier: 'challenge' }]);
  t.equal(sampleValue(await samples(webcam.app), 'proofgate_decisions_total', { flow: 'returning', outcome: 'verified', tier: 'challenge' }), 1);
});
