// The expiry sweep (src/verification/flow/sweep-expired-sessions.ts, run by start-appliance.ts on a timer):
// sessions opened through the real app and abandoned are closed as expired with one audit record each
// (decision 'denied', a 'session-expiry' check, the flow the page chose), one transaction per session.
import t from 'tap';
import { randomUUID } from 'node:crypto';
import { sweepExpiredSessions } from '../../src/verification/flow/sweep-expired-sessions.js';
import { enrolFromReferencePhoto } from '../../src/verification/flow/enrol-from-reference-photo.js';
import { RecordedFaceAnalyzer, embedding, oneFace } from '../helpers/recorded-face-analyzer.js';
import { startVerificationTestApp } from '../helpers/verification-test-app.js';
import { faceJpeg } from '../helpers/face-photos.js';

const selfie = faceJpeg('personA', { width: 320, height: 240, zoom: 1.4 });

t.test('the sweep closes abandoned sessions as expired, each with its audit record, and leaves live ones alone', async (t) => {
  let now = Date.now();
  const engine = new RecordedFaceAnalyzer([oneFace(embedding(1))]);
  const app = await startVerificationTestApp(t, { faceEngine: engine, now: () => now });
  const writers = { repo: app.repository, audit: app.auditTrail };
  // Another account of the tenant, never enrolled: a first-time session.
  const firstTime = await app.openSession({ id_token_hint: await app.entra.mintHint({ claims: { oid: randomUUID() } }) });
  await enrolFromReferencePhoto(
    { repo: app.repository, audit: app.auditTrail, faceEngine: engine, quality: app.config.verification.quality, maxImageBytes: app.config.server.maxImageBytes },
    { tid: app.entra.tid, oid: app.entra.oid, upn: 'ada@contoso.example', photo: faceJpeg('personA'), attestedBy: 'desk-officer-7' },
  );
  const returning = await app.openSession();
  now += 120_000;
  const live = await app.openSession();
  const seqBefore = app.repository.lastAuditRecord()!.seq;

  t.same(sweepExpiredSessions(writers, now), { expired: 0, failed: 0 }, 'nothing has expired yet');
  now = returning.session.expiresAt; // expiry is inclusive, as for a request
  t.same(sweepExpiredSessions(writers, now), { expired: 2, failed: 0 });
  for (const [opened, flow] of [[firstTime, 'first-time'], [returning, 'returning']] as const) {
    t.equal(app.repository.getSession(opened.session.sessionId)?.status, 'expired');
    const records = [...app.repository.auditRecords()].filter((r) => r.sessionId === opened.session.sessionId);
    t.equal(records.length, 1, `${flow}: one record`);
    t.match(records[0], {
      flow, decision: 'denied', profileId: null, at: now,
      checks: [{ name: 'session-expiry', outcome: 'fail', reason: /expired at .* without a decision \(closed by the expiry sweep\)/ }],
    });
  }
  t.equal(app.repository.lastAuditRecord()!.seq, seqBefore + 2);
  t.equal(app.repository.getSession(live.session.sessionId)?.status, 'open', 'a session that has not expired stays open');
  t.same(sweepExpiredSessions(writers, now), { expired: 0, failed: 0 }, 'a second run finds nothing');

  // The person comes back after the sweep: the session is finished, and no second record is written.
  const late = await fetch(`${app.baseUrl}${returning.captureUrl}`, {
    method: 'POST', body: new Uint8Array(selfie), headers: { accept: 'application/json', 'content-type': 'image/jpeg', 'x-csrf-token': returning.session.csrfToken },
  });
  t.equal(late.status, 409);
  t.equal(app.repository.lastAuditRecord()!.seq, seqBefore + 2);
  t.equal(engine.calls, 1, 'the engine ran only for the enrolment');
});

t.test('a session whose record cannot be written stays open for the next run; the others are closed', async (t) => {
  let now = Date.now();
  const app = await startVerificationTestApp(t, { faceEngine: new RecordedFaceAnalyzer([]), now: () => now });
  const writers = { repo: app.repository, audit: app.auditTrail };
  const a = await app.openSession();
  const b = await app.openSession();
  now = Math.max(a.session.expiresAt, b.session.expiresAt) + 1;
  const original = app.repository.insertAuditRecord.bind(app.repository);
  let armed = true;
  app.repository.insertAuditRecord = (record) => {
    if (armed) { armed = false; throw new Error('audit insert refused (test)'); }
    original(record);
  };
  t.teardown(() => { app.repository.insertAuditRecord = original; });
  t.match(sweepExpiredSessions(writers, now), { expired: 1, failed: 1, error: /could not be stored: audit insert refused \(test\)/ });
  const statuses = [a, b].map((o) => app.repository.getSession(o.session.sessionId)!.status).sort();
  t.same(statuses, ['expired', 'open'], 'the failed one was not closed without its record');
  t.same(sweepExpiredSessions(writers, now), { expired: 1, failed: 0 }, 'the next run closes it');
  for (const o of [a, b]) {
    t.equal([...app.repository.auditRecords()].filter((r) => r.sessionId === o.session.sessionId).length, 1);
  }
});
