// The RecoveryRequests port over a request store and the TAP ledger of migration 012: a request is marked
// once (the primary key refuses a second mark), and only while it is still verified and for recovery.
import t from 'tap';
import { randomUUID } from 'node:crypto';
import { tempRepository } from '../helpers/temp-store.js';
import { SqliteTestRecoveryRequests } from '../helpers/recovery-requests-store.js';
import { SqliteRecoveryTapLedger } from '../../src/store/sqlite-recovery-taps.js';

t.test('one mark per request, only while verified and for recovery', async (t) => {
  const { repo } = tempRepository(t);
  const requests = new SqliteTestRecoveryRequests(repo);
  const r = requests.add({ tid: randomUUID(), oid: randomUUID() });
  t.equal(requests.get(r.id)!.tapIssuedAt, null);
  t.equal(requests.transaction(() => requests.markTapIssued(r.id, 1000)), true);
  t.equal(requests.get(r.id)!.tapIssuedAt, 1000);
  t.equal(requests.markTapIssued(r.id, 2000), false, 'a second mark is refused');
  t.equal(requests.get(r.id)!.tapIssuedAt, 1000, 'and changes nothing');

  const revoked = requests.add({ tid: randomUUID(), oid: randomUUID() });
  requests.setStatus(revoked.id, 'revoked');
  t.equal(requests.markTapIssued(revoked.id, 1000), false, 'revoked since');
  const verifyOnly = requests.add({ tid: randomUUID(), oid: randomUUID(), purpose: 'verify' });
  t.equal(requests.markTapIssued(verifyOnly.id, 1000), false, 'not for recovery');
  t.equal(requests.markTapIssued('nope', 1000), false, 'unknown');
  t.equal(requests.get('nope'), undefined);

  const ledger = new SqliteRecoveryTapLedger(repo.database);
  t.equal(ledger.issuedAt(revoked.id), null, 'refused marks wrote nothing');
  t.throws(() => ledger.markIssued('', 1), /CHECK constraint failed/, 'ids are bounded by the table too');
  t.throws(() => requests.transaction(() => { requests.markTapIssued(requests.add({ tid: 'x', oid: 'y' }).id, 5); throw new Error('rollback'); }), /rollback/);
  t.same(repo.database.prepare('SELECT count(*) AS n FROM recovery_tap_issues').get(), { n: 1 }, 'a mark in a rolled-back transaction is gone with it');
});
