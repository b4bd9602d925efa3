// Child process for the multi-writer test: appends `count` audit records to the store at argv[2].
import { openSqliteRepository } from '../../src/store/sqlite-repository.js';
import { auditEntryFixture } from './store-fixtures.js';

const [file, count, tag] = process.argv.slice(2);
const repo = openSqliteRepository(file, { busyTimeoutMs: 20_000 });
for (let i = 0; i < Number(count); i += 1) {
  repo.appendAudit(auditEntryFixture(i, { sessionId: `${tag}-${i}` }));
  repo.rememberOnce('nonce', `${tag}-${i}`, Date.now() + 60_000);
}
repo.close();
