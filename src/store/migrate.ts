// Forward-only schema migrations. schema_migrations records each applied version with a checksum of its
// SQL; opening refuses a database that is newer than this code (a downgrade would misread it) or whose
// applied migration text has changed since (someone edited a released migration).
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { ProofgateError } from '../core/errors.js';
import { migrations as sqliteMigrations, type Migration } from './migrations/index.js';
import { postgresMigrations } from './migrations/postgres/index.js';
import type { SqlDatabase } from './sql-database.js';
import { asSqlDatabase } from './sqlite-sql-database.js';

export interface MigrationReport {
  from: number;
  to: number;
  applied: number[];
}

function checksum(sql: string): string {
  return createHash('sha256').update(sql, 'utf8').digest('hex');
}

function storeError(message: string, cause?: unknown): ProofgateError {
  return new ProofgateError('ERR_STORE_SCHEMA', message, { status: 500, expose: false, cause });
}

/** The migration list of the store's dialect: the same versions and names, each in its own DDL. */
export function migrationsFor(db: SqlDatabase): readonly Migration[] {
  return db.dialect === 'postgres' ? postgresMigrations : sqliteMigrations;
}

const SCHEMA_MIGRATIONS = {
  sqlite: `CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    checksum   TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  ) STRICT`,
  postgres: `CREATE TABLE IF NOT EXISTS schema_migrations (
    version    BIGINT PRIMARY KEY,
    name       TEXT NOT NULL,
    checksum   TEXT NOT NULL,
    applied_at BIGINT NOT NULL
  )`,
};

/** Brings `db` up to the newest known version, each step in its own IMMEDIATE transaction. */
export function migrate(database: SqlDatabase | Database.Database, migrationList?: readonly Migration[]): MigrationReport {
  const db = asSqlDatabase(database);
  const migrations = migrationList ?? migrationsFor(db);
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw storeError(`migration list is not numbered 1..n (found ${m.version} at position ${i + 1})`);
  });
  // PostgreSQL: under the write lock, as two processes opening a new database at once would race on the
  // catalogue. SQLite: as before, outside a transaction (a no-op on an existing table needs no write lock).
  if (db.dialect === 'postgres') db.transaction(() => db.exec(SCHEMA_MIGRATIONS.postgres));
  else db.exec(SCHEMA_MIGRATIONS.sqlite);

  const applied = db.prepare('SELECT version, name, checksum FROM schema_migrations ORDER BY version')
    .all() as { version: number; name: string; checksum: string }[];
  const latest = migrations.length;
  const current = applied.at(-1)?.version ?? 0;
  if (current > latest) {
    throw storeError(`database schema version ${current} is newer than this proofgate knows (${latest}); `
      + 'run the proofgate release that wrote it, or restore a backup made before the upgrade');
  }
  applied.forEach((row, i) => {
    const known = migrations[row.version - 1];
    if (row.version !== i + 1) throw storeError(`schema_migrations has a gap before version ${row.version}`);
    if (known.name !== row.name || checksum(known.sql) !== row.checksum) {
      throw storeError(`migration ${row.version} (${row.name}) in the database differs from the code's; released migrations must not be edited`);
    }
  });

  const done: number[] = [];
  const record = db.prepare('INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)');
  const versionNow = db.prepare('SELECT coalesce(max(version), 0) AS v FROM schema_migrations');
  for (const m of migrations.slice(current)) {
    try {
      db.transaction(() => {
        // Another process may have migrated between our read and this write lock.
        if ((versionNow.get() as { v: number }).v >= m.version) return;
        db.exec(m.sql);
        record.run(m.version, m.name, checksum(m.sql), Date.now());
        done.push(m.version);
      });
    } catch (e) {
      throw storeError(`migration ${m.version} (${m.name}) failed: ${(e as Error).message}`, e);
    }
  }
  return { from: current, to: latest, applied: done };
}

export function schemaVersion(db: SqlDatabase | Database.Database): number {
  return (asSqlDatabase(db).prepare('SELECT coalesce(max(version), 0) AS v FROM schema_migrations').get() as { v: number }).v;
}
