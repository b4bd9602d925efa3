// Count checkpoints in the running app, not the class: the real verification side (verification-test-app,
// wired as start-appliance.ts wires it) with audit.checkpointEvery = 2, driven by real verifications over
// HTTP (Cancel: the cheapest complete one), and the checkpoints table checked with verifyAuditChain.
import t from 'tap';
import { verifyAuditChain } from '../../src/audit/verify-chain.js';
import { RecordedFaceAnalyzer } from '../helpers/recorded-face-analyzer.js';
import { startVerificationTestApp } from '../helpers/verification-test-app.js';
import { cancel, cancelled, trustedKeys } from '../helpers/cancel-verification.js';

const EVERY_SECOND = { audit: { checkpointEvery: 2, checkpointIntervalSeconds: 0 } };

t.test('every 2nd verification record is sealed by a signed checkpoint that verifies', async (t) => {
  const app = await startVerificationTestApp(t, { faceEngine: new RecordedFaceAnalyzer([]), config: EVERY_SECOND });
  for (let i = 0; i < 3; i += 1) await cancelled(t, app);
  await app.auditTrail.flush();
  const records = [...app.repository.auditRecords()];
  t.same(records.map((r) => [r.seq, r.decision, r.checks.at(-1)?.name]), [[1, 'denied', 'user-cancel'], [2, 'denied', 'user-cancel'], [3, 'denied', 'user-cancel']]);
  const active = await app.keyRing.active();
  t.same(app.repository.auditCheckpoints().map((c) => [c.seq, c.hash, c.kid]), [[2, records[1].hash, active.kid]], 'a checkpoint over record 2, by the active key');
  const trusted = await trustedKeys(app);
  t.same(verifyAuditChain(app.repository, trusted), { ok: true, records: 3, lastSeq: 3, checkpoints: 1, sealedThrough: 2, unsealedTail: 1, problem: null });

  await cancelled(t, app);
  await app.auditTrail.flush();
  t.same(app.repository.auditCheckpoints().map((c) => c.seq), [2, 4]);
  t.match(verifyAuditChain(app.repository, trusted), { ok: true, records: 4, sealedThrough: 4, unsealedTail: 0 });
  t.same(app.checkpointErrors, []);
});

t.test('a decision whose transaction fails to commit leaves no record and no checkpoint', async (t) => {
  let now = Date.now();
  const app = await startVerificationTestApp(t, { faceEngine: new RecordedFaceAnalyzer([]), config: EVERY_SECOND, now: () => now });
  await cancelled(t, app);
  const opened = await app.openSession();
  now = opened.session.expiresAt + 1_000;

  // The expired session is closed and audited in one transaction, the audit record nested inside it;
  // fail that transaction's commit once, after record 2 (a checkpoint seq) was appended within it.
  const repo = app.repository;
  const transaction = repo.transaction.bind(repo);
  let depth = 0;
  let seenInside = false;
  repo.transaction = <T>(fn: () => T): T => transaction(() => {
    depth += 1;
    try {
      const out = fn();
      if (depth === 1 && !seenInside && repo.lastAuditRecord()?.seq === 2) {
        seenInside = true;
        throw new Error('disk I/O error at commit');
      }
      return out;
    } finally {
      depth -= 1;
    }
  });
  t.teardown(() => { repo.transaction = transaction; });

  const failed = await cancel(app, opened);
  t.equal(failed.status, 500);
  t.ok(seenInside, 'record 2 was appended inside the transaction before it failed');
  await app.auditTrail.flush();
  t.equal(repo.lastAuditRecord()?.seq, 1, 'the record rolled back with the session close');
  t.equal(repo.getSession(opened.session.sessionId)?.status, 'open', 'and so did the close');
  t.same(repo.auditCheckpoints(), [], 'the rolled-back record was never signed');

  const expired = await cancel(app, opened);
  t.equal(expired.status, 200, 'the next request closes the expired session (and answers the error form_post back to Entra)');
  await app.auditTrail.flush();
  const record = repo.lastAuditRecord()!;
  t.match(record, { seq: 2, sessionId: opened.session.sessionId, flow: 'none', checks: [{ name: 'session-expiry' }] });
  t.same(repo.auditCheckpoints().map((c) => [c.seq, c.hash]), [[2, record.hash]], 'the committed record 2 is the one sealed');
  t.match(verifyAuditChain(repo, await trustedKeys(app)), { ok: true, records: 2, sealedThrough: 2 });
  t.same(app.checkpointErrors, []);
});
