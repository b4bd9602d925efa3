// Child process for the multi-writer test: appends `count` audit records to the store at argv[2] (a SQLite
// file, or PostgreSQL store options as JSON) through its own AuditTrail (the one door; each record() is
// one IMMEDIATE transaction).
import { AuditTrail } from '../../src/audit/audit-trail.js';
import { SoftwareKeyRing } from '../../src/hsm/software-key-ring.js';
import { SoftwareAuditMacKeys } from '../../src/hsm/software-audit-mac-keys.js';
import { openSqliteRepository } from '../../src/store/sqlite-repository.js';
import { openPostgresRepository } from '../../src/store/postgres/open-postgres.js';
import { auditEntryFixture } from './store-fixtures.js';

const [store, count, tag] = process.argv.slice(2);
const repo = store.startsWith('{') ? openPostgresRepository(JSON.parse(store)) : openSqliteRepository(store, { busyTimeoutMs: 20_000 });
// No count checkpoint within the run: each process's key is its own, and the test verifies the chain alone.
// One MAC secret shared by every worker (it stands in for the one HSM); the window covers the whole run.
const trail = new AuditTrail(repo, await SoftwareKeyRing.create(), { checkpointEvery: 1_000_000, checkpointIntervalSeconds: 0 },
  { macKeys: new SoftwareAuditMacKeys(Buffer.alloc(32, 7)) });
await trail.prepare();
for (let i = 0; i < Number(count); i += 1) {
  trail.record(auditEntryFixture(i, { sessionId: `${tag}-${i}` }));
  repo.rememberOnce('nonce', `${tag}-${i}`, Date.now() + 60_000);
}
await trail.flush();
repo.close();
