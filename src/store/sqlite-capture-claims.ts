// The captures being judged right now (table capture_claims, migration 013-capture-claims): one claim per
// key at a time across every process and appliance on the store. A claim is one statement, INSERT ... ON
// CONFLICT DO UPDATE ... WHERE the row there has expired: on SQLite the file's single writer orders two
// claimers, on PostgreSQL the primary key's index makes the second wait for the first's commit and then
// find its row; either way exactly one of them changes a row. The release deletes only its own claim
// (`holder`), so a capture whose claim lapsed cannot drop the claim that took over from it.
import { createHash, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type Database from 'better-sqlite3';
import { ProofgateError } from '../core/errors.js';
import type { SqlDatabase } from './sql-database.js';
import { asSqlDatabase } from './sqlite-sql-database.js';

/** A granted claim: what its release needs. */
export interface CaptureClaim {
  key: string;
  holder: string;
}

export interface CaptureClaimStore {
  /**
   * Claims `key` until `expiresAt` (ms) unless a claim on it is held and unexpired at `now`: the claim, or
   * null (nothing written) when another holds it.
   */
  claim(key: string, now: number, expiresAt: number): CaptureClaim | null;
  /** Whether an unexpired claim on `key` is held at `now`. */
  isHeld(key: string, now: number): boolean;
  /** Drops the claim if it is still this one's; a lapsed claim taken over since is left alone. */
  release(claim: CaptureClaim): void;
  /** Deletes claims that expired at or before `now` (a crashed node's); returns the count. */
  pruneExpired(now: number): number;
}

/** The appliance named in its claims, for an operator reading the table: host and process. */
const NODE = `${hostname()}:${process.pid}`.slice(0, 200);

/** The stored key of what a capture claims: a digest, so no account id or session id sits in the table. */
export function captureClaimKey(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\0'), 'utf8').digest('hex');
}

function badInput(message: string): ProofgateError {
  return new ProofgateError('ERR_STORE_INPUT', message, { status: 500, expose: false });
}

export class SqliteCaptureClaims implements CaptureClaimStore {
  readonly #db: SqlDatabase;
  readonly #s;

  constructor(database: SqlDatabase | Database.Database) {
    const db = asSqlDatabase(database);
    this.#db = db;
    this.#s = {
      claim: db.prepare(`INSERT INTO capture_claims (claim_key, holder, node, claimed_at, expires_at) VALUES (@key, @holder, @node, @now, @expiresAt)
        ON CONFLICT (claim_key) DO UPDATE SET holder = excluded.holder, node = excluded.node, claimed_at = excluded.claimed_at, expires_at = excluded.expires_at
        WHERE capture_claims.expires_at <= @now`),
      held: db.prepare('SELECT 1 AS held FROM capture_claims WHERE claim_key = ? AND expires_at > ?'),
      release: db.prepare('DELETE FROM capture_claims WHERE claim_key = ? AND holder = ?'),
      prune: db.prepare('DELETE FROM capture_claims WHERE expires_at <= ?'),
    };
  }

  /**
   * A claim lives for one capture, so it need not survive a power loss, and on SQLite the store's
   * `synchronous = FULL` would cost an fsync on the event loop for each claim and release (four per
   * capture). Outside a caller's transaction the claim's own commit runs at NORMAL (WAL: no fsync at
   * commit, never corruption; sqlite-database.ts keeps FULL for everything else). PostgreSQL commits as usual.
   */
  #write<T>(fn: () => T): T {
    if (this.#db.dialect !== 'sqlite' || this.#db.inTransaction) return fn();
    this.#db.exec('PRAGMA synchronous = NORMAL');
    try {
      return fn();
    } finally {
      this.#db.exec('PRAGMA synchronous = FULL');
    }
  }

  claim(key: string, now: number, expiresAt: number): CaptureClaim | null {
    if (!/^[0-9a-f]{64}$/.test(key)) throw badInput('capture claim key: expected a lowercase hex SHA-256 digest (captureClaimKey)');
    if (!Number.isSafeInteger(now) || !Number.isSafeInteger(expiresAt) || expiresAt <= now) throw badInput('capture claim: expected integer ms times with expiresAt after now');
    const holder = randomBytes(16).toString('hex');
    const granted = this.#write(() => this.#s.claim.run({ key, holder, node: NODE, now, expiresAt }).changes === 1);
    return granted ? { key, holder } : null;
  }

  isHeld(key: string, now: number): boolean {
    return this.#s.held.get(key, now) !== undefined;
  }

  release(claim: CaptureClaim): void {
    this.#write(() => this.#s.release.run(claim.key, claim.holder));
  }

  pruneExpired(now: number): number {
    return this.#s.prune.run(now).changes;
  }
}
