import t from 'tap';
import { verifyAuditChain } from '../../src/audit/verify-chain.js';
import { GENESIS_HASH, auditBody, chainHash } from '../../src/audit/chain.js';
import { SoftwareKeyRing } from '../../src/hsm/software-key-ring.js';
import type { AuditRecord } from '../../src/core/domain.js';
import { auditFixture } from '../helpers/audit-fixture.js';
import { auditEntryFixture, sessionFixture } from '../helpers/store-fixtures.js';
import { AuditTrail } from '../../src/audit/audit-trail.js';
import { manualClock } from '../helpers/temp-store.js';
import { forEachStoreBackend } from '../helpers/store-backends.js';
import type Database from 'better-sqlite3';

/** What an attacker with the database file does first: remove the append-only triggers. */
function dropGuards(db: Database.Database): void {
  for (const name of ['audit_records_no_update', 'audit_records_no_delete', 'audit_checkpoints_no_update', 'audit_checkpoints_no_delete']) {
    db.exec(`DROP TRIGGER ${name}`);
  }
}

forEachStoreBackend(t, (t, backend) => {
  t.test('every record is chained; checkpoints every N records verify', async (t) => {
    const { repo, trail, trusted, errors, fill } = await auditFixture(t, {}, { backend });
    await fill(1, 7);
    const records = [...repo.auditRecords()];
    t.same(records.map((r) => r.seq), [1, 2, 3, 4, 5, 6, 7]);
    let prev = GENESIS_HASH;
    for (const r of records) {
      t.equal(r.prevHash, prev);
      t.equal(r.hash, chainHash(prev, auditBody(r)));
      prev = r.hash;
    }
    t.same(repo.auditCheckpoints().map((c) => c.seq), [3, 6]);
    t.equal(repo.auditCheckpoints()[0].kid, trusted[0].kid);
    t.same(errors, []);
    t.same(verifyAuditChain(repo, trusted), {
      ok: true, records: 7, lastSeq: 7, checkpoints: 2, sealedThrough: 6, unsealedTail: 1, problem: null,
    });
    t.same(repo.auditKeys().map((k) => k.kid), [trusted[0].kid], 'the signing public key is kept beside the checkpoints');
    t.match(await trail.checkpoint(), { seq: 7, hash: records[6].hash }, 'an explicit checkpoint seals the newest record');
    t.equal(await trail.checkpoint(), null, 'checkpointing an already sealed tail is a no-op');
    t.match(verifyAuditChain(repo, trusted), { ok: true, sealedThrough: 7, unsealedTail: 0 });
  });

  t.test('the timer rule seals a quiet tail once the interval has passed', async (t) => {
    const clock = manualClock();
    const { repo, trail, trusted } = await auditFixture(t, { checkpointEvery: 100, checkpointIntervalSeconds: 60 }, { now: clock.now, backend });
    t.equal(await trail.checkpointIfDue(clock.now()), null, 'no records, nothing to seal');
    trail.record(auditEntryFixture(1, { at: clock.now() }));
    clock.advance(59_000);
    t.equal(await trail.checkpointIfDue(clock.now()), null, 'interval not yet passed');
    clock.advance(1_000);
    t.match(await trail.checkpointIfDue(clock.now()), { seq: 1, kid: trusted[0].kid });
    clock.advance(120_000);
    t.equal(await trail.checkpointIfDue(clock.now()), null, 'nothing new since the last checkpoint');
    trail.record(auditEntryFixture(2, { at: clock.now() }));
    t.match(await trail.checkpointIfDue(clock.now()), { seq: 2 });
    t.ok(verifyAuditChain(repo, trusted).ok);
  });

  t.test('the poll applies the count rule to records whose own checkpoint was not signed', async (t) => {
    const { repo, trail, trusted, macKeys } = await auditFixture(t, { checkpointEvery: 3, checkpointIntervalSeconds: 0 }, { backend });
    // Another writer on the same file (the enrol command, say) whose HSM was away: its seq-3 checkpoint failed.
    const away = { active: async () => { throw Object.assign(new Error('token removed'), { code: 'ERR_HSM_UNAVAILABLE' }); }, published: async () => [] };
    const other = new AuditTrail(repo, away, { checkpointEvery: 3, checkpointIntervalSeconds: 0 }, { onCheckpointError: () => undefined, macKeys });
    await other.prepare();
    other.record(auditEntryFixture(1));
    other.record(auditEntryFixture(2));
    t.equal(await trail.checkpointIfDue(), null, 'two unsealed records, every 3 wanted, timer off');
    other.record(auditEntryFixture(3));
    other.record(auditEntryFixture(4));
    await other.flush();
    t.same(repo.auditCheckpoints(), [], 'the other writer could not sign');
    t.match(await trail.checkpointIfDue(), { seq: 4 });
    t.match(verifyAuditChain(repo, trusted), { ok: true, sealedThrough: 4 });
  });

  t.test('an invalid audit entry is refused and nothing is written', async (t) => {
    const { repo, trail } = await auditFixture(t, {}, { backend });
    t.throws(() => trail.record(auditEntryFixture(1, { decision: 'maybe' as never })),
      { code: 'ERR_AUDIT_ENTRY', message: 'audit entry decision: expected verified | denied | unavailable | erased | changed' });
    t.throws(() => trail.record(auditEntryFixture(1, { flow: 'erasure' })),
      { code: 'ERR_AUDIT_ENTRY', message: 'audit entry decision: expected erased exactly when flow is erasure' }, 'an erasure is not a verification');
    t.throws(() => trail.record(auditEntryFixture(1, { decision: 'erased' })),
      { code: 'ERR_AUDIT_ENTRY', message: 'audit entry decision: expected erased exactly when flow is erasure' }, 'a verification does not erase');
    t.throws(() => trail.record(auditEntryFixture(1, { flow: 'station' })),
      { code: 'ERR_AUDIT_ENTRY', message: 'audit entry decision: expected changed exactly when flow is station' }, 'a station change is not a verification');
    t.throws(() => trail.record(auditEntryFixture(1, { decision: 'changed' })),
      { code: 'ERR_AUDIT_ENTRY', message: 'audit entry decision: expected changed exactly when flow is station' }, 'a verification changes no station');
    t.throws(() => trail.record(auditEntryFixture(1, { checks: [{ name: 'x', score: Number.NaN, threshold: 1, outcome: 'pass' }] })),
      { code: 'ERR_AUDIT_ENTRY', message: 'audit entry checks[0].score: expected a finite number or null' });
    t.throws(() => trail.record(auditEntryFixture(1, { evidenceSha256: ['XYZ'] })),
      { code: 'ERR_AUDIT_ENTRY', message: 'audit entry evidenceSha256: expected an array of lowercase hex SHA-256 digests' });
    t.equal(repo.lastAuditRecord(), null);
  });

  t.test('inside a caller\'s transaction: chained with it, signed only once it has committed', async (t) => {
    const { repo, trail, trusted, errors } = await auditFixture(t, { checkpointEvery: 2, checkpointIntervalSeconds: 0 }, { backend });
    trail.record(auditEntryFixture(1));
    t.throws(() => repo.transaction(() => {
      repo.createSession({ ...sessionFixture('s-rolled-back') });
      t.equal(trail.record(auditEntryFixture(2)).seq, 2, 'the record is appended inside the transaction (a savepoint)');
      throw new Error('the caller failed after the audit record');
    }), { message: 'the caller failed after the audit record' });
    await trail.flush();
    t.equal(repo.lastAuditRecord()?.seq, 1, 'the record rolled back with the caller');
    t.same(repo.auditCheckpoints(), [], 'and its checkpoint was never signed');

    const committed = repo.transaction(() => {
      repo.createSession({ ...sessionFixture('s-committed') });
      return trail.record(auditEntryFixture(3));
    });
    t.equal(committed.seq, 2, 'the next record takes the same seq, without a gap');
    await trail.flush();
    t.same(repo.auditCheckpoints().map((c) => [c.seq, c.hash]), [[2, committed.hash]], 'the committed record is the one signed');
    t.same(errors, []);
    t.match(verifyAuditChain(repo, trusted), { ok: true, records: 2, sealedThrough: 2 });
  });

  t.test('a failing HSM does not lose the record; the checkpoint error is reported', async (t) => {
    const { repo, macKeys } = await auditFixture(t, {}, { backend });
    const errors: unknown[] = [];
    const broken = { active: async () => { throw Object.assign(new Error('token removed'), { code: 'ERR_HSM_UNAVAILABLE' }); }, published: async () => [] };
    const trail = new AuditTrail(repo, broken, { checkpointEvery: 1, checkpointIntervalSeconds: 0 }, { onCheckpointError: (e) => errors.push(e), macKeys });
    await trail.prepare();
    t.equal(trail.record(auditEntryFixture(1)).seq, 1);
    await trail.flush();
    t.match(errors, [{ code: 'ERR_HSM_UNAVAILABLE', message: 'token removed' }]);
    t.equal(repo.lastAuditRecord()?.seq, 1);
    t.same(repo.auditCheckpoints(), []);
  });

  t.test('a row edited behind the disabled triggers is reported at its seq', async (t) => {
    const { repo, store, trusted, fill } = await auditFixture(t, {}, { backend });
    await fill(1, 7);
    // What an attacker with database access does first: switch the append-only triggers off.
    await store.raw(backend.name === 'sqlite' ? 'DROP TRIGGER audit_records_no_update' : 'ALTER TABLE audit_records DISABLE TRIGGER USER');
    await store.raw("UPDATE audit_records SET decision = 'verified', checks_json = replace(checks_json, '0.6', '0.1') WHERE seq = 5");
    t.match(verifyAuditChain(repo, trusted), { ok: false, records: 4, problem: { seq: 5, kind: 'record-edited' } });
  });
});

