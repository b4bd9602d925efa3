// The SQL port over a better-sqlite3 connection: statements are better-sqlite3's own (no wrapper on the
// hot path); transactions map to db.transaction(fn).immediate() / .deferred(), which nests as savepoints.
import Database from 'better-sqlite3';
import type { SqlDatabase, SqlStatement, SqlTransactionMode } from './sql-database.js';

export class SqliteSqlDatabase implements SqlDatabase {
  readonly dialect = 'sqlite' as const;
  readonly #db: Database.Database;

  constructor(db: Database.Database) {
    this.#db = db;
  }

  /** The better-sqlite3 connection, for SQLite-only work (pragmas, backups, the tamper tests). */
  get raw(): Database.Database {
    return this.#db;
  }

  prepare(sql: string): SqlStatement {
    return this.#db.prepare(sql) as unknown as SqlStatement;
  }

  exec(sql: string): void {
    this.#db.exec(sql);
  }

  transaction<T>(fn: () => T, mode: SqlTransactionMode = 'immediate'): T {
    return this.#db.transaction(fn)[mode]();
  }

  get inTransaction(): boolean {
    return this.#db.inTransaction;
  }

  get open(): boolean {
    return this.#db.open;
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }
}

/** Accepts a port or a bare better-sqlite3 connection (the migration runner's tests pass one). */
export function asSqlDatabase(db: SqlDatabase | Database.Database): SqlDatabase {
  return db instanceof Database ? new SqliteSqlDatabase(db) : db;
}
