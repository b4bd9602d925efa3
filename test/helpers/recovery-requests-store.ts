// A RecoveryRequests over the test's SQLite store: a small table of verification requests in the same
// database file as the audit trail, so markTapIssued and the audit record really share one transaction
// (a rolled-back record un-marks the request). The appliance backs the port with the help desk's own
// request store; this stands in for it with the same conditional-update semantics.
import { randomBytes } from 'node:crypto';
import type { SqliteRepository } from '../../src/store/sqlite-repository.js';
import type { AuditActor } from '../../src/core/domain.js';
import type { RecoveryRequest, RecoveryRequests } from '../../src/recovery/recovery-requests.js';

interface Row {
  id: string; tid: string; oid: string; upn: string | null; status: RecoveryRequest['status']; purpose: RecoveryRequest['purpose'];
  created_by: string | null; session_id: string | null; tap_issued_at: number | null;
}

export class SqliteTestRecoveryRequests implements RecoveryRequests {
  readonly #repo: SqliteRepository;
  /** Set to make the next markTapIssued throw (a store failure after Graph created the pass). */
  failNextMark: Error | null = null;

  constructor(repo: SqliteRepository) {
    this.#repo = repo;
    repo.database.exec(`CREATE TABLE IF NOT EXISTS test_recovery_requests (
      id TEXT PRIMARY KEY, tid TEXT NOT NULL, oid TEXT NOT NULL, upn TEXT, status TEXT NOT NULL, purpose TEXT NOT NULL,
      created_by TEXT, session_id TEXT, tap_issued_at INTEGER) STRICT`);
  }

  add(r: Partial<RecoveryRequest> & { tid: string; oid: string }): RecoveryRequest {
    const request: RecoveryRequest = {
      id: randomBytes(16).toString('base64url'), upn: null, status: 'verified', purpose: 'recovery', createdBy: null, sessionId: null, tapIssuedAt: null, ...r,
    };
    this.#repo.database.prepare(`INSERT INTO test_recovery_requests VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
      request.id, request.tid, request.oid, request.upn, request.status, request.purpose,
      request.createdBy ? JSON.stringify(request.createdBy) : null, request.sessionId, request.tapIssuedAt,
    );
    return request;
  }

  setStatus(id: string, status: RecoveryRequest['status']): void {
    this.#repo.database.prepare('UPDATE test_recovery_requests SET status = ? WHERE id = ?').run(status, id);
  }

  get(id: string): RecoveryRequest | undefined {
    const row = this.#repo.database.prepare('SELECT * FROM test_recovery_requests WHERE id = ?').get(id) as Row | undefined;
    if (!row) return undefined;
    return {
      id: row.id, tid: row.tid, oid: row.oid, upn: row.upn, status: row.status, purpose: row.purpose,
      createdBy: row.created_by ? (JSON.parse(row.created_by) as AuditActor) : null, sessionId: row.session_id, tapIssuedAt: row.tap_issued_at,
    };
  }

  markTapIssued(id: string, at: number): boolean {
    if (this.failNextMark) {
      const e = this.failNextMark;
      this.failNextMark = null;
      throw e;
    }
    const r = this.#repo.database.prepare(`UPDATE test_recovery_requests SET tap_issued_at = ?
      WHERE id = ? AND status = 'verified' AND purpose = 'recovery' AND tap_issued_at IS NULL`).run(at, id);
    return r.changes === 1;
  }

  transaction<T>(fn: () => T): T {
    return this.#repo.transaction(fn);
  }
}
