import t from 'tap';
import { randomBytes, createHash } from 'node:crypto';
import { EvidenceCipher, evidenceAad } from '../../src/store/evidence-cipher.js';
import { purgeExpiredEvidence } from '../../src/store/retention.js';
import { manualClock, tempRepository } from '../helpers/temp-store.js';
import { auditEntryFixture, sessionFixture } from '../helpers/store-fixtures.js';
import { SoftwareDataKeyWrapper } from '../helpers/software-data-key-wrapper.js';
import { auditTrailFor } from '../helpers/audit-fixture.js';
import { forEachStoreBackend } from '../helpers/store-backends.js';

const image = () => randomBytes(4096);

forEachStoreBackend(t, (t, backend) => {
  t.test('evidence encrypts, decrypts and never stores plaintext or the raw data key', async (t) => {
    const { repo } = await backend.temp(t);
    repo.createSession(sessionFixture('s1'));
    const wrapper = new SoftwareDataKeyWrapper();
    const cipher = new EvidenceCipher(repo, wrapper);
    const bytes = image();
    const stored = await cipher.storeEvidence('s1', 'selfie', 'image/jpeg', bytes);
    t.match(stored.evidenceId, /^ev_[A-Za-z0-9_-]{22}$/);
    t.equal(stored.sha256, createHash('sha256').update(bytes).digest('hex'));

    const opened = await cipher.readEvidence(stored.evidenceId);
    t.same(opened.bytes, bytes);
    t.match(opened.record, { evidenceId: stored.evidenceId, sessionId: 's1', kind: 'selfie', mediaType: 'image/jpeg', purgedAt: null });

    const row = repo.getEvidence(stored.evidenceId)!;
    t.equal(row.ciphertext!.length, bytes.length, 'GCM adds no padding');
    t.notOk(row.ciphertext!.equals(bytes), 'ciphertext differs from plaintext');
    t.equal(row.seal.iv.length, 12);
    t.equal(row.seal.tag.length, 16);
    const dataKey = repo.getDataKey()!;
    t.equal(dataKey.wrappingKeyId, wrapper.wrappingKeyId);
    t.equal(dataKey.wrapped.length, 40, 'only the RFC 3394-wrapped key is stored');

    const second = await cipher.storeEvidence('s1', 'document-front', 'image/png', bytes);
    const ivs = [stored, second].map((e) => repo.getEvidence(e.evidenceId)!.seal.iv);
    t.notOk(ivs[0].equals(ivs[1]), 'a fresh IV per image');
    t.equal(repo.getDataKey()!.keyId, dataKey.keyId, 'one data key per deployment');
    t.same(repo.listEvidence('s1').map((e) => e.evidenceId).sort(), [stored.evidenceId, second.evidenceId].sort());
  });

  t.test('the data key survives a restart and is unwrapped by the HSM once per process', async (t) => {
    const store = await backend.temp(t);
    const { repo } = store;
    repo.createSession(sessionFixture('s1'));
    const kek = randomBytes(32);
    const first = await new EvidenceCipher(repo, new SoftwareDataKeyWrapper(kek, 'kek-1')).storeEvidence('s1', 'selfie', 'image/jpeg', Buffer.from('abc'));
    repo.close();
    const reopened = store.another();
    const wrapper = new SoftwareDataKeyWrapper(kek, 'kek-1');
    const cipher = new EvidenceCipher(reopened, wrapper);
    t.same((await cipher.readEvidence(first.evidenceId)).bytes, Buffer.from('abc'));
    await cipher.readEvidence(first.evidenceId);
    t.equal(wrapper.unwrapCalls, 1);

    await t.rejects(new EvidenceCipher(reopened, new SoftwareDataKeyWrapper(randomBytes(32), 'kek-2')).readEvidence(first.evidenceId),
      { code: 'ERR_DATA_KEY', message: `data key ${reopened.getDataKey()!.keyId} is wrapped by kek-1, but the HSM offers kek-2` });
    await t.rejects(new EvidenceCipher(reopened, new SoftwareDataKeyWrapper(randomBytes(32), 'kek-1')).ready(),
      { code: 'ERR_DATA_KEY', message: /could not be unwrapped/ });
  });

  t.test('bad input is refused and writes nothing', async (t) => {
    const { repo } = await backend.temp(t);
    repo.createSession(sessionFixture('s1'));
    const cipher = new EvidenceCipher(repo, new SoftwareDataKeyWrapper());
    await t.rejects(cipher.storeEvidence('s1', 'selfie', 'image/jpeg', Buffer.alloc(0)), { code: 'ERR_STORE_INPUT', message: /^evidence bytes: expected a Buffer of 1\.\./ });
    await t.rejects(cipher.storeEvidence('s1', 'self ie', 'image/jpeg', image()), { code: 'ERR_STORE_INPUT', message: /^evidence kind/ });
    await t.rejects(cipher.storeEvidence('nope', 'selfie', 'image/jpeg', image()), { code: 'ERR_STORE_INPUT', message: 'evidence for session nope: no such session' });
    await t.rejects(cipher.readEvidence('ev_missing'), { code: 'ERR_NOT_FOUND', message: 'evidence ev_missing does not exist' });
    t.same(repo.listEvidence('s1'), []);
    t.same(repo.listEvidence('nope'), []);
  });

  t.test('retention purges old image bytes and keeps rows, templates, audit and fresh evidence', async (t) => {
    const clock = manualClock(Date.UTC(2026, 0, 1));
    const { repo } = await backend.temp(t, { now: clock.now });
    repo.createSession(sessionFixture('s1'));
    repo.upsertSubject({ tid: 'T', oid: 'O', upn: null, displayName: null, givenName: null, familyName: null });
    repo.saveProfile({ profileId: 'p', tid: 'T', oid: 'O', template: Buffer.alloc(512, 7), modelId: 'm', enrolment: null });
    const cipher = new EvidenceCipher(repo, new SoftwareDataKeyWrapper(), { now: clock.now });
    const old = await cipher.storeEvidence('s1', 'selfie', 'image/jpeg', image());
    (await auditTrailFor(repo)).trail.record(auditEntryFixture(1, { evidenceSha256: [old.sha256] }));
    clock.advance(20 * 86_400_000);
    const fresh = await cipher.storeEvidence('s1', 'selfie', 'image/jpeg', image());
    repo.rememberOnce('nonce', 'expired', clock.now() - 1);
    // A claim a stopped node never released, and one still held.
    repo.captureClaims.claim('a'.repeat(64), clock.now() - 10, clock.now() - 1);
    repo.captureClaims.claim('b'.repeat(64), clock.now(), clock.now() + 40 * 86_400_000);
    clock.advance(11 * 86_400_000);

    const report = purgeExpiredEvidence(repo, { retentionDays: 30 }, clock.now());
    t.same(report, { cutoff: clock.now() - 30 * 86_400_000, purgedEvidence: 1, prunedOnceValues: 1, prunedCaptureClaims: 1 });
    await t.rejects(cipher.readEvidence(old.evidenceId), {
      code: 'ERR_EVIDENCE_PURGED', message: `evidence ${old.evidenceId} was purged at ${new Date(clock.now()).toISOString()} (retention)`,
    });
    const purgedRow = repo.getEvidence(old.evidenceId)!;
    t.equal(purgedRow.ciphertext, null);
    t.equal(purgedRow.record.sha256, old.sha256, 'the hash the audit refers to stays');
    t.ok((await cipher.readEvidence(fresh.evidenceId)).bytes.length > 0, 'fresh evidence is kept');
    t.equal(repo.getProfile('T', 'O')?.template.length, 512, 'templates are kept');
    t.same(repo.lastAuditRecord()?.evidenceSha256, [old.sha256], 'the audit trail is kept');
    t.same(purgeExpiredEvidence(repo, { retentionDays: 30 }, clock.now()).purgedEvidence, 0, 'a second run purges nothing');
    t.equal(repo.transaction(() => purgeExpiredEvidence(repo, { retentionDays: 0 }, clock.now() + 1).purgedEvidence), 1,
      'retentionDays 0 purges everything older than now, also inside a transaction');
  });
});

