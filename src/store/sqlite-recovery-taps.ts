// Which help-desk requests have had their Temporary Access Pass (table recovery_tap_issues, migration
// 012-recovery-taps). markIssued is one INSERT that a second caller cannot win: the primary key refuses it.
import type Database from 'better-sqlite3';
import type { SqlDatabase } from './sql-database.js';
import { asSqlDatabase } from './sqlite-sql-database.js';

export interface RecoveryTapLedger {
  /** When the request's pass was issued, or null. */
  issuedAt(requestId: string): number | null;
  /** Records the issue; false (and nothing written) when the request already has one. */
  markIssued(requestId: string, at: number): boolean;
}

export class SqliteRecoveryTapLedger implements RecoveryTapLedger {
  readonly #s;

  constructor(database: SqlDatabase | Database.Database) {
    const db = asSqlDatabase(database);
    this.#s = {
      get: db.prepare('SELECT issued_at FROM recovery_tap_issues WHERE request_id = ?'),
      insert: db.prepare('INSERT INTO recovery_tap_issues (request_id, issued_at) VALUES (?, ?) ON CONFLICT (request_id) DO NOTHING'),
    };
  }

  issuedAt(requestId: string): number | null {
    const row = this.#s.get.get(requestId) as { issued_at: number } | undefined;
    return row?.issued_at ?? null;
  }

  markIssued(requestId: string, at: number): boolean {
    return this.#s.insert.run(requestId, at).changes === 1;
  }
}
