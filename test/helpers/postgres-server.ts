// A real PostgreSQL server for one test file: initdb and pg_ctl from Debian's postgresql package (found
// under /usr/lib/postgresql/<version>/bin, which is not on PATH), a cluster in a temp directory run by an
// unprivileged user (PostgreSQL refuses root; tests run as root in CI), listening on loopback only with
// trust authentication inside this temp cluster only. Stopped and removed when the file's tests end,
// failed or not. Each test gets a fresh database (collation C, as the store requires).
import { setTimeout as sleep } from 'node:timers/promises';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from './free-port.js';
import type { PostgresStoreOptions } from '../../src/store/postgres/open-postgres.js';

interface Teardown { teardown(fn: () => void | Promise<void>): void }

const UNPRIVILEGED = 'nobody';

/** The newest PostgreSQL's bin directory (15 on Debian 12). */
export function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(path.join(root, v, 'bin', 'initdb'))) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest) throw new Error(`no PostgreSQL server under ${root} (install Debian's postgresql package)`);
  return path.join(root, newest, 'bin');
}

function ids(user: string): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

/** Runs a server binary as the unprivileged user when we are root, else as ourselves. */
function runServerTool(bin: string, args: string[]): void {
  const asRoot = process.getuid?.() === 0;
  const [cmd, argv] = asRoot ? ['runuser', ['-u', UNPRIVILEGED, '--', bin, ...args]] : [bin, args];
  const r = spawnSync(cmd, argv, { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`${path.basename(bin)} failed (${r.status ?? r.signal}): ${r.stderr || r.stdout}`);
}

export interface PostgresServer {
  host: string;
  port: number;
  user: string;
  /** The test CA's certificate (PEM file) when started with tls, else null. */
  caFile: string | null;
  /** A new database (UTF8, collation C), empty or a copy of `template`; dropped with the server. */
  createDatabase(template?: string): Promise<string>;
  /** Store options for `database`, as store.postgres would give them. */
  storeOptions(database: string, overrides?: Partial<PostgresStoreOptions>): PostgresStoreOptions;
  /** Runs SQL as the cluster's superuser in `database` (for tests that tamper with rows behind the store). */
  query(database: string, sql: string, values?: unknown[]): Promise<pg.QueryResult>;
  /**
   * The same from another process (psql), blocking until it is done: for a test that acts on the server
   * from inside a synchronous store transaction. Returns psql's unaligned output (one value per line).
   */
  querySync(database: string, sql: string): string;
  /** Stops the server (pg_ctl stop; 'fast': sessions are terminated, as a service restart does). */
  stop(mode?: 'fast' | 'immediate'): void;
  /** Starts the stopped server again, on the same port with the same data. */
  start(): void;
}

let databases = 0;

/** A test CA and a server certificate for localhost and 127.0.0.1 it signed, made with openssl in `dir`. */
function makeServerCertificate(dir: string): { caFile: string; certFile: string; keyFile: string } {
  const f = (name: string) => path.join(dir, name);
  const openssl = (args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  openssl(['req', '-x509', ...ec, '-keyout', f('ca.key'), '-out', f('ca.pem'), '-days', '2', '-subj', '/CN=proofgate test CA']);
  openssl(['req', ...ec, '-keyout', f('server.key'), '-out', f('server.csr'), '-subj', '/CN=localhost']);
  writeFileSync(f('san.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  openssl(['x509', '-req', '-in', f('server.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f('server.pem'), '-days', '2', '-extfile', f('san.ext')]);
  return { caFile: f('ca.pem'), certFile: f('server.pem'), keyFile: f('server.key') };
}

/**
 * durable: keep fsync on (benchmarks comparing commits with SQLite's synchronous=FULL); tests turn it off.
 * tls: the server also speaks TLS, with a certificate from a test CA (`caFile` on the result).
 */
export async function startPostgres(t: Teardown, opts: { durable?: boolean; tls?: boolean } = {}): Promise<PostgresServer> {
  const bin = postgresBinDir();
  const dir = mkdtempSync(path.join(tmpdir(), 'proofgate-pg-'));
  const data = path.join(dir, 'data');
  const log = path.join(dir, 'server.log');
  let started = false;
  t.teardown(() => {
    try {
      if (started) runServerTool(path.join(bin, 'pg_ctl'), ['stop', '-D', data, '-m', 'immediate', '-w']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  const tls = opts.tls ? makeServerCertificate(dir) : null;
  if (process.getuid?.() === 0) {
    const { uid, gid } = ids(UNPRIVILEGED);
    chownSync(dir, uid, gid);
    if (tls) chownSync(tls.keyFile, uid, gid); // the server refuses a key it does not own
  }
  if (tls) chmodSync(tls.keyFile, 0o600);
  const user = 'proofgate';
  runServerTool(path.join(bin, 'initdb'), ['-D', data, '-U', user, '--auth=trust', '--no-locale', '-E', 'UTF8', '--no-sync']);
  const port = await freePort();
  // fsync off for tests: the cluster lives for one test file; durability is not what they are about.
  const ssl = tls ? ` -c ssl=on -c ssl_cert_file=${tls.certFile} -c ssl_key_file=${tls.keyFile}` : '';
  const options = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=${opts.durable ? 'on' : 'off'} -c max_connections=40${ssl}`;
  const start = () => {
    try {
      runServerTool(path.join(bin, 'pg_ctl'), ['start', '-D', data, '-l', log, '-w', '-t', '60', '-o', options]);
    } catch (e) {
      throw new Error(`${(e as Error).message}\n${existsSync(log) ? readFileSync(log, 'utf8') : ''}`);
    }
    started = true;
  };
  start();
  const host = '127.0.0.1';

  const query = async (database: string, sql: string, values?: unknown[]) => {
    const client = new pg.Client({ host, port, user, database });
    await client.connect();
    try {
      return await client.query(sql, values);
    } finally {
      await client.end();
    }
  };
  const querySync = (database: string, sql: string) => {
    const r = spawnSync(path.join(bin, 'psql'), ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-h', host, '-p', String(port), '-U', user, '-d', database, '-c', sql],
      { encoding: 'utf8', timeout: 30_000 });
    if (r.status !== 0) throw new Error(`psql failed (${r.status ?? r.signal}): ${r.stderr || r.stdout}`);
    return r.stdout.trim();
  };
  return {
    host, port, user, query, querySync, caFile: tls?.caFile ?? null,
    stop(mode = 'fast') {
      runServerTool(path.join(bin, 'pg_ctl'), ['stop', '-D', data, '-m', mode, '-w', '-t', '60']);
      started = false;
    },
    start,
    async createDatabase(template = 'template0') {
      databases += 1;
      const name = `store_${process.pid}_${databases}`;
      await query('postgres', `CREATE DATABASE ${name} TEMPLATE ${template} ENCODING 'UTF8' LOCALE 'C'`);
      return name;
    },
    storeOptions: (database, overrides = {}) => ({
      host, port, database, user, passwordFile: null, statementTimeoutMs: 10_000, connectTimeoutMs: 10_000, ...overrides,
    }),
  };
}

/**
 * Runs `call` until it stops failing with ERR_STORE, at most 20 s: after an outage the store's worker
 * reconnects within RECONNECT_EVERY_MS and a connect. Any other error, or the deadline, is thrown.
 */
export async function untilStoreAnswers<T>(call: () => T): Promise<T> {
  for (const deadline = Date.now() + 20_000; ;) {
    try {
      return call();
    } catch (e) {
      if ((e as { code?: string }).code !== 'ERR_STORE' || Date.now() > deadline) throw e;
      await sleep(100);
    }
  }
}
