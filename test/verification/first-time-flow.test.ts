// First-time verification over HTTP against the real app: real SQLite, evidence encrypted at rest, the
// real OIDC completer signing the id_token, the real face engine and document checks (MRZ reader, CSCA
// store from documents.emrtd.cscaStorePath) on an ID card rendered by the addon's test renderer. The
// profile is stored only when every check passes, in one transaction with the session's audit record.
import t from 'tap';
import { createHash, randomUUID } from 'node:crypto';
import { buildConfig } from '../../src/config/index.js';
import { CAPTURE_ENVELOPE_MEDIA_TYPE } from '../../src/verification/capture/capture.js';
import { DocumentsInspector } from '../../src/verification/first-time/document-inspector.js';
import { e2eFaceEngine } from '../helpers/e2e-face-engine.js';
import { missingModels } from '../helpers/face-engine-fixture.js';
import { HOLDER_CLAIMS, buildTd1, envelopeOf, kioskCaptures, renderIdCard, selfieOf } from '../helpers/first-time-fixtures.js';
import { startVerificationTestApp, type VerificationTestApp } from '../helpers/verification-test-app.js';

const CONFIG = { documents: { mrz: { acceptSpecimens: true } }, verification: { assurance: { returningUser: 'none', firstTime: 'none' } } };
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function post(app: VerificationTestApp, url: string, body: string, csrf: string) {
  const res = await fetch(`${app.baseUrl}${url}`, { method: 'POST', body, headers: { accept: 'application/json', 'content-type': CAPTURE_ENVELOPE_MEDIA_TYPE, 'x-csrf-token': csrf } });
  return { status: res.status, json: (await res.json()) as Record<string, any> };
}

