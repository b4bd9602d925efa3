// Opens the PostgreSQL store: connects (on the worker thread), checks the server and database are fit for
// the appliance, applies the PostgreSQL migrations, and hands back the one repository over the SQL port.
import { readFileSync } from 'node:fs';
import { ProofgateError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import { migrate } from '../migrate.js';
import type { Migration } from '../migrations/index.js';
import { SqlRepository } from '../sqlite-repository.js';
import { PostgresBridge } from './postgres-bridge.js';
import { PostgresSqlDatabase } from './postgres-sql-database.js';
import type { StorePostgresConfig } from '../../config/sections/store.js';

/** store.postgres as configured (src/config/sections/store.ts, where each field is documented); tls may be left out. */
export type PostgresStoreOptions = Omit<StorePostgresConfig, 'tls'> & { tls?: StorePostgresConfig['tls'] };

const MIN_SERVER_VERSION = 150000;

function storeError(message: string, cause?: unknown): ProofgateError {
  return new ProofgateError('ERR_STORE', message, { cause, expose: false });
}

function readTls(tls: PostgresStoreOptions['tls'], host: string): { ca: string; servername: string; rejectUnauthorized: true } | undefined {
  if (!tls) return undefined;
  try {
    return { ca: readFileSync(tls.caFile, 'utf8'), servername: tls.servername ?? host, rejectUnauthorized: true };
  } catch (e) {
    throw storeError(`cannot read store.postgres.tls.caFile ${tls.caFile}: ${(e as Error).message}`, e);
  }
}

function readPassword(file: string | null): string | undefined {
  if (file === null) return undefined;
  try {
    return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch (e) {
    throw storeError(`cannot read store.postgres.passwordFile ${file}: ${(e as Error).message}`, e);
  }
}

/**
 * Checks the server is PostgreSQL 15 or newer and the database sorts text bytewise (collation C), as
 * SQLite does: listings ordered and paged by account or id must come out the same on either store.
 */
function checkServer(db: PostgresSqlDatabase): void {
  const row = db.execute(`SELECT current_setting('server_version_num')::int AS version, datcollate AS collate, pg_encoding_to_char(encoding) AS encoding
    FROM pg_database WHERE datname = current_database()`).rows[0] as { version: number; collate: string; encoding: string };
  if (row.version < MIN_SERVER_VERSION) throw storeError(`the PostgreSQL server is version ${row.version}; proofgate needs 15 or newer`);
  if (row.collate !== 'C' && row.collate !== 'POSIX') {
    throw storeError(`the PostgreSQL database sorts text by collation ${row.collate}; proofgate needs C `
      + '(create it with: CREATE DATABASE ... TEMPLATE template0 ENCODING \'UTF8\' LOCALE \'C\')');
  }
  if (row.encoding !== 'UTF8') throw storeError(`the PostgreSQL database has encoding ${row.encoding}; proofgate needs UTF8`);
}

/** `log`: where the store logs losing its connection and getting it back (default: nowhere). */
export function openPostgresDatabase(opts: PostgresStoreOptions, migrations?: readonly Migration[], log?: Logger): PostgresSqlDatabase {
  const bridge = PostgresBridge.connect({
    connection: {
      host: opts.host, port: opts.port, database: opts.database, user: opts.user, password: readPassword(opts.passwordFile),
      statement_timeout: opts.statementTimeoutMs, connectionTimeoutMillis: opts.connectTimeoutMs, application_name: 'proofgate',
      ssl: readTls(opts.tls, opts.host),
    },
    statementTimeoutMs: opts.statementTimeoutMs,
    connectTimeoutMs: opts.connectTimeoutMs,
    log,
  });
  const db = new PostgresSqlDatabase(bridge);
  try {
    checkServer(db);
    migrate(db, migrations);
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

/** Opens (migrating as needed) the PostgreSQL store. */
export function openPostgresRepository(opts: PostgresStoreOptions, options: { now?: () => number; log?: Logger } = {}): SqlRepository {
  return new SqlRepository(openPostgresDatabase(opts, undefined, options.log), { now: options.now });
}
