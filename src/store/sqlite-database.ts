// Opens the SQLite file with the settings the appliance relies on, then migrates it.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ProofgateError } from '../core/errors.js';
import { migrate } from './migrate.js';
import type { Migration } from './migrations/index.js';

export interface OpenDatabaseOptions {
  /** How long a writer waits for another connection's lock (store.busyTimeoutMs). */
  busyTimeoutMs?: number;
  /** Only for tests of the migration runner. */
  migrations?: readonly Migration[];
}

export function openDatabase(file: string, opts: OpenDatabaseOptions = {}): Database.Database {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  let db: Database.Database;
  try {
    db = new Database(file);
  } catch (e) {
    throw new ProofgateError('ERR_STORE', `cannot open database ${file}: ${(e as Error).message}`, { cause: e, expose: false });
  }
  try {
    db.pragma(`busy_timeout = ${Math.trunc(opts.busyTimeoutMs ?? 5000)}`);
    db.pragma('foreign_keys = ON');
    // WAL: readers (verification, audit export) never block the writer, and the writer never blocks them.
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw new ProofgateError('ERR_STORE', `database ${file} cannot use WAL journaling (got ${String(mode)})`);
    // FULL, not NORMAL: with WAL, NORMAL may lose the last commits on power loss. A lost audit record or
    // replay-guard entry after the id_token went out is worse than one fsync per verification.
    db.pragma('synchronous = FULL');
    // Purged evidence and deleted rows are overwritten with zeros instead of lingering in free pages.
    db.pragma('secure_delete = ON');
    migrate(db, opts.migrations);
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}
