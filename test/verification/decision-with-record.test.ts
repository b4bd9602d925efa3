// A decision never leaves without its audit record: through the real app, the audit insert is made to fail
// once on every path that ends a session (pass, deny, cancel, attempts exhausted, expiry). The claim rolls
// back with it: the person gets the one generic "temporarily unavailable" answer, no token or error goes
// back to Entra, the session stays open, and the next request completes it with its one record.
import t, { type Test } from 'tap';
import { enrolFromReferencePhoto } from '../../src/verification/flow/enrol-from-reference-photo.js';
import { RecordedFaceAnalyzer, embedding, noFace, oneFace } from '../helpers/recorded-face-analyzer.js';
import { startVerificationTestApp, type OpenedSession, type VerificationTestApp } from '../helpers/verification-test-app.js';
import { faceJpeg } from '../helpers/face-photos.js';
import { parseFormPost } from '../helpers/simulated-entra.js';
import { cancel as postCancel } from '../helpers/cancel-verification.js';
import type { AuditRecord } from '../../src/core/domain.js';
import type { KeyRing } from '../../src/hsm/signing-key.js';
import { SoftwareKeyRing } from '../../src/hsm/software-key-ring.js';
import type { SqlRepository } from '../../src/store/sqlite-repository.js';
import { forEachStoreBackend, type StoreBackend } from '../helpers/store-backends.js';

const selfie = faceJpeg('personA', { width: 320, height: 240, zoom: 1.4 });
const ACCEPT_RISK = { verification: { assurance: { returningUser: 'none', firstTime: 'none' } } };
const GENERIC = { error: 'ERR_STORE', error_description: 'the service is temporarily unavailable' };
// Every refusal also carries the session's short reference (for the help desk); nothing else.
const generic = (json: Record<string, unknown>) => ({ ...GENERIC, reference: json.reference });

/** On SQLite the app opens its own file; on PostgreSQL the test's database is handed to it. */
async function storeOn(t: Test, backend: StoreBackend, now?: () => number): Promise<{ repository?: SqlRepository }> {
  return backend.name === 'sqlite' ? {} : { repository: (await backend.temp(t, now ? { now } : {})).repo };
}

async function appWithProfile(t: Test, backend: StoreBackend, opts: { config?: Record<string, unknown>; now?: () => number } = {}) {
  const engine = new RecordedFaceAnalyzer([oneFace(embedding(1))]);
  const app = await startVerificationTestApp(t, {
    faceEngine: engine, config: opts.config ?? ACCEPT_RISK, ...(opts.now ? { now: opts.now } : {}), ...(await storeOn(t, backend, opts.now)),
  });
  await enrolFromReferencePhoto(
    { repo: app.repository, audit: app.auditTrail, faceEngine: engine, quality: app.config.verification.quality, maxImageBytes: app.config.server.maxImageBytes },
    { tid: app.entra.tid, oid: app.entra.oid, upn: 'ada@contoso.example', photo: faceJpeg('personA'), attestedBy: 'desk-officer-7' },
  );
  return { app, engine };
}

/** The next audit insert throws (as a refusal by the store would); later ones pass. `refused`: what it was handed. */
function failNextAuditInsert(t: Test, app: VerificationTestApp): { refused: () => AuditRecord | null } {
  const repo = app.repository;
  const original = repo.insertAuditRecord.bind(repo);
  let refused: AuditRecord | null = null;
  repo.insertAuditRecord = (record) => {
    if (!refused) {
      refused = record;
      throw new Error('audit insert refused (test)');
    }
    original(record);
  };
  t.teardown(() => { repo.insertAuditRecord = original; });
  return { refused: () => refused };
}

/**
 * Sends one request with the next audit insert failing and checks what it left: the insert was attempted and
 * refused, the answer is a 500, the session is still open, no record, the chain did not move.
 */
