// Configuration section "store": where state lives on disk and how long raw evidence is kept.
// The defaults object is also the documentation: one comment per key.
import path from 'node:path';
import { ConfigError, type SectionReader } from '../validate.js';

export const storeDefaults = {
  /**
   * SQLite database file. A relative path is taken inside server.dataDir. The directory also holds the
   * -wal and -shm files SQLite keeps beside it in WAL mode; back up all three together (or use `.backup`).
   */
  databaseFile: 'proofgate.sqlite',
  /**
   * Days a captured image (selfie, document, depth map) is kept encrypted before its bytes are purged.
   * Purging keeps the evidence row (hash, kind, time), biometric templates and the audit trail. 0 purges
   * evidence at the next purge run (start-up and daily).
   */
  retentionDays: 30,
  /** Milliseconds a writer waits for another connection's lock before failing with ERR_STORE. */
  busyTimeoutMs: 5000,
  /**
   * Where state lives: 'sqlite' (the embedded default: databaseFile) or 'postgres' (store.postgres, a
   * PostgreSQL 15+ database created with collation C; docs/store-and-audit.md, "PostgreSQL").
   */
  backend: 'sqlite' as StoreBackend,
  postgres: {
    /** Host name or IP address of the server, or the absolute path of its Unix socket directory. */
    host: '127.0.0.1',
    port: 5432,
    database: 'proofgate',
    user: 'proofgate',
    /** Absolute path of a file holding the password (one line), or null when the server asks for none. */
    passwordFile: null as string | null,
    /**
     * Longest a statement (a lock wait included) may run before it fails with ERR_STORE; also the server's
     * statement_timeout. The event loop waits for each statement, so keep it short.
     */
    statementTimeoutMs: 10_000,
    /**
     * Longest opening a connection may take, at start-up (which fails with ERR_STORE past it) and when the
     * first statement after a lost connection opens a new one (that statement fails with ERR_STORE; the
     * store then retries in the background every second and statements fail at once until it succeeds).
     */
    connectTimeoutMs: 10_000,
    /**
     * null: no TLS (a Unix socket or loopback). { caFile, servername? }: TLS required; the server's certificate
     * must chain to the PEM bundle caFile (absolute path) and name servername (else host).
     */
    tls: null as StorePostgresTls | null,
  },
};

export interface StorePostgresTls {
  caFile: string;
  servername: string | null;
}

export type StoreBackend = 'sqlite' | 'postgres';

export interface StorePostgresConfig {
  /** Host name, IP address, or the absolute path of the server's Unix socket directory. */
  host: string;
  port: number;
  database: string;
  user: string;
  /** File holding the password (absolute path), or null for a server that needs none (peer, trust, a socket). */
  passwordFile: string | null;
  statementTimeoutMs: number;
  connectTimeoutMs: number;
  /** TLS required, the server's certificate checked against caFile and servername (else host); null: none. */
  tls: StorePostgresTls | null;
}

export interface StoreConfig {
  databaseFile: string;
  retentionDays: number;
  busyTimeoutMs: number;
  backend: StoreBackend;
  postgres: StorePostgresConfig;
}

const PG_NAME = /^[A-Za-z_][A-Za-z0-9_$-]{0,62}$/;

function readPostgresTls(r: SectionReader): StorePostgresTls | null {
  const raw = r.raw('tls');
  if (raw === null || raw === undefined) return null;
  const t = r.section('tls');
  const caFile = t.string('caFile');
  if (!path.isAbsolute(caFile)) throw new ConfigError(t.key('caFile'), 'an absolute path of the PEM CA bundle the server\'s certificate chains to', caFile);
  const servername = t.optionalString('servername') ?? null;
  if (servername !== null && !/^[A-Za-z0-9.-]{1,253}$/.test(servername)) throw new ConfigError(t.key('servername'), 'a DNS name, or null', servername);
  t.done();
  return { caFile: path.normalize(caFile), servername };
}

function readPostgresConfig(r: SectionReader): StorePostgresConfig {
  const host = r.string('host');
  if (!path.isAbsolute(host) && !/^[A-Za-z0-9.:_-]{1,253}$/.test(host)) {
    throw new ConfigError(r.key('host'), 'a host name, an IP address or the absolute path of a socket directory', host);
  }
  const passwordFile = r.optionalString('passwordFile') ?? null;
  if (passwordFile !== null && !path.isAbsolute(passwordFile)) throw new ConfigError(r.key('passwordFile'), 'an absolute path, or null', passwordFile);
  const out: StorePostgresConfig = {
    host,
    port: r.number('port', { integer: true, min: 1, max: 65535 }),
    database: r.string('database', { pattern: PG_NAME }),
    user: r.string('user', { pattern: PG_NAME }),
    passwordFile,
    statementTimeoutMs: r.number('statementTimeoutMs', { integer: true, min: 100, max: 600_000 }),
    connectTimeoutMs: r.number('connectTimeoutMs', { integer: true, min: 100, max: 120_000 }),
    tls: readPostgresTls(r),
  };
  r.done();
  return out;
}

export function readStoreConfig(r: SectionReader): StoreConfig {
  const out: StoreConfig = {
    databaseFile: r.string('databaseFile'),
    retentionDays: r.number('retentionDays', { integer: true, min: 0, max: 36500 }),
    busyTimeoutMs: r.number('busyTimeoutMs', { integer: true, min: 0, max: 600_000 }),
    backend: r.oneOf('backend', ['sqlite', 'postgres'] as const),
    postgres: readPostgresConfig(r.section('postgres')),
  };
  r.done();
  return out;
}
