import t from 'tap';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { verifyAuditChain } from '../../src/audit/verify-chain.js';
import { forEachStoreBackend } from '../helpers/store-backends.js';

const run = promisify(execFile);
const worker = path.join(path.dirname(fileURLToPath(import.meta.url)), '../helpers/append-audit-worker.ts');

forEachStoreBackend(t, (t, backend) => {
  t.test('two processes appending at once keep one gapless chain', async (t) => {
    const { repo, location } = await backend.temp(t);
    const store = typeof location === 'string' ? location : JSON.stringify(location);
    await Promise.all(['a', 'b'].map((tag) => run(process.execPath, ['--import', 'tsx', worker, store, '60', tag])));
    const records = [...repo.auditRecords()];
    t.equal(records.length, 120);
    t.same(records.map((r) => r.seq), Array.from({ length: 120 }, (_, i) => i + 1));
    t.equal(records.filter((r) => r.sessionId?.startsWith('a-')).length, 60);
    t.same(verifyAuditChain(repo, []).problem, null);
  });
});
