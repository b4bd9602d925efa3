import t from 'tap';
import path from 'node:path';
import { buildConfig } from '../../src/config/index.js';
import { storeDatabasePath } from '../../src/store/open-store.js';

t.test('store and audit sections: defaults, overrides and named errors', async (t) => {
  const config = buildConfig({});
  t.same(config.store, {
    databaseFile: 'proofgate.sqlite', retentionDays: 30, busyTimeoutMs: 5000, backend: 'sqlite',
    postgres: { host: '127.0.0.1', port: 5432, database: 'proofgate', user: 'proofgate', passwordFile: null, statementTimeoutMs: 10_000, connectTimeoutMs: 10_000, tls: null },
  });
  t.same({ ...config.audit, feed: undefined }, { checkpointEvery: 100, checkpointIntervalSeconds: 3600, witnessFile: null, feed: undefined });
  t.equal(config.audit.feed.kind, 'off', 'the SIEM feed is off by default (test/audit/feed-config.test.ts covers its keys)');
  t.equal(storeDatabasePath(buildConfig({ server: { dataDir: '/srv/pg' } })), path.join('/srv/pg', 'proofgate.sqlite'));
  t.equal(storeDatabasePath(buildConfig({ store: { databaseFile: '/abs/db.sqlite' } })), '/abs/db.sqlite');
  t.throws(() => buildConfig({ store: { retentionDays: -1 } }), { code: 'ERR_CONFIG', message: 'config config.store.retentionDays: expected an integer in 0..36500, received -1' });
  t.throws(() => buildConfig({ store: { retentionDays: '30' } }), { code: 'ERR_CONFIG', message: /retentionDays: expected an integer/ });
  t.throws(() => buildConfig({ audit: { checkpointEvery: 0 } }), { code: 'ERR_CONFIG', message: 'config config.audit.checkpointEvery: expected an integer in 1..1000000, received 0' });
  t.throws(() => buildConfig({ audit: { checkpointEvry: 5 } }), { code: 'ERR_CONFIG', message: 'config config.audit.checkpointEvry: expected no such key (misspelled?), received 5' });
});

t.test('store.backend and store.postgres: validated with messages naming the key', async (t) => {
  const pg = (postgres: Record<string, unknown>) => buildConfig({ store: { backend: 'postgres', postgres } });
  t.match(pg({ host: '/run/postgresql', passwordFile: '/etc/proofgate/pg-password' }).store, { backend: 'postgres', postgres: { host: '/run/postgresql', passwordFile: '/etc/proofgate/pg-password' } });
  t.throws(() => buildConfig({ store: { backend: 'mysql' } }), { code: 'ERR_CONFIG', message: 'config config.store.backend: expected one of sqlite, postgres, received "mysql"' });
  t.throws(() => pg({ host: 'db host' }), { code: 'ERR_CONFIG', message: 'config config.store.postgres.host: expected a host name, an IP address or the absolute path of a socket directory, received "db host"' });
  t.throws(() => pg({ port: 0 }), { code: 'ERR_CONFIG', message: 'config config.store.postgres.port: expected an integer in 1..65535, received 0' });
  t.throws(() => pg({ passwordFile: 'pw.txt' }), { code: 'ERR_CONFIG', message: 'config config.store.postgres.passwordFile: expected an absolute path, or null, received "pw.txt"' });
  t.throws(() => pg({ database: 'a;drop' }), { code: 'ERR_CONFIG', message: /^config config\.store\.postgres\.database: expected a string matching/ });
  t.throws(() => pg({ statementTimeoutMs: 50 }), { code: 'ERR_CONFIG', message: 'config config.store.postgres.statementTimeoutMs: expected an integer in 100..600000, received 50' });
  t.match(pg({ tls: { caFile: '/etc/proofgate/pg-ca.pem' } }).store.postgres.tls, { caFile: '/etc/proofgate/pg-ca.pem', servername: null });
  t.throws(() => pg({ tls: { caFile: 'ca.pem' } }), { code: 'ERR_CONFIG', message: /^config config\.store\.postgres\.tls\.caFile: expected an absolute path of the PEM CA bundle/ });
  t.throws(() => pg({ tls: { caFile: '/ca.pem', verify: false } }), { code: 'ERR_CONFIG', message: 'config config.store.postgres.tls.verify: expected no such key (misspelled?), received false' });
  t.throws(() => pg({ password: 'secret' }), { code: 'ERR_CONFIG', message: 'config config.store.postgres.password: expected no such key (misspelled?), received a string of 6 characters (not shown)' }, 'no password in the config file: passwordFile; the value is not echoed');
});