t.test('an edited row is reported at its seq', async (t) => {
  const { repo, trusted, fill } = await auditFixture(t);
  await fill(1, 7);
  dropGuards(repo.database);
  repo.database.prepare("UPDATE audit_records SET decision = 'verified', checks_json = replace(checks_json, '0.6', '0.1') WHERE seq = 5").run();
  const result = verifyAuditChain(repo, trusted);
  t.equal(result.ok, false);
  t.match(result.problem, { seq: 5, kind: 'record-edited', reason: /^record 5: stored hash [0-9a-f]{64} differs from the recomputed [0-9a-f]{64} \(the record was edited\)$/ });
  t.equal(result.records, 4, 'records before the problem were checked');
});

t.test('a row edited into invalid JSON is reported, not a crash', async (t) => {
  const { repo, trusted, fill } = await auditFixture(t);
  await fill(1, 4);
  dropGuards(repo.database);
  repo.database.prepare("UPDATE audit_records SET evidence_json = '[not json' WHERE seq = 2").run();
  t.match(verifyAuditChain(repo, trusted).problem, { seq: 2, kind: 'record-edited' });
});

t.test('a deleted row is reported as a seq gap', async (t) => {
  const { repo, trusted, fill } = await auditFixture(t);
  await fill(1, 7);
  dropGuards(repo.database);
  repo.database.prepare('DELETE FROM audit_records WHERE seq = 4').run();
  t.same(verifyAuditChain(repo, trusted).problem, {
    seq: 4, kind: 'missing-record', reason: 'record 4 is missing (the next record is 5): rows were deleted',
  });
});

