import t from 'tap';
import path from 'node:path';
import { buildConfig } from '../../src/config/index.js';
import { storeDatabasePath } from '../../src/store/open-store.js';

t.test('store and audit sections: defaults, overrides and named errors', async (t) => {
  const config = buildConfig({});
  t.same(config.store, { databaseFile: 'proofgate.sqlite', retentionDays: 30, busyTimeoutMs: 5000 });
  t.same({ ...config.audit, feed: undefined }, { checkpointEvery: 100, checkpointIntervalSeconds: 3600, witnessFile: null, feed: undefined });
  t.equal(config.audit.feed.kind, 'off', 'the SIEM feed is off by default (test/audit/feed-config.test.ts covers its keys)');
  t.equal(storeDatabasePath(buildConfig({ server: { dataDir: '/srv/pg' } })), path.join('/srv/pg', 'proofgate.sqlite'));
  t.equal(storeDatabasePath(buildConfig({ store: { databaseFile: '/abs/db.sqlite' } })), '/abs/db.sqlite');
  t.throws(() => buildConfig({ store: { retentionDays: -1 } }), { code: 'ERR_CONFIG', message: 'config config.store.retentionDays: expected an integer in 0..36500, received -1' });
  t.throws(() => buildConfig({ store: { retentionDays: '30' } }), { code: 'ERR_CONFIG', message: /retentionDays: expected an integer/ });
  t.throws(() => buildConfig({ audit: { checkpointEvery: 0 } }), { code: 'ERR_CONFIG', message: 'config config.audit.checkpointEvery: expected an integer in 1..1000000, received 0' });
  t.throws(() => buildConfig({ audit: { checkpointEvry: 5 } }), { code: 'ERR_CONFIG', message: 'config config.audit.checkpointEvry: expected no such key (misspelled?), received 5' });
});
