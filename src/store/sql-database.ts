// The SQL port the repository runs on: exactly what src/store/sqlite-*.ts need from a connection, so the
// same repository code runs on the embedded SQLite file (sqlite-sql-database.ts) and on PostgreSQL
// (postgres/postgres-sql-database.ts). Statements are written in SQLite's text (`?` and `@name`
// parameters); the PostgreSQL adapter rewrites the few generic differences (postgres/postgres-sql.ts),
// and a statement that cannot be shared is given in both texts with `dialectSql`.
// Constraint failures carry SQLite's extended codes (SQLITE_CONSTRAINT_PRIMARYKEY, _UNIQUE, _CHECK, ...)
// on both backends, so the repository tells a duplicate from a malformed row in one way.

export type SqlDialect = 'sqlite' | 'postgres';

/** A row value as the repository reads it: integers as JS numbers, blobs as Buffers. */
export type SqlValue = string | number | Buffer | null;

export interface SqlRunResult {
  /** Rows inserted, updated or deleted by the statement. */
  changes: number;
}

/** Parameters: positional values for `?`, or one object for `@name`. */
export type SqlParams = unknown[];

export interface SqlStatement {
  run(...params: SqlParams): SqlRunResult;
  /** The first row, or undefined. */
  get(...params: SqlParams): unknown;
  all(...params: SqlParams): unknown[];
}

/**
 * `immediate`: the store's write lock is taken first (SQLite BEGIN IMMEDIATE; PostgreSQL an advisory
 * transaction lock), so what the transaction reads stays current until it commits. `deferred`: a
 * consistent read.
 */
export type SqlTransactionMode = 'immediate' | 'deferred';

export interface SqlDatabase {
  readonly dialect: SqlDialect;
  prepare(sql: string): SqlStatement;
  /** Runs one or more statements without parameters (migrations). */
  exec(sql: string): void;
  /** Runs `fn` in one transaction; a nested call becomes a savepoint of the outer one. `fn` must be synchronous. */
  transaction<T>(fn: () => T, mode?: SqlTransactionMode): T;
  readonly inTransaction: boolean;
  readonly open: boolean;
  close(): void;
}

/** A statement that differs between the two dialects, both texts side by side. */
export function dialectSql(db: SqlDatabase, texts: Record<SqlDialect, string>): string {
  return texts[db.dialect];
}
