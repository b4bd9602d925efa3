// The PostgreSQL store through a lost connection (a terminated backend, a server restart, a connection or a
// server that stops answering, as after a failover): the statement in flight fails with ERR_STORE, a transaction that
// lost its connection is rolled back whole and never goes on elsewhere, and the next statement outside a
// transaction runs on a new connection, without reopening the store. A real PostgreSQL 15 is started for
// this file and stopped and started again by one test.
import t, { type Test } from 'tap';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { startPostgres, untilStoreAnswers, type PostgresServer } from '../helpers/postgres-server.js';
import { openPostgresDatabase, type PostgresStoreOptions } from '../../src/store/postgres/open-postgres.js';
import type { PostgresSqlDatabase } from '../../src/store/postgres/postgres-sql-database.js';
import { RECONNECT_EVERY_MS } from '../../src/store/postgres/postgres-bridge.js';
import { SqlRepository } from '../../src/store/sqlite-repository.js';
import { storeWriteHealth } from '../../src/store/store-health.js';
import { recordLog, type LogRecorder } from '../helpers/log-recorder.js';

let server: PostgresServer;
t.before(async () => { server = await startPostgres(t); });

interface OpenStore { db: PostgresSqlDatabase; repo: SqlRepository; database: string; log: LogRecorder }

async function openStore(t: Test, overrides: Partial<PostgresStoreOptions> = {}): Promise<OpenStore> {
  const database = await server.createDatabase();
  const log = recordLog();
  const db = openPostgresDatabase(server.storeOptions(database, overrides), undefined, log.log);
  t.teardown(() => db.close());
  return { db, repo: new SqlRepository(db), database, log };
}

const backendPid = (db: PostgresSqlDatabase) => db.execute('SELECT pg_backend_pid() AS pid').rows[0]!.pid as number;
const storedOnceValues = async (database: string) => Number((await server.query(database, 'SELECT count(*) AS n FROM one_time_values')).rows[0].n);
const LATER = Date.now() + 3_600_000;

