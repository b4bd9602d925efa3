// Duplicate-person detection through the app (real SQLite, real face engine and document checks, the real
// completer): one person enrolled on account A, then the same face enrolling on account B. B's enrolment is
// held (not a profile), the person is told it needs review, Entra gets the ordinary denial, and one audit
// record names A's profile and the distance. Release stores B's profile, reject discards the hold (each
// audited); with action 'refuse' nothing is kept; an erased profile leaves the index.
import t from 'tap';
import { createHash, randomUUID } from 'node:crypto';
import { buildConfig } from '../../src/config/index.js';
import { CAPTURE_ENVELOPE_MEDIA_TYPE } from '../../src/verification/capture/capture.js';
import { DocumentsInspector } from '../../src/verification/first-time/document-inspector.js';
import { releaseEnrolmentHold, rejectEnrolmentHold, listEnrolmentHolds } from '../../src/verification/flow/enrolment-holds.js';
import { eraseAccount } from '../../src/cli/commands/erase-account.js';
import { e2eFaceEngine } from '../helpers/e2e-face-engine.js';
import { missingModels } from '../helpers/face-engine-fixture.js';
import { faceJpeg } from '../helpers/face-photos.js';
import { HOLDER_CLAIMS, buildTd1, envelopeOf, kioskCaptures, renderIdCard, selfieOf } from '../helpers/first-time-fixtures.js';
import { startVerificationTestApp, type VerificationTestApp } from '../helpers/verification-test-app.js';

const CONFIG = { documents: { mrz: { acceptSpecimens: true } }, verification: { assurance: { returningUser: 'none', firstTime: 'none' } } };
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function enrol(app: VerificationTestApp, oid: string, card: Buffer, selfie: Buffer) {
  const opened = await app.openSession({ id_token_hint: await app.entra.mintHint({ claims: { ...HOLDER_CLAIMS, oid } }) });
  const res = await fetch(`${app.baseUrl}${opened.captureUrl}`, {
    method: 'POST', body: envelopeOf(kioskCaptures(card, selfie), { repo: app.repository, session: opened.session }),
    headers: { accept: 'application/json', 'content-type': CAPTURE_ENVELOPE_MEDIA_TYPE, 'x-csrf-token': opened.session.csrfToken },
  });
  return { status: res.status, json: (await res.json()) as Record<string, any>, session: opened.session };
}

