// What the capture page relies on from the capture API and the cancel route, over HTTP against the real
// app: every answer after a capture (retry, denial, refusal) carries the same-shaped reference, and an
// expired session hands back the error form for Entra (capture and cancel alike), but only to the holder
// of the session's CSRF token. The face analyzer is scripted.
import t, { type Test } from 'tap';
import { enrolFromReferencePhoto } from '../../src/verification/flow/enrol-from-reference-photo.js';
import { sessionReference, REFERENCE_CHARS } from '../../src/verification/flow/session-reference.js';
import { RecordedFaceAnalyzer, embedding, noFace, oneFace } from '../helpers/recorded-face-analyzer.js';
import { startVerificationTestApp, type VerificationTestApp } from '../helpers/verification-test-app.js';
import { faceJpeg } from '../helpers/face-photos.js';
import { parseFormPost } from '../helpers/simulated-entra.js';

const selfie = faceJpeg('personA', { width: 320, height: 240, zoom: 1.4 });
const ACCEPT_RISK = { verification: { assurance: { returningUser: 'none', firstTime: 'none' } } };
const EXPIRED_FIELDS = (state: string) => ({ error: 'access_denied', error_description: 'the verification session expired', state });

async function appWithProfile(t: Test, answers: ReturnType<typeof oneFace>[], now?: () => number) {
  const engine = new RecordedFaceAnalyzer([oneFace(embedding(1)), ...answers]);
  const app = await startVerificationTestApp(t, { faceEngine: engine, config: ACCEPT_RISK, ...(now ? { now } : {}) });
  await enrolFromReferencePhoto(
    { repo: app.repository, audit: app.auditTrail, faceEngine: engine, quality: app.config.verification.quality, maxImageBytes: app.config.server.maxImageBytes },
    { tid: app.entra.tid, oid: app.entra.oid, upn: 'ada@contoso.example', photo: faceJpeg('personA'), attestedBy: 'desk-officer-7' },
  );
  return app;
}

async function capture(app: VerificationTestApp, url: string, csrf: string) {
  const res = await fetch(`${app.baseUrl}${url}`, { method: 'POST', body: new Uint8Array(selfie), headers: { accept: 'application/json', 'content-type': 'image/jpeg', 'x-csrf-token': csrf } });
  return { status: res.status, json: (await res.json()) as Record<string, any> };
}

async function cancel(app: VerificationTestApp, url: string, csrf: string) {
  const res = await fetch(`${app.baseUrl}${url}`, { method: 'POST', body: new URLSearchParams({ csrf }), headers: { 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' });
  return { status: res.status, html: await res.text() };
}

t.test('retry, denial and refusal answers carry the session reference', async (t) => {
  const app = await appWithProfile(t, [noFace(), oneFace(embedding(2))]);
  const opened = await app.openSession();
  const reference = sessionReference(opened.session.sessionId);
  t.equal(reference.length, REFERENCE_CHARS);
  t.ok(opened.session.sessionId.startsWith(reference), 'the audit\'s sessionId starts with the reference');
  const retry = await capture(app, opened.captureUrl, opened.session.csrfToken);
  t.match(retry.json, { outcome: 'retry', reference });
  const denied = await capture(app, opened.captureUrl, opened.session.csrfToken);
  t.match(denied.json, { outcome: 'decided', decision: 'denied', reference });
  const refused = await capture(app, opened.captureUrl, opened.session.csrfToken);
  t.equal(refused.status, 409);
  t.same(refused.json, { error: 'ERR_REPLAY', error_description: refused.json.error_description, reference }, 'a refusal: the same reference, no post-back');
});

t.test('a capture after expiry answers 410 with the error form for Entra', async (t) => {
  let now = Date.now();
  const app = await appWithProfile(t, [], () => now);
  const opened = await app.openSession();
  now += app.config.oidc.sessionLifetimeSeconds * 1000 + 1000;
  const res = await capture(app, opened.captureUrl, opened.session.csrfToken);
  t.equal(res.status, 410);
  t.same(res.json, {
    error: 'ERR_SESSION_EXPIRED', error_description: 'this verification expired; start again from the sign-in page', reference: sessionReference(opened.session.sessionId),
    postBack: { redirectUri: 'https://login.microsoftonline.com/common/federation/externalauthprovider', fields: EXPIRED_FIELDS(opened.request.state) },
  });
  t.match(app.repository.lastAuditRecord(), { sessionId: opened.session.sessionId, decision: 'denied', checks: [{ name: 'session-expiry', outcome: 'fail' }] });
  const again = await capture(app, opened.captureUrl, opened.session.csrfToken);
  t.equal(again.status, 409, 'a second late capture: already expired');
  t.same(again.json.postBack?.fields, EXPIRED_FIELDS(opened.request.state), 'still handed back to Entra');
  t.equal([...app.repository.auditRecords()].filter((r) => r.sessionId === opened.session.sessionId).length, 1, 'expiry audited once');
});

t.test('an expired session\'s post-back needs the session\'s CSRF token', async (t) => {
  let now = Date.now();
  const app = await appWithProfile(t, [], () => now);
  const opened = await app.openSession();
  now += app.config.oidc.sessionLifetimeSeconds * 1000 + 1000;
  t.equal((await capture(app, opened.captureUrl, opened.session.csrfToken)).status, 410);
  const forged = await capture(app, opened.captureUrl, 'x'.repeat(43));
  t.equal(forged.status, 403);
  t.same(forged.json, { error: 'ERR_CSRF', error_description: 'missing or wrong CSRF token', reference: sessionReference(opened.session.sessionId) }, 'no post-back, no state');
  const forgedCancel = await cancel(app, opened.cancelUrl, 'x'.repeat(43));
  t.equal(forgedCancel.status, 403);
  t.equal(parseFormPost(forgedCancel.html), null, 'a cancel with a wrong token gets no form for Entra');
});

t.test('cancel after expiry (the page\'s expiry timer) posts the expiry back to Entra', async (t) => {
  let now = Date.now();
  const app = await appWithProfile(t, [], () => now);
  const opened = await app.openSession();
  now += app.config.oidc.sessionLifetimeSeconds * 1000 + 1000;
  const res = await cancel(app, opened.cancelUrl, opened.session.csrfToken);
  t.equal(res.status, 200);
  t.same(parseFormPost(res.html), { method: 'post', action: 'https://login.microsoftonline.com/common/federation/externalauthprovider', fields: EXPIRED_FIELDS(opened.request.state) });
  t.equal(app.repository.getSession(opened.session.sessionId)?.status, 'expired');
  t.match(app.repository.lastAuditRecord(), { sessionId: opened.session.sessionId, decision: 'denied', checks: [{ name: 'session-expiry' }] }, 'recorded as an expiry, not a cancel');
});
