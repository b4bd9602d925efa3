// The store's side of the profile lifecycle: listing (keyset pages, tenant filter, the newest verified
// decision), one account's activity, the erasure of an account's biometric data (template, names,
// image bytes; hashes kept) and refusing to erase an unknown account without writing anything. Also: the
// database and its -wal/-shm are created 0600 whatever the umask, and an older 0644 file is tightened.
import t from 'tap';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { chmodSync, existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { EvidenceCipher } from '../../src/store/evidence-cipher.js';
import { openSqliteRepository, type SqliteRepository } from '../../src/store/sqlite-repository.js';
import { tempDir, tempRepository } from '../helpers/temp-store.js';
import { forEachStoreBackend } from '../helpers/store-backends.js';
import { auditEntryFixture, sessionFixture } from '../helpers/store-fixtures.js';
import { SoftwareDataKeyWrapper } from '../helpers/software-data-key-wrapper.js';
import { auditTrailFor } from '../helpers/audit-fixture.js';
import { eraseAccount } from '../../src/cli/commands/erase-account.js';

const T1 = '11111111-1111-4111-8111-111111111111';
const T2 = '22222222-2222-4222-8222-222222222222';
const oid = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

function enrol(repo: SqliteRepository, tid: string, o: string, upn: string | null = null): string {
  repo.upsertSubject({ tid, oid: o, upn, displayName: 'Ada Lovelace', givenName: 'Ada', familyName: 'Lovelace' });
  return repo.saveProfile({ profileId: `p-${tid.slice(0, 2)}-${o.slice(-3)}`, tid, oid: o, template: Buffer.alloc(512, 1), modelId: 'dlib-resnet-v1', enrolment: { method: 'staff-attested-reference-photo' } }).profileId;
}

forEachStoreBackend(t, (t, backend) => {
  t.test('profile list pages by (tid, oid), filters by tenant, reports the newest verified decision, never the template', async (t) => {
    const { repo } = await backend.temp(t);
    for (let i = 1; i <= 5; i++) enrol(repo, T1, oid(i), `user${i}@contoso.example`);
    enrol(repo, T2, oid(1));
    const { trail } = await auditTrailFor(repo);
    trail.record(auditEntryFixture(1, { tid: T1, oid: oid(2), decision: 'verified', at: 5_000 }));
    trail.record(auditEntryFixture(2, { tid: T1, oid: oid(2), decision: 'verified', at: 9_000 }));
    trail.record(auditEntryFixture(3, { tid: T1, oid: oid(2), decision: 'denied', at: 12_000 }));

    const first = repo.listProfiles({ limit: 4 });
    t.same(first.map((p) => `${p.tid.slice(0, 1)}/${p.oid.slice(-1)}`), ['1/1', '1/2', '1/3', '1/4']);
    const rest = repo.listProfiles({ limit: 4, after: first[3] });
    t.same(rest.map((p) => `${p.tid.slice(0, 1)}/${p.oid.slice(-1)}`), ['1/5', '2/1']);
    t.same(repo.listProfiles({ limit: 10, tid: T2 }).map((p) => p.oid), [oid(1)]);
    t.match(first[1], { tid: T1, oid: oid(2), upn: 'user2@contoso.example', modelId: 'dlib-resnet-v1', enrolmentMethod: 'staff-attested-reference-photo', lastVerifiedAt: 9_000 });
    t.equal(first[0].lastVerifiedAt, null);
    t.notOk('template' in first[0], 'no template in a summary');
    t.throws(() => repo.listProfiles({ limit: 0 }), { code: 'ERR_STORE_INPUT', message: 'listProfiles limit: expected an integer 1..1000' });
    t.throws(() => repo.listProfiles({ limit: 1001 }), { code: 'ERR_STORE_INPUT' });

    t.same(repo.accountActivity(T1, oid(2), 2), { sessions: 0, imagesStored: 0, imagesPurged: 0, auditSeqs: [2, 3], auditTotal: 3 }, 'the newest seqs, ascending');
    await trail.flush();
  });

  t.test('erasure removes the template, the names and the image bytes of every session; hashes stay; nothing for an unknown account', async (t) => {
    const { repo } = await backend.temp(t);
    const profileId = enrol(repo, T1, oid(1), 'ada@contoso.example');
    enrol(repo, T1, oid(2));
    const cipher = new EvidenceCipher(repo, new SoftwareDataKeyWrapper());
    repo.createSession(sessionFixture('s1', { tid: T1, oid: oid(1), status: 'decided' }));
    repo.createSession(sessionFixture('s2', { tid: T1, oid: oid(1) }));
    repo.createSession(sessionFixture('other', { tid: T1, oid: oid(2), status: 'decided' }));
    const a = await cipher.storeEvidence('s1', 'selfie', 'image/jpeg', randomBytes(2000));
    const b = await cipher.storeEvidence('s2', 'selfie', 'image/jpeg', randomBytes(2000));
    const kept = await cipher.storeEvidence('other', 'selfie', 'image/jpeg', randomBytes(2000));

    const changes = () => (backend.name === 'sqlite' ? (repo.database.prepare('SELECT total_changes() AS n').get() as { n: number }).n : 0);
    const changesBefore = changes();
    t.equal(repo.eraseAccountBiometrics(T1, oid(9), 50_000), null, 'an unknown account: nothing to erase');
    t.equal(changes(), changesBefore, 'and nothing written (counted on SQLite)');

    const erasure = repo.eraseAccountBiometrics(T1, oid(1), 50_000);
    // Both images were stored in the same millisecond, so their order is the random evidence id's.
    t.same({ ...erasure, evidenceSha256: [...(erasure?.evidenceSha256 ?? [])].sort() },
      { profileId, upn: 'ada@contoso.example', imagesErased: 2, evidenceSha256: [a.sha256, b.sha256].sort(), holdsErased: 0 });
    t.equal(repo.getProfile(T1, oid(1)), null, 'template gone');
    t.equal(repo.getSubject(T1, oid(1)), null, 'directory names gone');
    for (const e of [a, b]) {
      const row = repo.getEvidence(e.evidenceId)!;
      t.equal(row.ciphertext, null, 'image bytes erased');
      t.match(row.record, { sha256: e.sha256, purgedAt: 50_000 }, 'the hash is kept');
    }
    t.same(repo.getSession('s1')!.hintClaims, {}, "a finished session's hint names are scrubbed");
    t.same(repo.getSession('s2')!.hintClaims, sessionFixture('s2').hintClaims, 'an open session keeps what it needs to finish');
    t.ok(repo.getEvidence(kept.evidenceId)!.ciphertext, "another account's images are untouched");
    t.ok(repo.getProfile(T1, oid(2)), "and its profile");
    t.ok(repo.evidenceSeenForAccount(T1, oid(1), a.sha256, 'new-session'), 'a replay of an erased capture is still recognised');
    t.equal(repo.eraseAccountBiometrics(T1, oid(1), 60_000), null, 'a second erasure finds nothing');
    // PostgreSQL's WAL is the server's to recycle: the store cannot claim it scrubbed (docs/store-and-audit.md).
    t.equal(repo.scrubWal(), backend.name === 'sqlite', 'SQLite: nothing else holds the log, truncated; PostgreSQL: not the store\'s to scrub');
    if (backend.name === 'sqlite') t.throws(() => repo.transaction(() => repo.scrubWal()), { code: 'ERR_STORE_INPUT', message: /inside a transaction/ });
  });
});

t.test('after the erasure and the WAL scrub, neither the database file nor its -wal holds the template or the UPN; a reader blocks the scrub and it says so', async (t) => {
  const { repo, file } = tempRepository(t, { busyTimeoutMs: 50 });
  const template = randomBytes(512);
  const upn = Buffer.from('grace.hopper@contoso.example');
  repo.upsertSubject({ tid: T1, oid: oid(7), upn: upn.toString(), displayName: 'Grace Hopper', givenName: 'Grace', familyName: 'Hopper' });
  repo.saveProfile({ profileId: 'p-grace', tid: T1, oid: oid(7), template, modelId: 'dlib-resnet-v1', enrolment: null });
  const onDisk = () => Buffer.concat([readFileSync(file), existsSync(`${file}-wal`) ? readFileSync(`${file}-wal`) : Buffer.alloc(0)]);
  t.not(onDisk().indexOf(template), -1, 'the search finds the template before the erasure');
  t.not(onDisk().indexOf(upn), -1, 'and the UPN');

  // Another connection reading from a snapshot taken before the erasure (the server, an export).
  const reader = new Database(file);
  t.teardown(() => { if (reader.open) reader.close(); });
  reader.exec('BEGIN');
  t.equal((reader.prepare('SELECT count(*) AS n FROM profiles').get() as { n: number }).n, 1);
  t.ok(repo.eraseAccountBiometrics(T1, oid(7), 50_000));
  t.equal(repo.scrubWal(), false, 'the reader keeps the checkpoint from finishing: not done, and said so');
  reader.exec('COMMIT');
  reader.close();

  t.equal(repo.scrubWal(), true);
  t.equal(statSync(`${file}-wal`).size, 0, 'the log is truncated');
  const bytes = onDisk();
  t.equal(bytes.indexOf(template), -1, 'no template bytes in the database or its log');
  t.equal(bytes.indexOf(upn), -1, 'no UPN either');
});

t.test("a session open through its account's erasure loses its hint claims when it ends; others keep theirs", async (t) => {
  const { repo } = tempRepository(t);
  enrol(repo, T1, oid(1), 'ada@contoso.example');
  enrol(repo, T1, oid(2), 'bob@contoso.example');
  const { trail } = await auditTrailFor(repo);
  repo.createSession(sessionFixture('open-at-erasure', { tid: T1, oid: oid(1) }));
  repo.createSession(sessionFixture('re-enrolled', { tid: T1, oid: oid(2) }));
  repo.createSession(sessionFixture('first-time', { tid: T1, oid: oid(3) }));
  t.ok(eraseAccount({ repo, audit: trail }, { tid: T1, oid: oid(1), reference: null, at: 50_000 }));
  t.ok(eraseAccount({ repo, audit: trail }, { tid: T1, oid: oid(2), reference: null, at: 50_000 }));
  t.same(repo.getSession('open-at-erasure')!.hintClaims, sessionFixture('x').hintClaims, 'kept while open: it still answers Entra');
  enrol(repo, T1, oid(2), 'bob@contoso.example'); // enrolled again since

  t.ok(repo.closeSession('open-at-erasure', 'expired'), 'swept');
  t.same(repo.getSession('open-at-erasure')!.hintClaims, {}, 'its names and UPN went with the session');
  t.ok(repo.closeSession('re-enrolled', 'decided'));
  t.same(repo.getSession('re-enrolled')!.hintClaims, sessionFixture('x').hintClaims, 'an account enrolled again keeps them');
  t.ok(repo.closeSession('first-time', 'decided'));
  t.same(repo.getSession('first-time')!.hintClaims, sessionFixture('x').hintClaims, 'an account never erased keeps them');
  t.notOk(repo.closeSession('open-at-erasure', 'decided'), 'a second close is still refused');
  await trail.flush();
});

t.test('the database, its -wal and -shm are 0600 whatever the umask; an older world-readable file is tightened', async (t) => {
  const dir = tempDir(t);
  const previous = process.umask(0o022);
  try {
    const file = path.join(dir, 'nested', 'proofgate.sqlite');
    const repo = openSqliteRepository(file);
    repo.createSession(sessionFixture('s1'));
    for (const f of [file, `${file}-wal`, `${file}-shm`]) t.equal(statSync(f).mode & 0o777, 0o600, path.basename(f));
    t.equal(statSync(path.dirname(file)).mode & 0o777, 0o700, 'its directory');
    repo.close();
    chmodSync(file, 0o644);
    openSqliteRepository(file).close();
    t.equal(statSync(file).mode & 0o777, 0o600, 'tightened on open');
  } finally {
    process.umask(previous);
  }
});
