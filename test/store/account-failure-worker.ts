// Child process for the lockout concurrency test: counts `count` failures of one account in the store at
// argv[2] through the lockout rule, each in its own IMMEDIATE transaction (as the decision's claim does).
import { openSqliteRepository } from '../../src/store/sqlite-repository.js';
import { openPostgresRepository } from '../../src/store/postgres/open-postgres.js';
import { countLockoutFailure } from '../../src/verification/policy/account-lockout.js';

const [store, count, tag, maxFailures] = process.argv.slice(2);
// argv[2]: the SQLite file, or PostgreSQL store options as JSON.
const repo = store.startsWith('{') ? openPostgresRepository(JSON.parse(store)) : openSqliteRepository(store, { busyTimeoutMs: 20_000 });
const config = { maxFailures: Number(maxFailures), windowMinutes: 15, lockMinutes: 30, maxFailuresPerDay: 1000 };
for (let i = 0; i < Number(count); i += 1) {
  repo.transaction(() => countLockoutFailure(repo, { tid: 'tenant-1', oid: 'object-1', sessionId: `${tag}-${i}` }, config, Date.now()));
}
repo.close();