t.test('a deleted first row is reported', async (t) => {
  const { repo, trusted, fill } = await auditFixture(t);
  await fill(1, 2);
  dropGuards(repo.database);
  repo.database.prepare('DELETE FROM audit_records WHERE seq = 1').run();
  t.match(verifyAuditChain(repo, trusted).problem, { seq: 1, kind: 'missing-record' });
});

t.test('a chain rewritten with recomputed hashes is caught by the checkpoint', async (t) => {
  const { repo, trusted, fill } = await auditFixture(t);
  await fill(1, 7);
  dropGuards(repo.database);
  // The attacker edits record 2 and recomputes every later hash so the chain itself is consistent again.
  const records = [...repo.auditRecords()];
  records[1] = { ...records[1], decision: 'denied' };
  let prev = GENESIS_HASH;
  const update = repo.database.prepare('UPDATE audit_records SET decision = ?, prev_hash = ?, hash = ? WHERE seq = ?');
  const rewritten: AuditRecord[] = records.map((r) => {
    const hash = chainHash(prev, auditBody({ ...r, prevHash: prev }));
    const next = { ...r, prevHash: prev, hash };
    prev = hash;
    return next;
  });
  repo.database.transaction(() => {
    repo.database.prepare("UPDATE audit_records SET hash = 'tmp-' || seq").run();
    for (const r of rewritten) update.run(r.decision, r.prevHash, r.hash, r.seq);
  })();
  t.match(verifyAuditChain(repo, trusted).problem, {
    seq: 3, kind: 'checkpoint-mismatch', reason: /^checkpoint at seq 3 seals hash [0-9a-f]{64}, but record 3 now hashes to [0-9a-f]{64} \(the chain was rewritten\)$/,
  });
});