async function sendWithAuditInsertFailing<R extends { status: number }>(
  t: Test, app: VerificationTestApp, opened: OpenedSession, send: () => Promise<R>,
): Promise<{ reply: R; refused: AuditRecord }> {
  const before = app.repository.lastAuditRecord()?.seq ?? 0;
  const fault = failNextAuditInsert(t, app);
  const reply = await send();
  const refused = fault.refused();
  t.ok(refused, 'the insert was attempted and refused');
  t.equal(reply.status, 500);
  assertRolledBack(t, app, opened, before);
  return { reply, refused: refused! };
}

async function capture(app: VerificationTestApp, opened: OpenedSession) {
  const res = await fetch(`${app.baseUrl}${opened.captureUrl}`, {
    method: 'POST', body: new Uint8Array(selfie), headers: { accept: 'application/json', 'content-type': 'image/jpeg', 'x-csrf-token': opened.session.csrfToken },
  });
  return { status: res.status, json: (await res.json()) as Record<string, any> };
}

async function cancel(app: VerificationTestApp, opened: OpenedSession) {
  const res = await postCancel(app, opened);
  return { status: res.status, text: await res.text() };
}

const recordsOf = (app: VerificationTestApp, sessionId: string) => [...app.repository.auditRecords()].filter((r) => r.sessionId === sessionId);

/** Every session that is no longer open has exactly one audit record; open ones have none. */
function assertNoDecisionWithoutRecord(t: Test, app: VerificationTestApp, sessionIds: string[]): void {
  for (const id of sessionIds) {
    const status = app.repository.getSession(id)!.status;
    t.equal(recordsOf(app, id).length, status === 'open' ? 0 : 1, `session ${status}: ${status === 'open' ? 'no' : 'one'} audit record`);
  }
}

/** What the failed request left: the generic answer, the session open, no record. */
function assertRolledBack(t: Test, app: VerificationTestApp, opened: OpenedSession, auditBefore: number): void {
  t.equal(app.repository.getSession(opened.session.sessionId)?.status, 'open', 'the claim rolled back: the session is still open');
  t.equal(recordsOf(app, opened.session.sessionId).length, 0, 'no audit record');
  t.equal(app.repository.lastAuditRecord()?.seq ?? 0, auditBefore, 'the chain did not move');
}

