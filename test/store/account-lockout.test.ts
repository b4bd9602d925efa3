// The store's lockout rows (migration 5): failures counted over a window, a lock that spends them for the
// short window but keeps them for the daily cap, short and staff locks, the reset; bad input refused with
// nothing written; two processes counting at once lose nothing.
import t from 'tap';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';

const run = promisify(execFile);
const worker = path.join(path.dirname(fileURLToPath(import.meta.url)), 'account-failure-worker.ts');
const A = { tid: 'tenant-1', oid: 'object-1' };
const B = { tid: 'tenant-1', oid: 'object-2' };
import { forEachStoreBackend } from '../helpers/store-backends.js';

forEachStoreBackend(t, (t, backend) => {
  t.test('failures count per account over a window; a lock spends them for the window but keeps them; reset deletes lock and failures', async (t) => {
    const { repo } = await backend.temp(t);
    repo.addAccountFailure({ ...A, sessionId: 's1', at: 1000 }, 0);
    repo.addAccountFailure({ ...A, sessionId: 's2', at: 2000 }, 0);
    repo.addAccountFailure({ ...B, sessionId: 's3', at: 2000 }, 0);
    t.equal(repo.countAccountFailures(B.tid, B.oid, 0), 1, 'another account counts alone');
    t.equal(repo.countAccountFailures(A.tid, A.oid, 0), 2);
    t.equal(repo.countAccountFailures(A.tid, A.oid, 1000), 1, 'the window start is exclusive');
    repo.addAccountFailure({ ...A, sessionId: 's4', at: 3000 }, 1500);
    t.equal(repo.countAccountFailures(A.tid, A.oid, 0), 2, 'the failure at 1000 is no longer kept: deleted');

    t.equal(repo.getAccountLock(A.tid, A.oid), null);
    const short = { ...A, kind: 'short' as const, lockedAt: 3000, lockedUntil: 9000, failures: 2 };
    repo.lockAccount(short);
    t.same(repo.getAccountLock(A.tid, A.oid), short);
    t.equal(repo.countUnspentAccountFailures(A.tid, A.oid, 0), 0, 'the lock spends the failures: the short window starts afresh');
    t.equal(repo.countAccountFailures(A.tid, A.oid, 0), 2, 'but they are kept for the daily cap');
    repo.addAccountFailure({ ...A, sessionId: 's5', at: 10_000 }, 0);
    t.equal(repo.countUnspentAccountFailures(A.tid, A.oid, 0), 1, 'a failure after the lock counts in the window');
    t.equal(repo.countAccountFailures(A.tid, A.oid, 0), 3);

    const staff = { ...A, kind: 'staff' as const, lockedAt: 10_000, lockedUntil: null, failures: 3 };
    repo.lockAccount(staff);
    t.same(repo.getAccountLock(A.tid, A.oid), staff, 'a staff lock (no end) replaces the short one');

    repo.addAccountFailure({ ...A, sessionId: 's6', at: 21_000 }, 0);
    t.same(repo.resetAccountLockout(A.tid, A.oid), { lock: staff, failures: 4 }, 'the reset deletes the lock and every failure, spent or not');
    t.same(repo.resetAccountLockout(A.tid, A.oid), { lock: null, failures: 0 });
    t.equal(repo.countAccountFailures(B.tid, B.oid, 0), 1, 'the other account is untouched');
  });

  t.test('bad input is refused and writes nothing', async (t) => {
    const { repo } = await backend.temp(t);
    const refused = (fn: () => unknown, message: string | RegExp) => t.throws(fn, { code: 'ERR_STORE_INPUT', message });
    refused(() => repo.addAccountFailure({ ...A, sessionId: '', at: 1 }, 0), 'account failure sessionId: expected a non-empty string');
    refused(() => repo.addAccountFailure({ ...A, sessionId: 's', at: 1.5 }, 0), 'account failure at: expected ms since epoch (integer)');
    refused(() => repo.addAccountFailure({ ...A, sessionId: 's', at: 10 }, 10), 'account failure keepAfter: expected a time before the failure');
    refused(() => repo.lockAccount({ ...A, kind: 'short', lockedAt: 10, lockedUntil: 10, failures: 1 }), 'account lock lockedUntil: expected a time after lockedAt');
    refused(() => repo.lockAccount({ ...A, kind: 'short', lockedAt: 10, lockedUntil: null, failures: 1 }), 'account lock lockedUntil: expected ms since epoch (integer)');
    refused(() => repo.lockAccount({ ...A, kind: 'staff', lockedAt: 10, lockedUntil: 20, failures: 1 }), /^account lock lockedUntil: expected null for a staff lock/);
    refused(() => repo.lockAccount({ ...A, kind: 'forever' as 'staff', lockedAt: 10, lockedUntil: null, failures: 1 }), 'account lock kind: expected "short" or "staff"');
    refused(() => repo.lockAccount({ ...A, kind: 'short', lockedAt: 10, lockedUntil: 20, failures: 0 }), 'account lock failures: expected an integer >= 1');
    t.equal(repo.countAccountFailures(A.tid, A.oid, 0), 0);
    t.equal(repo.getAccountLock(A.tid, A.oid), null);
  });

  t.test('two processes counting failures of one account at once: none is lost, the lock starts at exactly maxFailures', async (t) => {
    const { repo, location } = await backend.temp(t);
    const store = typeof location === 'string' ? location : JSON.stringify(location);
    await Promise.all(['a', 'b'].map((tag) => run(process.execPath, ['--import', 'tsx', worker, store, '40', tag, '50'])));
    t.match(repo.getAccountLock(A.tid, A.oid), { kind: 'short', failures: 50 }, 'the lock started at the 50th failure');
    t.equal(repo.countUnspentAccountFailures(A.tid, A.oid, 0), 30, 'the 30 after it count towards the next');
    t.equal(repo.countAccountFailures(A.tid, A.oid, 0), 80, 'all 80 are kept for the daily cap');
  });
});
