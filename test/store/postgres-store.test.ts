// The PostgreSQL store's own behaviour (the shared repository suites run on it elsewhere): how it opens,
// refuses and fails. A real PostgreSQL 15 is started for this file.
import t from 'tap';
import pg from 'pg';
import { startPostgres, type PostgresServer } from '../helpers/postgres-server.js';
import { freePort } from '../helpers/free-port.js';
import { openPostgresDatabase, openPostgresRepository } from '../../src/store/postgres/open-postgres.js';
import { STORE_WRITE_LOCK_KEY } from '../../src/store/postgres/postgres-sql-database.js';
import { migrations } from '../../src/store/migrations/index.js';
import { postgresMigrations } from '../../src/store/migrations/postgres/index.js';
import { schemaVersion } from '../../src/store/migrate.js';
import { toPostgresSql } from '../../src/store/postgres/postgres-sql.js';
import { openConfiguredRepository, storeLocation } from '../../src/store/open-store.js';
import { buildConfig } from '../../src/config/index.js';
import { makeBackup } from '../../src/cli/backup/make-backup.js';
import { tmpdir } from 'node:os';
import path from 'node:path';

let server: PostgresServer;
t.before(async () => { server = await startPostgres(t); });

const open = async (overrides = {}) => {
  const db = openPostgresDatabase(server.storeOptions(await server.createDatabase(), overrides));
  t.teardown(() => db.close());
  return db;
};

t.test('statements written for SQLite are rewritten for PostgreSQL', async (t) => {
  t.same(toPostgresSql('SELECT * FROM x WHERE a = ? AND b = ?'), { text: 'SELECT * FROM x WHERE a = $1 AND b = $2', names: null, count: 2 });
  t.same(toPostgresSql('UPDATE x SET a = @a WHERE b = @b OR c = @a'), { text: 'UPDATE x SET a = $1 WHERE b = $2 OR c = $1', names: ['a', 'b'], count: 2 });
  t.same(toPostgresSql("INSERT OR IGNORE INTO x (a) VALUES (?)").text, 'INSERT INTO x (a) VALUES ($1) ON CONFLICT DO NOTHING');
  t.same(toPostgresSql('DELETE FROM x WHERE t IS ? AND u IS NULL').text, 'DELETE FROM x WHERE t IS NOT DISTINCT FROM $1 AND u IS NULL');
  t.same(toPostgresSql("SELECT '?', \"@x\", a::text FROM x -- ?\nWHERE b = ?").text, "SELECT '?', \"@x\", a::text FROM x -- ?\nWHERE b = $1", 'quotes, comments and casts are kept');
  t.throws(() => toPostgresSql('SELECT ? WHERE a = @a'), /mixes \? and @name/);
});

t.test('the PostgreSQL migrations have the SQLite ones\' versions and names, and open to the same version', async (t) => {
  t.same(postgresMigrations.map((m) => [m.version, m.name]), migrations.map((m) => [m.version, m.name]));
  const db = await open();
  t.equal(schemaVersion(db), migrations.length);
});

t.test('a database newer than this code, or with an edited migration, is refused', async (t) => {
  const name = await server.createDatabase();
  openPostgresDatabase(server.storeOptions(name)).close();
  await server.query(name, "INSERT INTO schema_migrations VALUES (99, 'future', 'x', 0)");
  t.throws(() => openPostgresDatabase(server.storeOptions(name)), { code: 'ERR_STORE_SCHEMA', message: `database schema version 99 is newer than this proofgate knows (${migrations.length}); run the proofgate release that wrote it, or restore a backup made before the upgrade` });
  await server.query(name, 'DELETE FROM schema_migrations WHERE version = 99');
  await server.query(name, "UPDATE schema_migrations SET checksum = 'edited' WHERE version = 5");
  t.throws(() => openPostgresDatabase(server.storeOptions(name)), { code: 'ERR_STORE_SCHEMA', message: 'migration 5 (account-lockout) in the database differs from the code\'s; released migrations must not be edited' });
});

