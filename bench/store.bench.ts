// What a store operation costs on each backend, measured in the same run on the same fixed inputs: the
// embedded SQLite file (synchronous = FULL) and a PostgreSQL 15 started here on loopback (the test
// harness's temp cluster, with fsync on so a commit is flushed as SQLite's is). On PostgreSQL the calling
// thread waits in Atomics.wait for every statement (src/store/postgres/postgres-bridge.ts), so each
// row's p50 is also how long the event loop stands still for that operation.
//   node --import tsx bench/store.bench.ts [--count 2000]
// Rows: "SELECT 1 via the bridge" vs "SELECT 1, async pg client" isolates the worker-thread hop (same
// server, same statement, no bridge). Ratio = this row's p50 over the SQLite row's p50 of the same operation.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { median, percentile } from '../eval/lib/latency-stats.js';
import { startPostgres } from '../test/helpers/postgres-server.js';
import { auditTrailFor } from '../test/helpers/audit-fixture.js';
import { auditEntryFixture, sessionFixture } from '../test/helpers/store-fixtures.js';
import { openSqliteRepository, type SqlRepository } from '../src/store/sqlite-repository.js';
import { openPostgresDatabase, openPostgresRepository } from '../src/store/postgres/open-postgres.js';

const { values } = parseArgs({ options: { count: { type: 'string', default: '2000' } } });
const count = Number(values.count);

const cleanups: Array<() => void | Promise<void>> = [];
const teardown = { teardown: (fn: () => void | Promise<void>) => { cleanups.push(fn); } };

interface Row { operation: string; backend: string; n: number; p50: number; p99: number }
const rows: Row[] = [];

function measureSync(operation: string, backend: string, once: (i: number) => void): void {
  for (let i = 0; i < Math.min(100, count); i++) once(-i - 1);
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    once(i);
    samples.push((performance.now() - t0) * 1000);
  }
  rows.push({ operation, backend, n: count, p50: median(samples), p99: percentile(samples, 99) });
}

/** Like measureSync, with an untimed async step before each call. */
async function measureSyncAfter(operation: string, backend: string, before: () => Promise<void>, once: (i: number) => void): Promise<void> {
  const samples: number[] = [];
  for (let i = -Math.min(100, count); i < count; i++) {
    await before();
    const t0 = performance.now();
    once(i);
    if (i >= 0) samples.push((performance.now() - t0) * 1000);
  }
  rows.push({ operation, backend, n: count, p50: median(samples), p99: percentile(samples, 99) });
}

async function measureAsync(operation: string, backend: string, once: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < Math.min(100, count); i++) await once();
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    await once();
    samples.push((performance.now() - t0) * 1000);
  }
  rows.push({ operation, backend, n: count, p50: median(samples), p99: percentile(samples, 99) });
}

async function benchRepository(backend: string, repo: SqlRepository): Promise<void> {
  repo.createSession(sessionFixture('bench-session'));
  measureSync('getSession (one-row read)', backend, () => repo.getSession('bench-session'));
  measureSync('rememberOnce (transaction: delete + insert)', backend, (i) => repo.rememberOnce('nonce', `${backend}-${i}`, Date.now() + 60_000));
  const { trail } = await auditTrailFor(repo, { checkpointEvery: 1_000_000, checkpointIntervalSeconds: 0 });
  // The MAC position keys are derived ahead in the background (the HSM's part): topped up untimed.
  await measureSyncAfter('AuditTrail.record (read head, MAC, insert)', backend, () => trail.prepare(), (i) => trail.record(auditEntryFixture(i + 1000)));
}

try {
  const dir = mkdtempSync(path.join(tmpdir(), 'proofgate-bench-store-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const sqlite = openSqliteRepository(path.join(dir, 'bench.sqlite'));
  await benchRepository('sqlite', sqlite);
  sqlite.close();

  const server = await startPostgres(teardown, { durable: true });
  const database = await server.createDatabase();
  const postgres = openPostgresRepository(server.storeOptions(database));
  await benchRepository('postgres', postgres);
  postgres.close();

  const bare = openPostgresDatabase(server.storeOptions(database));
  const selectOne = bare.prepare('SELECT 1 AS one');
  measureSync('SELECT 1 via the bridge', 'postgres', () => selectOne.get());
  bare.close();
  const client = new pg.Client({ host: server.host, port: server.port, user: server.user, database });
  await client.connect();
  await measureAsync('SELECT 1, async pg client (no bridge)', 'postgres', () => client.query({ text: 'SELECT 1 AS one', name: 'one' }));
  await client.end();

  const sqliteP50 = new Map(rows.filter((r) => r.backend === 'sqlite').map((r) => [r.operation, r.p50]));
  console.log('| operation | backend | n | p50 µs | p99 µs | ratio to SQLite p50 |');
  console.log('|---|---|---|---|---|---|');
  for (const r of rows) {
    const base = sqliteP50.get(r.operation);
    console.log(`| ${r.operation} | ${r.backend} | ${r.n} | ${r.p50.toFixed(0)} | ${r.p99.toFixed(0)} | ${base ? (r.p50 / base).toFixed(1) : '–'} |`);
  }
} finally {
  for (const fn of cleanups.reverse()) await fn();
}