t.test('a tail truncated after a checkpoint is reported', async (t) => {
  const { repo, trusted, fill } = await auditFixture(t);
  await fill(1, 7);
  dropGuards(repo.database);
  repo.database.prepare('DELETE FROM audit_records WHERE seq >= 5').run();
  t.same(verifyAuditChain(repo, trusted).problem, {
    seq: 5, kind: 'truncated', reason: 'the trail ends at seq 4 but a signed checkpoint covers seq 6: records 5..6 were removed',
  });
});

t.test('a forged checkpoint signature is reported', async (t) => {
  const { repo, trusted, fill } = await auditFixture(t);
  await fill(1, 7);
  dropGuards(repo.database);
  const records = [...repo.auditRecords()];
  const genuine = repo.auditCheckpoints()[1].signature;
  // Re-sign checkpoint 6 with the attacker's own key under the genuine kid.
  const attacker = await (await SoftwareKeyRing.create()).active();
  const forged = (await attacker.sign(Buffer.from(`6.${records[5].hash}`))).toString('base64url');
  repo.database.prepare('UPDATE audit_checkpoints SET signature = ? WHERE seq = 6').run(forged);
  t.same(verifyAuditChain(repo, trusted).problem, {
    seq: 6, kind: 'checkpoint-signature', reason: `checkpoint at seq 6: signature does not verify under kid ${trusted[0].kid} (forged or altered checkpoint)`,
  });

  // A checkpoint under a key the examiner does not trust is reported too.
  repo.database.prepare('UPDATE audit_checkpoints SET kid = ? WHERE seq = 6').run(attacker.kid);
  t.same(verifyAuditChain(repo, trusted).problem, {
    seq: 6, kind: 'checkpoint-unknown-key', reason: `checkpoint at seq 6 is signed by kid ${attacker.kid}, which is not among the trusted keys`,
  });

  // A forged checkpoint beyond the end is a forgery, not evidence of truncation.
  repo.database.prepare('UPDATE audit_checkpoints SET kid = ?, signature = ? WHERE seq = 6').run(trusted[0].kid, genuine);
  repo.database.prepare("INSERT INTO audit_checkpoints VALUES (9, ?, ?, 'AAAA', 0)").run('f'.repeat(64), trusted[0].kid);
  t.match(verifyAuditChain(repo, trusted).problem, { seq: 9, kind: 'checkpoint-signature' });
  t.match(verifyAuditChain(repo, []).problem, { seq: 3, kind: 'checkpoint-unknown-key' }, 'no trusted keys: the first checkpoint cannot be checked');
});