t.test('a database that does not sort text bytewise is refused with how to create one', async (t) => {
  const name = `store_collation_${process.pid}`;
  // C.UTF-8 is built into Debian 12's glibc: sorts by code point, but it is not the C collation.
  await server.query('postgres', `CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8'`);
  t.throws(() => openPostgresDatabase(server.storeOptions(name)), { code: 'ERR_STORE', message: /sorts text by collation C\.UTF-8; proofgate needs C \(create it with: CREATE DATABASE/ });
});

t.test('an unreachable server fails with ERR_STORE within the connect timeout', async (t) => {
  const port = await freePort();
  const started = Date.now();
  t.throws(() => openPostgresDatabase({ ...server.storeOptions('postgres'), port, connectTimeoutMs: 2000 }),
    { code: 'ERR_STORE', message: new RegExp(`^cannot connect to the PostgreSQL store proofgate@127\\.0\\.0\\.1:${port}/postgres: .*ECONNREFUSED`) });
  t.ok(Date.now() - started < 10_000, 'no hang');
});

t.test('a statement past store.postgres.statementTimeoutMs fails with ERR_STORE; the connection stays usable', async (t) => {
  const db = await open({ statementTimeoutMs: 300 });
  t.throws(() => db.prepare('SELECT pg_sleep(5)').get(), { code: 'ERR_STORE', message: /statement timeout/ });
  t.same(db.prepare('SELECT 1 AS one').get(), { one: 1 });
});

t.test('when the server does not cancel, the caller still gives up, and the late answer is not taken for the next one', async (t) => {
  const db = await open({ statementTimeoutMs: 300 });
  db.exec('SET statement_timeout = 0'); // what a server that ignores the limit looks like to the caller
  const started = Date.now();
  t.throws(() => db.prepare('SELECT pg_sleep(3.5) AS slept').get(), { code: 'ERR_STORE', message: /did not answer within 2300 ms$/ });
  t.ok(Date.now() - started < 3000, 'gave up at the limit, not when the server answered');
  t.same(db.prepare("SELECT 'next' AS answer").get(), { answer: 'next' }, 'the next statement gets its own answer');
});

t.test('a writer waiting on another node\'s write lock gives up with ERR_STORE instead of hanging', async (t) => {
  const name = await server.createDatabase();
  const repo = openPostgresRepository(server.storeOptions(name, { statementTimeoutMs: 500 }));
  t.teardown(() => repo.close());
  const other = new pg.Client({ host: server.host, port: server.port, user: server.user, database: name });
  await other.connect();
  t.teardown(() => other.end());
  await other.query(`BEGIN; SELECT pg_advisory_xact_lock(${STORE_WRITE_LOCK_KEY})`);
  t.throws(() => repo.rememberOnce('nonce', 'n', Date.now() + 1000), { code: 'ERR_STORE', message: /statement timeout/ });
  await other.query('ROLLBACK');
  t.equal(repo.rememberOnce('nonce', 'n', Date.now() + 1000), true, 'written once the lock is free');
});

t.test('transactions: savepoints roll back alone; a swallowed statement failure cannot commit silently', async (t) => {
  const db = await open();
  db.exec('CREATE TABLE t (k TEXT PRIMARY KEY)');
  const insert = db.prepare('INSERT INTO t (k) VALUES (?)');
  const count = () => (db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n;
  db.transaction(() => {
    insert.run('outer');
    t.throws(() => db.transaction(() => { insert.run('inner'); throw new Error('inner failed'); }), { message: 'inner failed' });
  });
  t.equal(count(), 1, 'the outer row committed, the savepoint\'s did not');
  t.throws(() => db.transaction(() => {
    insert.run('a');
    try { insert.run('a'); } catch { /* a caller that swallows the failure */ }
  }), { code: 'ERR_STORE', message: 'the transaction was rolled back: a statement inside it failed' });
  t.equal(count(), 1, 'nothing of it was written');
  t.throws(() => db.transaction((() => Promise.resolve(1)) as never), { message: 'Transaction function cannot return a promise' });
  t.equal(db.inTransaction, false);
});

t.test('integers beyond 2^53 are refused, not rounded; blobs come back as Buffers', async (t) => {
  const db = await open();
  t.throws(() => db.prepare('SELECT 9007199254740993::bigint AS n').get(), { code: 'ERR_STORE', message: 'column n: integer 9007199254740993 is beyond what JavaScript holds exactly' });
  t.same(db.prepare('SELECT 9007199254740991::bigint AS n').get(), { n: 9007199254740991 });
  const row = db.prepare('SELECT ?::bytea AS b').get(Buffer.from([0, 1, 255])) as { b: Buffer };
  t.ok(Buffer.isBuffer(row.b));
  t.same([...row.b], [0, 1, 255]);
});

t.test('store.backend "postgres" opens the configured PostgreSQL store; an unreadable passwordFile is named', async (t) => {
  const database = await server.createDatabase();
  const postgres = { host: server.host, port: server.port, database, user: server.user };
  const repo = openConfiguredRepository(buildConfig({ store: { backend: 'postgres', postgres } }));
  t.teardown(() => repo.close());
  t.equal(repo.dialect, 'postgres');
  t.equal(storeLocation(buildConfig({ store: { backend: 'postgres', postgres } })), `PostgreSQL proofgate@127.0.0.1:${server.port}/${database}`);
  t.equal(repo.rememberOnce('hint', 'h', Date.now() + 1000), true);
  t.throws(() => openConfiguredRepository(buildConfig({ store: { backend: 'postgres', postgres: { ...postgres, passwordFile: '/nonexistent/pw' } } })),
    { code: 'ERR_STORE', message: /^cannot read store\.postgres\.passwordFile \/nonexistent\/pw: ENOENT/ });
});

t.test('proofgate backup refuses a PostgreSQL store instead of archiving a SQLite file that is not the store', async (t) => {
  const config = buildConfig({ server: { dataDir: tmpdir() }, store: { backend: 'postgres' } });
  await t.rejects(makeBackup(config, { out: path.join(tmpdir(), `never-${process.pid}.tar`), configFile: null, withPins: false }),
    { code: 'ERR_STORE', message: /^proofgate backup copies the SQLite store; with store\.backend "postgres" back the database up with PostgreSQL's own tools/ });
});

t.test('the connection going away is replaced by the next statement (test/store/postgres-reconnect.test.ts has the rest)', async (t) => {
  const repo = openPostgresRepository(server.storeOptions(await server.createDatabase()));
  t.teardown(() => repo.close());
  await server.query('postgres', "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'proofgate'");
  await new Promise((r) => setTimeout(r, 200)); // let the worker see the connection close
  t.equal(repo.getSession('s'), null, 'the next statement runs, on a new connection');
});