forEachStoreBackend(t, (t, backend) => {
  t.test('pass: the audit insert fails → no token goes back, the session stays open, a later capture verifies it', async (t) => {
    const { app } = await appWithProfile(t, backend);
    const opened = await app.openSession();
    const { reply: failed } = await sendWithAuditInsertFailing(t, app, opened, () => capture(app, opened));
    t.same(failed.json, generic(failed.json), 'the generic answer: no postBack, no id_token');
    t.match(failed.json.reference, /^[A-Za-z0-9_-]{10}$/);

    const again = await capture(app, opened);
    t.match(again.json, { outcome: 'decided', decision: 'verified' });
    t.ok(await app.verifyIdToken(again.json.postBack.fields.id_token), 'the later attempt gets a valid token');
    const [record] = recordsOf(app, opened.session.sessionId);
    t.match(record, { decision: 'verified', flow: 'returning' });
    t.equal(record.evidenceSha256.length, 2, 'both judged captures are hashed into the one record');
    assertNoDecisionWithoutRecord(t, app, [opened.session.sessionId]);
  });

  t.test('deny: the audit insert fails → no access_denied goes back, a later capture denies with its record', async (t) => {
    const { app } = await appWithProfile(t, backend, { config: {} }); // default policy: no depth frame → denied
    const opened = await app.openSession();
    const { reply: failed } = await sendWithAuditInsertFailing(t, app, opened, () => capture(app, opened));
    t.same(failed.json, generic(failed.json));

    const again = await capture(app, opened);
    t.match(again.json, { outcome: 'decided', decision: 'denied', postBack: { fields: { error: 'access_denied' } } });
    t.match(recordsOf(app, opened.session.sessionId), [{ decision: 'denied', flow: 'returning' }]);
    assertNoDecisionWithoutRecord(t, app, [opened.session.sessionId]);
  });

  t.test('cancel: the audit insert fails → the error page, no form_post; a second cancel completes it', async (t) => {
    const { app } = await appWithProfile(t, backend);
    const opened = await app.openSession();
    const { reply: failed } = await sendWithAuditInsertFailing(t, app, opened, () => cancel(app, opened));
    t.match(failed.text, /Temporarily unavailable/);
    t.match(failed.text, /the service is temporarily unavailable/);
    t.equal(parseFormPost(failed.text), null, 'nothing is posted back to Entra');

    const again = await cancel(app, opened);
    t.equal(again.status, 200);
    t.match(parseFormPost(again.text)?.fields, { error: 'access_denied', error_description: 'the person cancelled verification' });
    t.match(recordsOf(app, opened.session.sessionId), [{ decision: 'denied', checks: [{ name: 'user-cancel' }] }]);
    assertNoDecisionWithoutRecord(t, app, [opened.session.sessionId]);
  });

  t.test('attempts exhausted: the audit insert fails on the last attempt → the session stays open; the next capture denies', async (t) => {
    const { app, engine } = await appWithProfile(t, backend);
    const opened = await app.openSession();
    engine.willAnswer(noFace(0));
    t.match((await capture(app, opened)).json, { outcome: 'retry', attemptsLeft: 2 });
    t.match((await capture(app, opened)).json, { outcome: 'retry', attemptsLeft: 1 });
    const { reply: failed } = await sendWithAuditInsertFailing(t, app, opened, () => capture(app, opened));
    t.same(failed.json, generic(failed.json));

    const again = await capture(app, opened);
    t.match(again.json, { outcome: 'decided', decision: 'denied', postBack: { fields: { error: 'access_denied' } } });
    const [record] = recordsOf(app, opened.session.sessionId);
    t.match(record.checks.at(-1), { name: 'capture-attempts', score: 4, threshold: 3, outcome: 'fail' }, 'the failed attempt was judged and counts');
    t.equal(record.evidenceSha256.length, 4);
    assertNoDecisionWithoutRecord(t, app, [opened.session.sessionId]);
  });

  t.test('expiry: the audit insert fails → the generic answer, the session stays open; the next request records the expiry', async (t) => {
    let now = Date.now();
    const { app } = await appWithProfile(t, backend, { now: () => now });
    const opened = await app.openSession();
    now = opened.session.expiresAt + 1_000;
    const { reply: failed } = await sendWithAuditInsertFailing(t, app, opened, () => capture(app, opened));
    t.same(failed.json, generic(failed.json));

    const again = await capture(app, opened);
    t.equal(again.status, 410);
    t.equal(app.repository.getSession(opened.session.sessionId)?.status, 'expired');
    t.match(recordsOf(app, opened.session.sessionId), [{ decision: 'denied', flow: 'none', checks: [{ name: 'session-expiry' }] }]);
    assertNoDecisionWithoutRecord(t, app, [opened.session.sessionId]);
  });

  t.test('a session that expires while its capture is judged is closed as expired with its record, in one transaction', async (t) => {
    let now = Date.now();
    const { app, engine } = await appWithProfile(t, backend, { now: () => now });
    const opened = await app.openSession();
    // The engine's answer arrives after the session's expiry: the completer finds it expired.
    const analyze = engine.analyzeFace.bind(engine);
    engine.analyzeFace = async (image) => { now = opened.session.expiresAt + 1; return analyze(image); };
    const { refused } = await sendWithAuditInsertFailing(t, app, opened, () => capture(app, opened));
    t.match(refused, { decision: 'denied' }, 'the refused record was the expiry, not the verified decision');
    t.ok(refused.checks.some((c) => c.name === 'post-back' && /expired/.test(c.reason ?? '')), 'it says the session expired before the answer went back');
    engine.analyzeFace = analyze;

    const again = await capture(app, opened);
    t.equal(again.status, 410, 'the next request records the expiry');
    assertNoDecisionWithoutRecord(t, app, [opened.session.sessionId]);
  });

  t.test('two concurrent decisions: one commits with its record, the other is refused and leaves nothing', async (t) => {
    const { app } = await appWithProfile(t, backend);
    const opened = await app.openSession();
    const [a, b] = await Promise.all([capture(app, opened), cancel(app, opened)]);
    const records = recordsOf(app, opened.session.sessionId);
    t.equal(records.length, 1, 'one record');
    t.equal(app.repository.getSession(opened.session.sessionId)?.status, 'decided');
    const verified = a.status === 200 && a.json.outcome === 'decided';
    const cancelled = b.status === 200;
    t.ok(verified !== cancelled, `exactly one decision went back (capture ${a.status}, cancel ${b.status})`);
    t.equal(records[0].decision, verified ? 'verified' : 'denied');
  });

  t.test('a session that expires while its token is being signed is claimed as expired: no token goes back', async (t) => {
    let now = Date.now();
    let expiresAt = Infinity;
    const ring = await SoftwareKeyRing.create();
    // The HSM answers after the session's expiry.
    const slowRing: KeyRing = {
      published: () => ring.published(),
      active: async () => {
        const key = await ring.active();
        return { kid: key.kid, jwk: () => key.jwk(), sign: async (data) => { now = expiresAt + 1; return key.sign(data); } };
      },
    };
    const engine = new RecordedFaceAnalyzer([oneFace(embedding(1))]);
    const app = await startVerificationTestApp(t, { faceEngine: engine, config: ACCEPT_RISK, now: () => now, keyRing: slowRing, ...(await storeOn(t, backend, () => now)) });
    await enrolFromReferencePhoto(
      { repo: app.repository, audit: app.auditTrail, faceEngine: engine, quality: app.config.verification.quality, maxImageBytes: app.config.server.maxImageBytes },
      { tid: app.entra.tid, oid: app.entra.oid, upn: 'ada@contoso.example', photo: faceJpeg('personA'), attestedBy: 'desk-officer-7' },
    );
    const opened = await app.openSession();
    expiresAt = opened.session.expiresAt;
    const reply = await capture(app, opened);
    t.match(reply.json, { outcome: 'decided', decision: 'denied', postBack: { fields: { error: 'access_denied' } } });
    t.notOk(reply.json.postBack.fields.id_token, 'the signed token is not sent');
    t.equal(app.repository.getSession(opened.session.sessionId)?.status, 'expired');
    t.match(recordsOf(app, opened.session.sessionId), [{ decision: 'denied' }]);
  });
});