const missing = missingModels();
if (missing) {
  t.fail(missing);
} else {
  const engine = await e2eFaceEngine();
  const documents = await DocumentsInspector.load(buildConfig(CONFIG).documents);
  const card = await renderIdCard(buildTd1(), 'personA');
  const selfie = selfieOf('personA');

  t.test('the first-time page explains the kiosk steps, escapes the account label and offers Cancel', async (t) => {
    const app = await startVerificationTestApp(t, { faceEngine: engine, documents, config: CONFIG });
    const hint = await app.entra.mintHint({ claims: { ...HOLDER_CLAIMS, preferred_username: '<b>anna</b>@contoso.example' } });
    const opened = await app.openSession({ id_token_hint: hint });
    t.equal(opened.status, 200);
    t.match(opened.html, /<h1>Verify your identity with your identity document<\/h1>/);
    t.match(opened.html, /&lt;b&gt;anna&lt;\/b&gt;@contoso\.example/, 'the account label is escaped');
    t.notMatch(opened.html, /<b>anna/);
    t.match(opened.html, new RegExp(`data-capture-url="[^"]*/verify/${opened.session.sessionId}/capture"`));
    t.match(opened.html, new RegExp(`data-challenge-nonce="${opened.session.challenge.nonce as string}"`));
    t.match(opened.html, /This device has no document scanner/);
    t.match(opened.html, /<button id="cancel" type="submit">Cancel and return to sign-in<\/button>/);
    t.match(opened.html, /role="status"/);
  });

  t.test('default assurance: first-time enrolment without station depth is denied, tier none below kiosk-depth', async (t) => {
    const app = await startVerificationTestApp(t, { faceEngine: engine, documents, config: { documents: { mrz: { acceptSpecimens: true } } } });
    t.equal(app.config.verification.assurance.firstTime, 'kiosk-depth');
    const opened = await app.openSession({ id_token_hint: await app.entra.mintHint({ claims: HOLDER_CLAIMS }) });
    // Station-signed (document captures come only from a kiosk), but without a depth frame.
    const res = await post(app, opened.captureUrl, envelopeOf(kioskCaptures(card, selfie), { repo: app.repository, session: opened.session }), opened.session.csrfToken);
    t.match(res.json, { outcome: 'decided', decision: 'denied', message: /^We could not verify/ });
    const audit = app.repository.lastAuditRecord()!;
    t.match(audit, { flow: 'first-time', decision: 'denied' });
    t.match(audit.checks.find((c) => c.name === 'liveness-tier'), { outcome: 'fail', score: 0, threshold: 2, reason: /^tier reached: none; tier required: kiosk-depth \(not met: no passed depth/ });
    t.match(audit.checks.find((c) => c.name === 'liveness'), { outcome: 'fail', reason: /verdict: tier-too-low/ });
    t.equal(app.repository.getProfile(app.entra.tid, app.entra.oid), null, 'no profile is enrolled');
  });

  t.test('document holder named in the hint: verified, profile stored with its audit record', async (t) => {
    const app = await startVerificationTestApp(t, { faceEngine: engine, documents, config: CONFIG });
    const opened = await app.openSession({ id_token_hint: await app.entra.mintHint({ claims: HOLDER_CLAIMS }) });
    t.equal(app.repository.getProfile(app.entra.tid, app.entra.oid), null, 'no profile before');
    const res = await post(app, opened.captureUrl, envelopeOf(kioskCaptures(card, selfie), { repo: app.repository, session: opened.session }), opened.session.csrfToken);
    t.equal(res.status, 200, JSON.stringify(res.json).slice(0, 400));
    t.match(res.json, { outcome: 'decided', decision: 'verified' });
    const claims = await app.verifyIdToken(res.json.postBack.fields.id_token);
    t.equal(claims.sub, app.entra.sub);

    const profile = app.repository.getProfile(app.entra.tid, app.entra.oid);
    t.ok(profile, 'profile stored');
    t.equal(profile!.modelId, engine.modelId);
    t.match(profile!.enrolment, { method: 'document-verification', documentType: 'I', issuer: 'UTO', documentNumberSha256: /^[0-9a-f]{64}$/ });
    t.match(app.repository.getSubject(app.entra.tid, app.entra.oid), { upn: 'anna@contoso.example', givenName: 'Anna Maria', familyName: 'Eriksson' });
    const audit = app.repository.lastAuditRecord()!;
    t.match(audit, { sessionId: opened.session.sessionId, flow: 'first-time', decision: 'verified', profileId: profile!.profileId, upn: 'anna@contoso.example' });
    t.same(audit.evidenceSha256.sort(), [sha(card), sha(selfie)].sort(), 'both captures are evidence');
    const names = audit.checks.map((c) => c.name);
    for (const n of ['document-mrz-read', 'document-expiry', 'document-mrz-policy', 'portrait-match', 'holder-binding', 'liveness', 'document-chip', 'face-count']) t.ok(names.includes(n), `${n} in the audit`);
    t.ok(audit.checks.every((c) => c.outcome === 'pass' || c.outcome === 'skipped'), 'every check passed or did not apply');

    // The next sign-in of the same account is a returning user matched against the stored template.
    const next = await app.openSession();
    t.match(next.html, /Confirm it is you/);
  });

  t.test('a hint naming someone else: denied, no profile, the audit says why', async (t) => {
    const app = await startVerificationTestApp(t, { faceEngine: engine, documents, config: CONFIG });
    const oid = randomUUID();
    const opened = await app.openSession({ id_token_hint: await app.entra.mintHint({ claims: { oid, name: 'Grace Hopper', given_name: 'Grace', family_name: 'Hopper' } }) });
    const res = await post(app, opened.captureUrl, envelopeOf(kioskCaptures(card, selfie), { repo: app.repository, session: opened.session }), opened.session.csrfToken);
    t.match(res.json, { outcome: 'decided', decision: 'denied', postBack: { fields: { error: 'access_denied' } } });
    t.equal(app.repository.getProfile(app.entra.tid, oid), null, 'no profile stored');
    t.equal(app.repository.getSubject(app.entra.tid, oid), null, 'no subject stored');
    const audit = app.repository.lastAuditRecord()!;
    t.match(audit, { flow: 'first-time', decision: 'denied', profileId: null });
    t.match(audit.checks.find((c) => c.name === 'holder-binding'), { outcome: 'fail', threshold: 0.85 });
  });

  t.test('a failure while writing the audit record leaves no profile behind (one transaction)', async (t) => {
    const app = await startVerificationTestApp(t, { faceEngine: engine, documents, config: CONFIG });
    const opened = await app.openSession({ id_token_hint: await app.entra.mintHint({ claims: HOLDER_CLAIMS }) });
    const before = app.repository.lastAuditRecord()?.seq ?? 0;
    const original = app.repository.insertAuditRecord.bind(app.repository);
    app.repository.insertAuditRecord = () => { throw new Error('disk full'); };
    const res = await post(app, opened.captureUrl, envelopeOf(kioskCaptures(card, selfie), { repo: app.repository, session: opened.session }), opened.session.csrfToken);
    app.repository.insertAuditRecord = original;
    t.equal(res.status, 500);
    t.equal(app.repository.getProfile(app.entra.tid, app.entra.oid), null, 'the profile write was rolled back');
    t.equal(app.repository.getSubject(app.entra.tid, app.entra.oid), null, 'and the subject write');
    t.equal(app.repository.lastAuditRecord()?.seq ?? 0, before, 'no audit record');
  });

  t.test('Cancel on the first-time page: access_denied, audited as a first-time cancel', async (t) => {
    const app = await startVerificationTestApp(t, { faceEngine: engine, documents, config: CONFIG });
    const opened = await app.openSession({ id_token_hint: await app.entra.mintHint({ claims: HOLDER_CLAIMS }) });
    const res = await fetch(`${app.baseUrl}${opened.cancelUrl}`, { method: 'POST', body: new URLSearchParams({ csrf: opened.session.csrfToken }), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    t.equal(res.status, 200);
    t.match(await res.text(), /name="error" value="access_denied"/);
    t.match(app.repository.lastAuditRecord(), { flow: 'first-time', decision: 'denied', profileId: null, checks: [{ name: 'user-cancel', outcome: 'fail' }] });
    t.equal(app.repository.lastAuditRecord()!.checks.length, 1, 'no "not available" check: document verification is available');
  });

  t.test('a first-time request without a document is refused and changes nothing', async (t) => {
    const app = await startVerificationTestApp(t, { faceEngine: engine, documents, config: CONFIG });
    const opened = await app.openSession({ id_token_hint: await app.entra.mintHint({ claims: HOLDER_CLAIMS }) });
    const res = await fetch(`${app.baseUrl}${opened.captureUrl}`, { method: 'POST', body: new Uint8Array(selfie), headers: { accept: 'application/json', 'content-type': 'image/jpeg', 'x-csrf-token': opened.session.csrfToken } });
    t.equal(res.status, 400);
    t.match(await res.json(), { error: 'ERR_BAD_REQUEST', error_description: /document-front capture is required/ });
    t.same(app.repository.listEvidence(opened.session.sessionId), [], 'no evidence stored');
    t.equal(app.repository.getSession(opened.session.sessionId)?.status, 'open', 'the session stays open');
  });
}
