import t from 'tap';
import { manualClock } from '../helpers/temp-store.js';
import { forEachStoreBackend } from '../helpers/store-backends.js';
import { auditEntryFixture, sessionFixture } from '../helpers/store-fixtures.js';
import { auditTrailFor } from '../helpers/audit-fixture.js';

forEachStoreBackend(t, (t, backend) => {
  t.test('subjects upsert and read back; a second upsert updates names, keeps createdAt', async (t) => {
    const clock = manualClock(5_000);
    const { repo } = await backend.temp(t, { now: clock.now });
    const first = repo.upsertSubject({ tid: 'T', oid: 'O', upn: 'a@x.test', displayName: 'A', givenName: null, familyName: null });
    t.same(first, { tid: 'T', oid: 'O', upn: 'a@x.test', displayName: 'A', givenName: null, familyName: null, createdAt: 5_000 });
    clock.advance(10);
    repo.upsertSubject({ tid: 'T', oid: 'O', upn: 'b@x.test', displayName: 'B', givenName: 'Bea', familyName: 'X' });
    t.same(repo.getSubject('T', 'O'), { tid: 'T', oid: 'O', upn: 'b@x.test', displayName: 'B', givenName: 'Bea', familyName: 'X', createdAt: 5_000 });
    t.equal(repo.getSubject('T', 'other'), null);
    t.throws(() => repo.upsertSubject({ tid: '', oid: 'O', upn: null, displayName: null, givenName: null, familyName: null }),
      { code: 'ERR_STORE_INPUT', message: 'subject.tid: expected a non-empty string' });
  });

  t.test('profiles round-trip; re-enrolment replaces; a profile needs its subject', async (t) => {
    const clock = manualClock(1_000);
    const { repo } = await backend.temp(t, { now: clock.now });
    const template = Buffer.from(new Float32Array([0.25, -1.5, 3]).buffer);
    t.throws(() => repo.saveProfile({ profileId: 'p1', tid: 'T', oid: 'O', template, modelId: 'dlib-resnet', enrolment: null }),
      { code: 'ERR_STORE_INPUT', message: 'profile for T/O: no such subject (upsertSubject first)' });
    repo.upsertSubject({ tid: 'T', oid: 'O', upn: null, displayName: null, givenName: null, familyName: null });
    const saved = repo.saveProfile({ profileId: 'p1', tid: 'T', oid: 'O', template, modelId: 'dlib-resnet', enrolment: { document: 'passport' } });
    t.same(saved, { profileId: 'p1', tid: 'T', oid: 'O', template, modelId: 'dlib-resnet', enrolment: { document: 'passport' }, createdAt: 1_000, updatedAt: 1_000 });
    t.same([...new Float32Array(new Uint8Array(saved.template).buffer)], [0.25, -1.5, 3]);

    clock.advance(5);
    const updated = repo.saveProfile({ profileId: 'p1', tid: 'T', oid: 'O', template: Buffer.alloc(8, 1), modelId: 'm2', enrolment: null });
    t.match(updated, { profileId: 'p1', modelId: 'm2', createdAt: 1_000, updatedAt: 1_005, enrolment: null });

    const replaced = repo.saveProfile({ profileId: 'p2', tid: 'T', oid: 'O', template, modelId: 'm3', enrolment: null });
    t.match(replaced, { profileId: 'p2', createdAt: 1_005 });
    t.equal(repo.getProfile('T', 'O')?.profileId, 'p2');
    t.throws(() => repo.saveProfile({ profileId: 'p3', tid: 'T', oid: 'O', template: Buffer.alloc(0), modelId: 'm', enrolment: null }),
      { code: 'ERR_STORE_INPUT', message: 'profile.template: expected a non-empty Buffer' });
  });

  t.test('sessions round-trip and close exactly once', async (t) => {
    const { repo } = await backend.temp(t);
    const session = sessionFixture('s1');
    repo.createSession(session);
    t.same(repo.getSession('s1'), session);
    t.throws(() => repo.createSession(session), { code: 'ERR_STORE_INPUT', message: 'session s1 already exists' });
    t.equal(repo.closeSession('s1', 'decided'), true, 'first decision closes the session');
    t.equal(repo.closeSession('s1', 'decided'), false, 'a second decision is refused');
    t.equal(repo.closeSession('s1', 'cancelled'), false, 'so is any other final status');
    t.equal(repo.getSession('s1')?.status, 'decided');
    t.equal(repo.closeSession('missing', 'expired'), false);
    t.throws(() => repo.closeSession('s1', 'open' as never), { code: 'ERR_STORE_INPUT' });
    t.equal(repo.getSession('missing'), null);
  });

  t.test('replay guard: a second use is refused until the value expires', async (t) => {
    const clock = manualClock(10_000);
    const { repo } = await backend.temp(t, { now: clock.now });
    t.equal(repo.rememberOnce('nonce', 'n-1', 20_000), true);
    t.equal(repo.rememberOnce('nonce', 'n-1', 30_000), false, 'replayed within its lifetime');
    t.equal(repo.rememberOnce('hint', 'n-1', 20_000), true, 'kinds are separate namespaces');
    clock.set(20_000);
    t.equal(repo.rememberOnce('nonce', 'n-1', 40_000), true, 'usable again once expired');
    t.equal(repo.rememberOnce('nonce', 'n-1', 40_000), false);
    repo.rememberOnce('nonce', 'n-2', 25_000);
    t.equal(repo.pruneOnceValues(30_000), 2, 'prunes the expired hint and n-2');
    t.equal(repo.rememberOnce('nonce', 'n-1', 50_000), false, 'the live value survived pruning');
    t.throws(() => repo.rememberOnce('token' as never, 'x', 1), { code: 'ERR_STORE_INPUT', message: 'rememberOnce kind: expected hint | nonce | station-envelope' });
    t.equal(repo.rememberOnce('station-envelope', 'n-1', 50_000), true, 'signed station envelopes are a namespace of their own');
    t.throws(() => repo.rememberOnce('nonce', '', 1), { code: 'ERR_STORE_INPUT' });
  });

  t.test('the replay guard holds across two connections to one file', async (t) => {
    const store = await backend.temp(t);
    const { repo } = store;
    const other = store.another();
    t.equal(repo.rememberOnce('hint', 'h', Date.now() + 60_000), true);
    t.equal(other.rememberOnce('hint', 'h', Date.now() + 60_000), false);
  });

  t.test('a failure inside a transaction leaves nothing written', async (t) => {
    const { repo } = await backend.temp(t);
    const { trail } = await auditTrailFor(repo);
    trail.record(auditEntryFixture(1));
    t.throws(() => repo.transaction(() => {
      repo.upsertSubject({ tid: 'T', oid: 'O', upn: null, displayName: null, givenName: null, familyName: null });
      repo.saveProfile({ profileId: 'p', tid: 'T', oid: 'O', template: Buffer.alloc(4), modelId: 'm', enrolment: null });
      repo.createSession(sessionFixture('s'));
      repo.rememberOnce('nonce', 'n', Date.now() + 1000);
      trail.record(auditEntryFixture(2));
      throw new Error('decision failed half-way');
    }), { message: 'decision failed half-way' });
    t.equal(repo.getSubject('T', 'O'), null);
    t.equal(repo.getProfile('T', 'O'), null);
    t.equal(repo.getSession('s'), null);
    t.equal(repo.rememberOnce('nonce', 'n', Date.now() + 1000), true, 'the nonce was not kept');
    t.equal(repo.lastAuditRecord()?.seq, 1, 'the audit chain did not advance');
    t.equal(trail.record(auditEntryFixture(3)).seq, 2, 'and continues without a gap');
  });

  t.test('the plain audit insert stores a formed record as given and refuses a duplicate or malformed one', async (t) => {
    const { repo } = await backend.temp(t);
    const record = { ...auditEntryFixture(1), seq: 1, prevHash: '0'.repeat(64), hash: 'c'.repeat(64), mac: 'a'.repeat(64) };
    repo.insertAuditRecord(record);
    t.same(repo.lastAuditRecord(), record, 'no validation or hashing of its own: the trail formed it');
    t.throws(() => repo.insertAuditRecord({ ...record, hash: 'd'.repeat(64) }), { code: 'ERR_STORE_INPUT', message: 'audit record 1 already exists' });
    t.throws(() => repo.insertAuditRecord({ ...record, seq: 2 }),
      { code: 'ERR_STORE_INPUT', message: `audit record 2: hash ${'c'.repeat(64)} is already stored` });
    t.throws(() => repo.insertAuditRecord({ ...record, seq: 0 }), { code: 'ERR_STORE_INPUT', message: 'audit record seq: expected an integer >= 1' });
    t.throws(() => repo.insertAuditRecord({ ...record, seq: 2, prevHash: 'XYZ' }),
      { code: 'ERR_STORE_INPUT', message: 'audit record prevHash: expected a lowercase hex SHA-256 digest' });
    t.throws(() => repo.insertAuditRecord({ ...record, seq: 2, hash: 'e'.repeat(64), tid: '' }),
      { code: 'ERR_STORE_INPUT', message: 'audit record tid: expected a non-empty string' });
    t.throws(() => repo.insertAuditRecord({ ...record, seq: 2, hash: 'e'.repeat(64), at: 1.5 }),
      { code: 'ERR_STORE_INPUT', message: 'audit record at: expected ms since epoch (integer)' });
    t.throws(() => repo.insertAuditRecord({ ...record, seq: 2, hash: 'e'.repeat(64), mac: 'MAC' }),
      { code: 'ERR_STORE_INPUT', message: 'audit record mac: expected null or a lowercase hex HMAC-SHA256' });
    t.same([...repo.auditRecords()], [record], 'nothing else was written');
  });

  t.test('audit records read back exactly as appended', async (t) => {
    const store = await backend.temp(t);
    const { repo } = store;
    const { trail } = await auditTrailFor(repo);
    const appended = [1, 2, 3].map((i) => trail.record(auditEntryFixture(i)));
    t.same([...repo.auditRecords()], appended);
    t.same([...repo.auditRecords(2)].map((r) => r.seq), [2, 3]);
    t.same(repo.auditRecord(2), appended[1], 'one record by its seq');
    t.equal(repo.auditRecord(4), null, 'none past the end');
    t.equal(repo.auditRecord(0), null, 'nor before the start');
    t.equal(appended[1].prevHash, appended[0].hash);
    t.equal(appended[0].prevHash, '0'.repeat(64));
    await t.rejects(store.raw("UPDATE audit_records SET decision = 'denied' WHERE seq = 1"), { message: 'audit_records is append-only' });
    await t.rejects(store.raw('DELETE FROM audit_records WHERE seq = 3'), { message: 'audit_records is append-only' });
    if (backend.name === 'postgres') await t.rejects(store.raw('TRUNCATE audit_records'), { message: 'audit_records is append-only' }, 'TRUNCATE too');
    t.equal([...repo.auditRecords()].length, 3, 'the records are all there');
  });

  t.test('a duplicate-capture lookup finds a digest by its index, not by walking the account\'s sessions', async (t) => {
    const { repo } = await backend.temp(t);
    const key = repo.saveDataKey({ keyId: 'dk-1', wrappingKeyId: 'test', wrapped: Buffer.alloc(40), createdAt: 1 });
    const seal = { iv: Buffer.alloc(12), tag: Buffer.alloc(16) };
    const digest = (n: number) => n.toString(16).padStart(64, '0');
    for (let i = 1; i <= 3; i += 1) {
      repo.createSession(sessionFixture(`s${i}`));
      repo.putEvidence({ evidenceId: `e${i}`, sessionId: `s${i}`, kind: 'selfie', mediaType: 'image/jpeg', sha256: digest(i), createdAt: i }, Buffer.alloc(1), key.keyId, seal);
    }
    repo.createSession(sessionFixture('other', { oid: 'object-2' }));
    t.equal(repo.evidenceSeenForAccount('tenant-1', 'object-1', digest(2), 's3'), true, 'an earlier session of the account');
    t.equal(repo.evidenceSeenForAccount('tenant-1', 'object-1', digest(2), 's2'), false, 'the same session does not count');
    t.equal(repo.evidenceSeenForAccount('tenant-1', 'object-2', digest(2), 'other'), false, 'another account');
    if (backend.name !== 'sqlite') return; // the plan check reads SQLite's planner
    const plan = repo.database.prepare(`EXPLAIN QUERY PLAN SELECT 1 FROM verification_sessions s JOIN evidence e ON e.session_id = s.session_id
      WHERE s.tid = ? AND s.oid = ? AND e.sha256 = ? AND s.session_id != ? LIMIT 1`).all('t', 'o', digest(1), 'x') as Array<{ detail: string }>;
    t.match(plan.map((p) => p.detail).join('\n'), /evidence_sha256/, 'the plan starts from the digest');
  });

  t.test('stations: added, read by id and by key, listed oldest first, revoked once; malformed or duplicate ones refused', async (t) => {
    const { repo } = await backend.temp(t);
    const key = (n: number) => ({ publicKey: Buffer.from([0x30, n]), keySha256: String(n).repeat(64).slice(0, 64) });
    const a = repo.addStation({ stationId: 'a'.repeat(32), name: 'Kiosk A', algorithm: 'ES256', createdAt: 2_000, ...key(1) });
    t.same(a, { stationId: 'a'.repeat(32), name: 'Kiosk A', algorithm: 'ES256', createdAt: 2_000, revokedAt: null, ...key(1) });
    repo.addStation({ stationId: 'b'.repeat(32), name: 'Kiosk B', algorithm: 'RS256', createdAt: 1_000, ...key(2) });
    t.same(repo.listStations().map((s) => s.name), ['Kiosk B', 'Kiosk A'], 'oldest first');
    t.equal(repo.getStationByKey(key(2).keySha256)?.stationId, 'b'.repeat(32));
    t.equal(repo.getStation('c'.repeat(32)), null);
    t.throws(() => repo.addStation({ stationId: 'a'.repeat(32), name: 'Again', algorithm: 'ES256', createdAt: 3_000, ...key(3) }), { code: 'ERR_STORE_INPUT', message: `station ${'a'.repeat(32)} already exists` });
    t.throws(() => repo.addStation({ stationId: 'c'.repeat(32), name: 'Same key', algorithm: 'ES256', createdAt: 3_000, ...key(1) }), { code: 'ERR_STORE_INPUT', message: 'a station with this public key already exists' });
    t.throws(() => repo.addStation({ stationId: 'C'.repeat(32), name: 'x', algorithm: 'ES256', createdAt: 3_000, ...key(4) }), { code: 'ERR_STORE_INPUT', message: /stationId: expected 32 lowercase hex/ });
    t.throws(() => repo.addStation({ stationId: 'c'.repeat(32), name: 'x', algorithm: 'EdDSA' as never, createdAt: 3_000, ...key(4) }), { code: 'ERR_STORE_INPUT', message: /algorithm: expected ES256 \| RS256/ });
    t.throws(() => repo.addStation({ stationId: 'c'.repeat(32), name: 'x'.repeat(101), algorithm: 'ES256', createdAt: 3_000, ...key(4) }), { code: 'ERR_STORE_INPUT', message: /out of bounds/ });
    t.equal(repo.listStations().length, 2, 'nothing written by the refusals');
    t.equal(repo.revokeStation('a'.repeat(32), 5_000), true);
    t.equal(repo.revokeStation('a'.repeat(32), 6_000), false, 'revoked once');
    t.equal(repo.revokeStation('c'.repeat(32), 6_000), false, 'unknown');
    t.equal(repo.getStation('a'.repeat(32))?.revokedAt, 5_000, 'the first revocation time stays');
  });
});