// Tampering behind the store's back, on the SQLite file (the audit trail's tamper tests also run on PostgreSQL).
t.test('tampering is detected with a clear error', async (t) => {
  const { repo } = tempRepository(t);
  repo.createSession(sessionFixture('s1'));
  repo.createSession(sessionFixture('s2'));
  const cipher = new EvidenceCipher(repo, new SoftwareDataKeyWrapper());
  const { evidenceId } = await cipher.storeEvidence('s1', 'selfie', 'image/jpeg', image());
  const db = repo.database;
  const reset = db.prepare('SELECT * FROM evidence WHERE evidence_id = ?').get(evidenceId) as Record<string, unknown>;
  const restore = () => db.prepare('UPDATE evidence SET ciphertext = ?, iv = ?, tag = ?, session_id = ?, kind = ?, sha256 = ? WHERE evidence_id = ?')
    .run(reset.ciphertext, reset.iv, reset.tag, reset.session_id, reset.kind, reset.sha256, evidenceId);
  const flipped = (b: Buffer) => { const c = Buffer.from(b); c[c.length >> 1] ^= 1; return c; };
  const cases: [string, string, unknown][] = [
    ['ciphertext', 'ciphertext', flipped(reset.ciphertext as Buffer)],
    ['iv', 'iv', flipped(reset.iv as Buffer)],
    ['tag', 'tag', flipped(reset.tag as Buffer)],
    ['session', 'session_id', 's2'],
    ['kind', 'kind', 'document-front'],
  ];
  for (const [what, column, value] of cases) {
    db.prepare(`UPDATE evidence SET ${column} = ? WHERE evidence_id = ?`).run(value, evidenceId);
    await t.rejects(cipher.readEvidence(evidenceId), {
      code: 'ERR_EVIDENCE_TAMPERED',
      message: `evidence ${evidenceId} failed its integrity check: its ciphertext, IV, tag, session or kind was altered`,
    }, `altered ${what}`);
    restore();
  }
  db.prepare('UPDATE evidence SET sha256 = ? WHERE evidence_id = ?').run('0'.repeat(64), evidenceId);
  await t.rejects(cipher.readEvidence(evidenceId), {
    code: 'ERR_EVIDENCE_TAMPERED',
    message: `evidence ${evidenceId} failed its integrity check: its recorded SHA-256 does not match the decrypted bytes`,
  });
  restore();
  t.ok((await cipher.readEvidence(evidenceId)).bytes.length > 0, 'the restored row reads again');
  t.same(evidenceAad('e', 's', 'k'), Buffer.from('["proofgate-evidence-v1","e","s","k"]'));
});
