// Opens the SQLite file with the settings the appliance relies on, then migrates it.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
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

/**
 * The database holds templates and wrapped keys: owner-only whatever the process umask. SQLite creates its
 * -wal and -shm with the main file's mode, so creating the main file 0600 first covers all three; files an
 * older release left group- or world-readable are tightened on open.
 */
function ensurePrivateFiles(file: string): void {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true, mode: 0o700 });
  if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    if (!existsSync(f)) continue;
    const mode = statSync(f).mode & 0o777;
    if (mode & 0o077) chmodSync(f, mode & 0o700);
  }
}

export function openDatabase(file: string, opts: OpenDatabaseOptions = {}): Database.Database {
  if (file !== ':memory:') ensurePrivateFiles(file);
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
