// The SQL port (../sql-database.ts) over one PostgreSQL connection on a worker thread (postgres-bridge.ts).
// Statements written for SQLite are rewritten once when prepared (postgres-sql.ts) and run as named
// server-side prepared statements. Transactions are BEGIN/COMMIT on that connection; nested ones are
// savepoints. An IMMEDIATE transaction takes the store's write lock first (pg_advisory_xact_lock on one
// key, held to COMMIT or ROLLBACK), as SQLite's BEGIN IMMEDIATE takes the file's: writers in every
// process and node run one after another, so what a transaction reads (the audit chain's head, a
// session's status, a lockout count) stays current until it commits.
// A lost connection (postgres-bridge.ts) takes its transaction with it: the server rolls it back, and every
// later statement of that transaction (its COMMIT included) fails instead of running on a new connection
// without its BEGIN. The write lock is a transaction lock, so it went with the old backend too; the next
// transaction takes it again on the new connection.
import { createHash } from 'node:crypto';
import { ProofgateError } from '../../core/errors.js';
import type { SqlDatabase, SqlRunResult, SqlStatement, SqlTransactionMode } from '../sql-database.js';
import { PostgresBridge, PostgresBridgeError, type BridgeResult } from './postgres-bridge.js';
import { toPostgresSql, type PostgresStatementText } from './postgres-sql.js';

/** The advisory lock key of the store's write lock ("proofgat" as a 64-bit integer). */
export const STORE_WRITE_LOCK_KEY = '8111607714218565236';

// SQLSTATE → SQLite's extended constraint code, so the repository tells a duplicate from a malformed row
// the same way on both stores.
const CONSTRAINT_CODES: Record<string, string> = {
  23502: 'SQLITE_CONSTRAINT_NOTNULL',
  23503: 'SQLITE_CONSTRAINT_FOREIGNKEY',
  23514: 'SQLITE_CONSTRAINT_CHECK',
  23000: 'SQLITE_CONSTRAINT_TRIGGER', // proofgate_refuse(): the append-only tables
};
// Failures of the store rather than of the statement: the connection, the server, a timeout, a lock wait.
const UNAVAILABLE = /^(08|53|57|58|40P01|55P03|ECONN|ETIMEDOUT|EPIPE|ENOTFOUND|EHOSTUNREACH)/;

/** A statement error in the shape the repository expects: `code` is SQLite's for constraints, else the SQLSTATE. */
function statementError(e: unknown): Error {
  if (!(e instanceof PostgresBridgeError)) return e as Error;
  const sqlstate = e.sqlstate ?? '';
  if (UNAVAILABLE.test(sqlstate) || e.message.includes('Connection terminated') || e.message.includes('Client was closed')) {
    return new ProofgateError('ERR_STORE', `the PostgreSQL store failed: ${e.message}`, { cause: e, expose: false });
  }
  let code = CONSTRAINT_CODES[sqlstate];
  if (sqlstate === '23505') code = e.constraint?.endsWith('_pkey') ? 'SQLITE_CONSTRAINT_PRIMARYKEY' : 'SQLITE_CONSTRAINT_UNIQUE';
  return Object.assign(new Error(e.message, { cause: e }), { code: code ?? sqlstate });
}

/** Rows as better-sqlite3 gives them: blobs as Buffers (they cross the thread as Uint8Array), integers as numbers. */
function toRows(result: BridgeResult): Record<string, unknown>[] {
  for (const row of result.rows) {
    for (const [k, v] of Object.entries(row)) {
      if (v instanceof Uint8Array && !Buffer.isBuffer(v)) row[k] = Buffer.from(v.buffer, v.byteOffset, v.byteLength);
      else if (typeof v === 'bigint') throw new ProofgateError('ERR_STORE', `column ${k}: integer ${v} is beyond what JavaScript holds exactly`, { expose: false });
    }
  }
  return result.rows;
}

class PostgresStatement implements SqlStatement {
  readonly #db: PostgresSqlDatabase;
  readonly #sql: PostgresStatementText;
  readonly #name: string;

  constructor(db: PostgresSqlDatabase, sql: string) {
    this.#db = db;
    this.#sql = toPostgresSql(sql);
    this.#name = `pg_${createHash('sha256').update(this.#sql.text).digest('hex').slice(0, 32)}`;
  }