/** Waits until the server no longer lists the backend, then a moment for the store's worker to read the news. */
async function untilGone(pid: number): Promise<void> {
  for (let i = 0; i < 100; i += 1) {
    if ((await server.query('postgres', 'SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid])).rowCount === 0) break;
    await sleep(50);
  }
  await sleep(100);
}

/** Runs `write` until it stops failing with ERR_STORE (the worker reconnects within RECONNECT_EVERY_MS and a connect), at most 20 s. */

const events = (log: LogRecorder) => log.lines().filter((l) => l.event.startsWith('store-')).map((l) => [l.event, l.level]);

t.test('a backend terminated while idle: the next statement runs on a new connection; one warning, one info line', async (t) => {
  const { db, repo, log, database } = await openStore(t);
  const before = backendPid(db);
  await server.query('postgres', 'SELECT pg_terminate_backend($1)', [before]);
  await untilGone(before);
  t.equal(repo.rememberOnce('nonce', 'after-termination', LATER), true, 'the statement after the loss runs');
  const after = backendPid(db);
  t.not(after, before, 'on a new backend');
  t.same(events(log), [['store-connection-lost', 'warn'], ['store-reconnected', 'info']]);
  t.match(log.lines('store-connection-lost')[0], { store: `proofgate@127.0.0.1:${server.port}/${database}`, error: /terminating connection due to administrator command/ });
  t.match(log.lines('store-reconnected')[0], { store: `proofgate@127.0.0.1:${server.port}/${database}`, downMs: Number });
  t.equal(repo.rememberOnce('nonce', 'after-termination', LATER), false, 'what it wrote is there');
  t.equal(backendPid(db), after, 'and the new connection stays');
});

t.test('the statement in flight when its backend ends fails with ERR_STORE; the next one runs on a new backend', async (t) => {
  const { db, repo } = await openStore(t);
  const before = backendPid(db);
  t.throws(() => db.execute('SELECT pg_terminate_backend(pg_backend_pid())'),
    { code: 'ERR_STORE', message: /^the PostgreSQL store failed: terminating connection due to administrator command/ });
  t.equal(repo.getSession('nobody'), null, 'the next statement runs');
  t.not(backendPid(db), before, 'on a new backend');
  // The named prepared statements live per connection: the new one parses them again.
  t.equal(repo.rememberOnce('nonce', 'prepared-again', LATER), true);
  t.equal(repo.rememberOnce('nonce', 'prepared-again', LATER), false);
});

t.test('a transaction whose backend is terminated in the middle is rolled back whole; the store goes on', async (t) => {
  const { db, repo, database } = await openStore(t);
  const before = backendPid(db);
  t.throws(() => repo.transaction(() => {
    repo.rememberOnce('nonce', 'first', LATER);
    server.querySync('postgres', `SELECT pg_terminate_backend(${before}, 5000)`);
    repo.rememberOnce('nonce', 'second', LATER);
  }), { code: 'ERR_STORE' }, 'the statement after the loss fails, and the transaction with it');
  t.equal(repo.rememberOnce('nonce', 'third', LATER), true, 'the next statement outside a transaction runs');
  t.not(backendPid(db), before, 'on a new backend');
  t.equal(await storedOnceValues(database), 1, 'nothing of the lost transaction is stored: only what came after');
  t.equal(repo.rememberOnce('nonce', 'first', LATER), true, 'its first write was rolled back');
});

t.test('inside a transaction whose connection is lost, a caller that swallows the failure gets no statement run on a new connection', async (t) => {
  const { db, repo, database } = await openStore(t);
  const before = backendPid(db);
  const swallowed: string[] = [];
  const attempt = (write: () => unknown) => {
    try {
      write();
    } catch (e) {
      swallowed.push((e as Error).message);
    }
  };
  t.throws(() => repo.transaction(() => {
    attempt(() => repo.rememberOnce('nonce', 'one', LATER));
    server.querySync('postgres', `SELECT pg_terminate_backend(${before}, 5000)`);
    attempt(() => repo.rememberOnce('nonce', 'two', LATER));
    attempt(() => repo.rememberOnce('nonce', 'three', LATER));
    attempt(() => repo.transaction(() => repo.rememberOnce('nonce', 'nested', LATER))); // a savepoint: refused as well
  }), { code: 'ERR_STORE', message: /^the connection to the PostgreSQL store proofgate@127\.0\.0\.1:\d+\/\w+ was lost inside a transaction; the server rolled the transaction back$/ },
  'its COMMIT fails: the caller hears that nothing was written');
  t.equal(swallowed.length, 3, 'every statement after the loss failed');
  t.match(swallowed.slice(1), [/was lost inside a transaction/, /was lost inside a transaction/], 'without being sent to a new connection');
  t.equal(await storedOnceValues(database), 0, 'nothing is stored');

  // The write lock was the lost transaction's: it went with its backend. Another store takes it at once
  // (a wait would time out after 1 s), and so does this one on its new connection.
  const other = new SqlRepository(openPostgresDatabase(server.storeOptions(database, { statementTimeoutMs: 1000 })));
  t.teardown(() => other.close());
  t.equal(other.rememberOnce('nonce', 'other', LATER), true);
  t.equal(repo.transaction(() => repo.rememberOnce('nonce', 'one', LATER)), true);
  t.not(backendPid(db), before);
});

t.test('the server stopped: statements fail fast with ERR_STORE; started again on its port, they run without reopening the store', async (t) => {
  const { db, repo, log } = await openStore(t, { connectTimeoutMs: 5000 });
  const before = backendPid(db);
  server.stop('fast');
  let restarted = false;
  t.teardown(() => { if (!restarted) server.start(); });
  await sleep(100); // the worker reads the server's goodbye

  const started = Date.now();
  t.throws(() => repo.getSession('s'), { code: 'ERR_STORE', message: /^cannot reconnect to the PostgreSQL store proofgate@127\.0\.0\.1:\d+\/\w+: .*ECONNREFUSED/ },
    'the first statement tries to reconnect, and fails');
  for (let i = 0; i < 3; i += 1) {
    t.throws(() => repo.rememberOnce('nonce', 'during', LATER),
      { code: 'ERR_STORE', message: /^the PostgreSQL store proofgate@127\.0\.0\.1:\d+\/\w+ is unreachable \(.*ECONNREFUSED.*\); trying to reconnect every 1000 ms$/ },
      'the next ones fail at once while the worker retries in the background');
    await sleep(RECONNECT_EVERY_MS / 2);
  }
  t.match(storeWriteHealth(repo, Date.now()), { ok: false, detail: 'not writable (ERR_STORE)' }, '/health reports the store down');
  t.ok(Date.now() - started < 5000 + 3 * RECONNECT_EVERY_MS, 'no statement waited out the connect timeout');
  t.equal(db.open, true, 'the store stays open');

  server.start();
  restarted = true;
  t.equal(await untilStoreAnswers(() => repo.rememberOnce('nonce', 'after-restart', LATER)), true, 'after the restart, statements run again');
  t.not(backendPid(db), before);
  t.match(storeWriteHealth(repo, Date.now()), { ok: true });
  t.same(events(log), [['store-connection-lost', 'warn'], ['store-reconnected', 'info']], 'one warning for the outage, one line when it ended');
  t.equal(repo.getSession('s'), null);
});

t.test('a connection that stops answering (as after a failover that moved the address) is dropped; the next statement runs on a new one', async (t) => {
  const { db, repo } = await openStore(t, { statementTimeoutMs: 500 });
  const before = backendPid(db);
  // A stopped backend neither answers nor cancels on statement_timeout: the bridge gives up after the
  // timeout and its margin.
  process.kill(before, 'SIGSTOP');
  t.teardown(() => { try { process.kill(before, 'SIGCONT'); } catch { /* gone */ } });
  t.throws(() => repo.getSession('s'), { code: 'ERR_STORE', message: /^the PostgreSQL store proofgate@127\.0\.0\.1:\d+\/\w+ did not answer within 2500 ms$/ });
  t.equal(repo.rememberOnce('nonce', 'elsewhere', LATER), true, 'the next statement runs');
  t.not(backendPid(db), before, 'on a new backend');
  process.kill(before, 'SIGCONT');
});

t.test('a server that takes connections but never answers: one statement waits out the connect timeout, the next ones fail at once', async (t) => {
  const { db, repo, log } = await openStore(t, { connectTimeoutMs: 1000 });
  const before = backendPid(db);
  // A stopped postmaster: the kernel still accepts the TCP connection, nothing answers on it (as an
  // address that moved to a host that is not up yet).
  const postmaster = Number(readFileSync(`/proc/${before}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
  process.kill(postmaster, 'SIGSTOP');
  let stopped = true;
  t.teardown(() => { if (stopped) process.kill(postmaster, 'SIGCONT'); });
  process.kill(before, 'SIGTERM'); // what pg_terminate_backend sends
  await sleep(200);

  t.throws(() => repo.getSession('s'), { code: 'ERR_STORE', message: /^cannot reconnect to the PostgreSQL store proofgate@127\.0\.0\.1:\d+\/\w+: .*timeout/ },
    'the first statement waits for the connect timeout, and fails');
  for (let i = 0; i < 3; i += 1) {
    const asked = Date.now();
    t.throws(() => repo.getSession('s'), { code: 'ERR_STORE', message: /is unreachable \(.*timeout.*\); trying to reconnect every 1000 ms$/ });
    t.ok(Date.now() - asked < 500, 'the next ones fail without waiting for a connection');
    await sleep(700);
  }
  process.kill(postmaster, 'SIGCONT');
  stopped = false;
  t.equal(await untilStoreAnswers(() => repo.rememberOnce('nonce', 'answered', LATER)), true, 'once the server answers, statements run again');
  t.not(backendPid(db), before);
  t.same(events(log), [['store-connection-lost', 'warn'], ['store-reconnected', 'info']]);
});