forEachStoreBackend(t, (t, backend) => {
  t.test('the judged selfie commits with the decision: one transaction for the evidence, the claim and its record', async (t) => {
    const { app } = await appWithProfile(t, backend);
    const opened = await app.openSession();
    const repo = app.repository;
    const original = repo.putEvidence.bind(repo);
    // The evidence write is refused once, inside the claim's transaction: nothing of the decision commits;
    // the request then writes the judged selfie on its own (what was judged is always kept).
    let claimedWhenWritten: string | null = null;
    repo.putEvidence = (...args) => {
      if (claimedWhenWritten === null) {
        // Inside the claim's transaction the session already reads as decided (its rollback reopens it).
        claimedWhenWritten = repo.getSession(opened.session.sessionId)!.status;
        throw new Error('evidence insert refused (test)');
      }
      original(...args);
    };
    t.teardown(() => { repo.putEvidence = original; });
    const before = repo.lastAuditRecord()?.seq ?? 0;
    const failed = await capture(app, opened);
    t.equal(claimedWhenWritten, 'decided', 'the evidence is written inside the claim\'s transaction');
    t.same(failed.json, generic(failed.json));
    assertRolledBack(t, app, opened, before);
    t.equal(repo.listEvidence(opened.session.sessionId).length, 1, 'the judged selfie was kept all the same');

    const again = await capture(app, opened);
    t.match(again.json, { outcome: 'decided', decision: 'verified' });
    const [record] = recordsOf(app, opened.session.sessionId);
    t.equal(record.evidenceSha256.length, 2, 'the decision names both judged selfies');
    t.same(record.evidenceSha256, repo.listEvidence(opened.session.sessionId).map((e) => e.sha256));
    assertNoDecisionWithoutRecord(t, app, [opened.session.sessionId]);
  });
});
