// The same selfie bytes twice for one account: the second verification is denied as a duplicate capture
// (a camera never gives identical bytes; a file replayed ~24,000 times does), reading like any denial
// from outside. Another account is not affected: the look-up is per account (tid+oid).
import t from 'tap';
import { enrolFromReferencePhoto } from '../../src/verification/flow/enrol-from-reference-photo.js';
import { RecordedFaceAnalyzer, embedding, oneFace } from '../helpers/recorded-face-analyzer.js';
import { startVerificationTestApp, type OpenedSession, type VerificationTestApp } from '../helpers/verification-test-app.js';
import { faceJpeg } from '../helpers/face-photos.js';

const ACCEPT_RISK = { verification: { assurance: { returningUser: 'none', firstTime: 'none' } } };
const selfie = faceJpeg('personA', { width: 320, height: 240, zoom: 1.4 });
const OTHER_OID = '7c1f4a52-3d2b-4e8f-9a6b-0c5d2e1f3a4b';

async function capture(app: VerificationTestApp, opened: OpenedSession, body: Buffer) {
  const res = await fetch(`${app.baseUrl}${opened.captureUrl}`, {
    method: 'POST', body: new Uint8Array(body), headers: { accept: 'application/json', 'content-type': 'image/jpeg', 'x-csrf-token': opened.session.csrfToken },
  });
  return { status: res.status, json: (await res.json()) as Record<string, any> };
}

t.test('the same selfie bytes twice for one account: the second is denied as duplicate-capture; another account is not affected', async (t) => {
  const engine = new RecordedFaceAnalyzer([oneFace(embedding(1))]);
  const app = await startVerificationTestApp(t, { faceEngine: engine, config: ACCEPT_RISK });
  const enrol = (oid: string) => enrolFromReferencePhoto(
    { repo: app.repository, audit: app.auditTrail, faceEngine: engine, quality: app.config.verification.quality, maxImageBytes: app.config.server.maxImageBytes },
    { tid: app.entra.tid, oid, upn: null, photo: faceJpeg('personA'), attestedBy: 'desk-officer-7' },
  );
  await enrol(app.entra.oid);
  await enrol(OTHER_OID);

  const first = await capture(app, await app.openSession({ state: 'same-state' }), selfie);
  t.match(first.json, { outcome: 'decided', decision: 'verified' });

  const opened = await app.openSession({ state: 'same-state' });
  engine.willAnswer(oneFace(embedding(1)));
  const second = await capture(app, opened, selfie);
  t.equal(second.status, 200);
  t.same(second.json, {
    outcome: 'decided', decision: 'denied', message: 'We could not verify that you are the owner of this account. Returning you to sign-in…',
    postBack: { redirectUri: 'https://login.microsoftonline.com/common/federation/externalauthprovider', fields: { error: 'access_denied', error_description: 'the person was not verified', state: 'same-state' } },
    reference: second.json.reference,
  }, 'the answer of any denial (with the session\'s reference for the help desk)');
  t.equal(engine.calls, 0, 'refused before the face was analysed');
  const audit = app.repository.lastAuditRecord()!;
  t.match(audit, { sessionId: opened.session.sessionId, decision: 'denied', checks: [{ name: 'duplicate-capture', outcome: 'fail', reason: /already sent in an earlier verification of this account/ }] });
  t.equal(audit.checks.length, 1);

  // The same bytes for another account: its own first use (the look-up is per tid+oid).
  const otherHint = await app.entra.mintHint({ claims: { oid: OTHER_OID } });
  const other = await app.openSession({ id_token_hint: otherHint, state: 'same-state' });
  t.equal(other.session.oid, OTHER_OID);
  t.match((await capture(app, other, selfie)).json, { outcome: 'decided', decision: 'verified' }, 'another account is not affected');

  // Different bytes for the first account are judged as usual.
  const third = await app.openSession();
  t.match((await capture(app, third, faceJpeg('personA', { width: 320, height: 240, zoom: 1.41 }))).json, { decision: 'verified' });
});

t.test('a retry in the same session may send the same bytes again (only earlier sessions count)', async (t) => {
  const engine = new RecordedFaceAnalyzer([oneFace(embedding(1), { sharpness: 1 }), oneFace(embedding(1))]);
  const app = await startVerificationTestApp(t, { faceEngine: engine, config: ACCEPT_RISK });
  await enrolFromReferencePhoto(
    { repo: app.repository, audit: app.auditTrail, faceEngine: new RecordedFaceAnalyzer([oneFace(embedding(1))]), quality: app.config.verification.quality, maxImageBytes: app.config.server.maxImageBytes },
    { tid: app.entra.tid, oid: app.entra.oid, upn: null, photo: faceJpeg('personA'), attestedBy: 'desk-officer-7' },
  );
  const opened = await app.openSession();
  t.match((await capture(app, opened, selfie)).json, { outcome: 'retry' });
  t.match((await capture(app, opened, selfie)).json, { outcome: 'decided', decision: 'verified' });
});