const missing = missingModels();
if (missing) {
  t.fail(missing);
} else {
  const engine = await e2eFaceEngine();
  const documents = await DocumentsInspector.load(buildConfig(CONFIG).documents);
  const card = await renderIdCard(buildTd1(), 'personA');
  const selfieA = selfieOf('personA');
  // The same person photographed again: another framing, other bytes.
  const selfieAgain = faceJpeg('personA', { width: 640, height: 480, zoom: 1.5, dx: -10, dy: 6 });

  t.test('the same face enrolling on a second account is held: no profile, the review message, an ordinary denial to Entra, one audit record', async (t) => {
    const app = await startVerificationTestApp(t, { faceEngine: engine, documents, config: CONFIG });
    const first = await enrol(app, app.entra.oid, card, selfieA);
    t.match(first.json, { outcome: 'decided', decision: 'verified' });
    const profileA = app.repository.getProfile(app.entra.tid, app.entra.oid)!;
    t.match(app.repository.lastAuditRecord()!.checks.find((c) => c.name === 'duplicate-person'), { outcome: 'pass', reason: /no other account's profile within 0\.4; 0 stored template\(s\) searched/ });

    const oidB = randomUUID();
    const second = await enrol(app, oidB, card, selfieAgain);
    t.equal(second.status, 200);
    t.match(second.json, {
      outcome: 'decided', decision: 'denied', message: /^Your enrolment needs a review by an administrator/, reference: /\S/,
      postBack: { fields: { error: 'access_denied', error_description: 'the person was not verified' } },
    });
    t.notOk(second.json.postBack.fields.id_token, 'no id_token');
    t.equal(app.repository.getProfile(app.entra.tid, oidB), null, 'no profile for B');
    t.equal(app.repository.getSubject(app.entra.tid, oidB), null, 'no subject for B');
    t.equal(app.repository.listProfiles({ limit: 10 }).length, 1, 'only A is enrolled');

    const [hold] = app.repository.enrolmentHolds.openForAccount(app.entra.tid, oidB);
    t.match(hold, { state: 'held', sessionId: second.session.sessionId, matchedProfileId: profileA.profileId, matchedOid: app.entra.oid, modelId: engine.modelId, threshold: 0.4 });
    t.ok(hold.distance <= 0.4, `distance ${hold.distance}`);
    t.ok(hold.template && hold.template.length === 512, 'the held template (128 float32)');
    t.match(hold.subject, { upn: 'anna@contoso.example', familyName: 'Eriksson' });

    const audit = app.repository.lastAuditRecord()!;
    t.match(audit, { sessionId: second.session.sessionId, oid: oidB, flow: 'first-time', decision: 'denied', profileId: null });
    const check = audit.checks.find((c) => c.name === 'duplicate-person')!;
    t.match(check, { outcome: 'fail', threshold: 0.4 });
    t.ok(check.score !== null && check.score <= 0.4);
    t.match(check.reason, new RegExp(`matches profile ${profileA.profileId} of another account .*; enrolment held for review as hold ${hold.holdId}$`));
    t.same(audit.evidenceSha256.sort(), [sha(card), sha(selfieAgain)].sort());
    t.equal([...app.repository.auditRecords()].filter((r) => r.sessionId === second.session.sessionId).length, 1, 'one record for the session');
    t.same(listEnrolmentHolds(app.repository, { state: 'held', limit: 10 }).map((h) => [h.holdId, h.template]), [[hold.holdId, null]], 'listed, never with the template');

    // Released: B's profile is stored from the hold, the audit names the act; the index then holds B too.
    const released = releaseEnrolmentHold({ repo: app.repository, audit: app.auditTrail }, hold.holdId);
    t.match(released.hold, { state: 'released', template: null, subject: null, enrolment: null, profileId: released.profile.profileId });
    t.match(app.repository.getProfile(app.entra.tid, oidB), { profileId: released.profile.profileId, modelId: engine.modelId, enrolment: { method: 'document-verification', releasedFromHold: hold.holdId } });
    t.match(app.repository.getSubject(app.entra.tid, oidB), { upn: 'anna@contoso.example' });
    t.match(released.audit, { flow: 'enrolment-review', decision: 'changed', oid: oidB, profileId: released.profile.profileId });
    t.match(released.audit.checks[0], { name: 'enrolment-review', outcome: 'pass', reason: new RegExp(`^hold ${hold.holdId} released: profile ${released.profile.profileId} stored; the face matched profile ${profileA.profileId}`) });
    t.throws(() => releaseEnrolmentHold({ repo: app.repository, audit: app.auditTrail }, hold.holdId), { code: 'ERR_BAD_REQUEST', status: 409, message: /is already released/ });
    t.throws(() => rejectEnrolmentHold({ repo: app.repository, audit: app.auditTrail }, 'nothex'), { code: 'ERR_BAD_REQUEST', message: /32 lowercase hex/ });
    t.throws(() => rejectEnrolmentHold({ repo: app.repository, audit: app.auditTrail }, 'f'.repeat(32)), { code: 'ERR_NOT_FOUND', status: 404 });

    // A third account: now two profiles of that face, both found; rejected, nothing is enrolled.
    const oidC = randomUUID();
    const third = await enrol(app, oidC, card, selfieOf('personA'));
    t.match(third.json, { decision: 'denied', message: /needs a review/ });
    const [holdC] = app.repository.enrolmentHolds.openForAccount(app.entra.tid, oidC);
    t.ok([profileA.profileId, released.profile.profileId].includes(holdC.matchedProfileId));
    const rejected = rejectEnrolmentHold({ repo: app.repository, audit: app.auditTrail }, holdC.holdId);
    t.match(rejected.hold, { state: 'rejected', template: null, subject: null, profileId: null });
    t.match(rejected.audit, { flow: 'enrolment-review', decision: 'changed', oid: oidC, profileId: null, checks: [{ name: 'enrolment-review', outcome: 'fail', reason: /rejected: nothing enrolled/ }] });
    t.equal(app.repository.getProfile(app.entra.tid, oidC), null);
  });

  t.test("action 'refuse': the ordinary denial, nothing kept, the audit record names the other profile", async (t) => {
    const app = await startVerificationTestApp(t, { faceEngine: engine, documents, config: { ...CONFIG, enrolment: { duplicates: { action: 'refuse' } } } });
    t.match((await enrol(app, app.entra.oid, card, selfieA)).json, { decision: 'verified' });
    const profileA = app.repository.getProfile(app.entra.tid, app.entra.oid)!;
    const oidB = randomUUID();
    const second = await enrol(app, oidB, card, selfieAgain);
    t.match(second.json, { outcome: 'decided', decision: 'denied', message: /^We could not verify that you are the owner/, postBack: { fields: { error: 'access_denied', error_description: 'the person was not verified' } } });
    t.equal(app.repository.getProfile(app.entra.tid, oidB), null);
    t.same(app.repository.enrolmentHolds.list({ limit: 10 }), [], 'no hold');
    t.match(app.repository.lastAuditRecord()!.checks.find((c) => c.name === 'duplicate-person'), { outcome: 'fail', reason: new RegExp(`matches profile ${profileA.profileId}`) });
    t.notMatch(app.repository.lastAuditRecord()!.checks.find((c) => c.name === 'duplicate-person')!.reason!, /held/);
  });

  t.test('an erased profile leaves the index: the same face then enrols on another account, and erasure clears open holds', async (t) => {
    const app = await startVerificationTestApp(t, { faceEngine: engine, documents, config: CONFIG });
    t.match((await enrol(app, app.entra.oid, card, selfieA)).json, { decision: 'verified' });
    const oidB = randomUUID();
    t.match((await enrol(app, oidB, card, selfieAgain)).json, { decision: 'denied' });
    // Erasing B clears its open hold (template and names) with the erasure.
    const erasedB = eraseAccount({ repo: app.repository, audit: app.auditTrail }, { tid: app.entra.tid, oid: oidB, reference: null, at: Date.now() });
    t.equal(erasedB?.erasure.holdsErased, 1);
    t.match(app.repository.enrolmentHolds.list({ limit: 10 })[0], { state: 'erased', template: null, subject: null, enrolment: null });
    // Erasing A removes A's template from the index: C with the same face now enrols.
    eraseAccount({ repo: app.repository, audit: app.auditTrail }, { tid: app.entra.tid, oid: app.entra.oid, reference: 'ticket 1', at: Date.now() });
    const oidC = randomUUID();
    const third = await enrol(app, oidC, card, selfieAgain);
    t.match(third.json, { decision: 'verified' });
    t.match(app.repository.lastAuditRecord()!.checks.find((c) => c.name === 'duplicate-person'), { outcome: 'pass', reason: /0 stored template\(s\) searched/ });
  });
}