  #values(params: unknown[]): unknown[] {
    const { names, count } = this.#sql;
    if (names) {
      const bag = params[0];
      if (params.length !== 1 || bag === null || typeof bag !== 'object') throw new TypeError('named parameters: expected one object');
      return names.map((n) => {
        const v = (bag as Record<string, unknown>)[n];
        if (v === undefined) throw new RangeError(`missing named parameter "${n}"`);
        return v;
      });
    }
    if (params.length !== count) throw new RangeError(`expected ${count} parameter value(s), received ${params.length}`);
    return params;
  }

  #execute(params: unknown[]): BridgeResult {
    return this.#db.execute(this.#sql.text, this.#values(params), this.#name);
  }

  run(...params: unknown[]): SqlRunResult {
    return { changes: this.#execute(params).rowCount ?? 0 };
  }

  get(...params: unknown[]): unknown {
    return toRows(this.#execute(params))[0];
  }

  all(...params: unknown[]): unknown[] {
    return toRows(this.#execute(params));
  }
}

export class PostgresSqlDatabase implements SqlDatabase {
  readonly dialect = 'postgres' as const;
  readonly #bridge: PostgresBridge;
  #depth = 0;
  /** The connection the open transaction's BEGIN ran on; undefined outside a transaction. */
  #txConnection: number | undefined;

  constructor(bridge: PostgresBridge) {
    this.#bridge = bridge;
  }

  /**
   * Runs one statement (used by the statements and by the store's open-time checks). Inside a transaction
   * only on the transaction's connection; outside one, a lost connection is replaced first.
   */
  execute(text: string, values?: unknown[], name?: string): BridgeResult {
    try {
      return this.#bridge.query(text, values, name, this.#txConnection);
    } catch (e) {
      throw statementError(e);
    }
  }

  prepare(sql: string): SqlStatement {
    return new PostgresStatement(this, sql);
  }

  exec(sql: string): void {
    this.execute(sql);
  }

  get inTransaction(): boolean {
    return this.#depth > 0;
  }

  get open(): boolean {
    return !this.#bridge.closed;
  }

  close(): void {
    this.#bridge.close();
  }

  transaction<T>(fn: () => T, mode: SqlTransactionMode = 'immediate'): T {
    if (this.#depth > 0) return this.#savepoint(fn);
    try {
      return this.#transaction(fn, mode);
    } finally {
      this.#depth = 0;
      this.#txConnection = undefined;
    }
  }

  #transaction<T>(fn: () => T, mode: SqlTransactionMode): T {
    // One round trip: the transaction and, for a writer, the store's write lock. Outside a transaction
    // still, so it may open a new connection first; everything after it runs on the connection it ran on.
    try {
      this.exec(mode === 'immediate'
        ? `BEGIN ISOLATION LEVEL READ COMMITTED; SELECT pg_advisory_xact_lock(${STORE_WRITE_LOCK_KEY})`
        : 'BEGIN ISOLATION LEVEL REPEATABLE READ');
    } catch (e) {
      this.#txConnection = this.#bridge.connection;
      this.#rollback(); // the lock wait timed out (or the connection failed) inside the opened transaction
      throw e;
    }
    this.#txConnection = this.#bridge.connection;
    this.#depth = 1;
    let result: T;
    try {
      result = fn();
      if (result instanceof Promise) throw new TypeError('Transaction function cannot return a promise');
    } catch (e) {
      this.#rollback();
      throw e;
    }
    let commit: BridgeResult;
    try {
      commit = this.execute('COMMIT');
    } catch (e) {
      this.#rollback();
      throw e;
    }
    // PostgreSQL answers COMMIT of a transaction in which a statement failed (and the caller caught it)
    // with ROLLBACK: nothing was written, which the caller must hear.
    if (commit.command === 'ROLLBACK') {
      throw new ProofgateError('ERR_STORE', 'the transaction was rolled back: a statement inside it failed', { expose: false });
    }
    return result;
  }

  #savepoint<T>(fn: () => T): T {
    const name = `sp_${this.#depth}`;
    this.exec(`SAVEPOINT ${name}`);
    this.#depth += 1;
    try {
      const result = fn();
      if (result instanceof Promise) throw new TypeError('Transaction function cannot return a promise');
      this.exec(`RELEASE SAVEPOINT ${name}`);
      return result;
    } catch (e) {
      try {
        this.exec(`ROLLBACK TO SAVEPOINT ${name}; RELEASE SAVEPOINT ${name}`);
      } catch {
        // The outer transaction is broken too; it rolls back when the error reaches it.
      }
      throw e;
    } finally {
      this.#depth -= 1;
    }
  }

  #rollback(): void {
    try {
      this.execute('ROLLBACK');
    } catch {
      // A lost connection has rolled back already (the ROLLBACK is refused, never sent on a new
      // connection); the caller hears the error that got us here.
    }
  }
}
