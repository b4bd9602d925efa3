// The RecoveryRequests port as the appliance builds it (recoveryRequestsOver: the request store, the TAP
// ledger of migration 012, the store's transaction), over the test's SQLite file. The help desk's request
// store is stood in for by a small table of requests in the same database (so tests can put a request in
// any state directly), and markTapIssued and the audit record really share one transaction (a rolled-back
// record un-marks the request). The wiring over the real request store is tested in test/helpdesk.
import { randomBytes } from 'node:crypto';
import type { SqliteRepository } from '../../src/store/sqlite-repository.js';
import type { AuditActor } from '../../src/core/domain.js';
import type { SqliteRecoveryTapLedger } from '../../src/store/sqlite-recovery-taps.js';
import type { RecoveryRequest, RecoveryRequests } from '../../src/recovery/recovery-requests.js';
import { recoveryRequestsOver, type StoredRecoveryRequest } from '../../src/recovery/recovery-requests-over.js';

interface Row {
  id: string; tid: string; oid: string; upn: string | null; status: RecoveryRequest['status']; purpose: RecoveryRequest['purpose'];
  created_by: string | null; session_id: string | null;
}

export class SqliteTestRecoveryRequests implements RecoveryRequests {
  readonly #repo: SqliteRepository;
  readonly #ledger: SqliteRecoveryTapLedger;
  readonly #port: RecoveryRequests;
  /** Set to make the next markTapIssued throw (a store failure after Graph created the pass). */
  failNextMark: Error | null = null;

  constructor(repo: SqliteRepository) {
    this.#repo = repo;
    // The requests table stands in for the help desk's; the ledger is the store's own (migration 012).
    repo.database.exec(`CREATE TABLE test_verification_requests (
      id TEXT PRIMARY KEY, tid TEXT NOT NULL, oid TEXT NOT NULL, upn TEXT, status TEXT NOT NULL, purpose TEXT NOT NULL,
      created_by TEXT, session_id TEXT) STRICT`);
    this.#ledger = repo.recoveryTaps;
    this.#port = recoveryRequestsOver({ requests: { get: (id) => this.#stored(id) }, ledger: this.#ledger, transaction: (fn) => repo.transaction(fn) });
  }

  add(r: Partial<RecoveryRequest> & { tid: string; oid: string }): RecoveryRequest {
    const request: RecoveryRequest = {
      id: randomBytes(16).toString('base64url'), upn: null, status: 'verified', purpose: 'recovery', createdBy: null, sessionId: null, tapIssuedAt: null, ...r,
    };
    this.#repo.database.prepare('INSERT INTO test_verification_requests VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
      request.id, request.tid, request.oid, request.upn, request.status, request.purpose,
      request.createdBy ? JSON.stringify(request.createdBy) : null, request.sessionId,
    );
    if (request.tapIssuedAt !== null) this.#ledger.markIssued(request.id, request.tapIssuedAt);
    return request;
  }

  setStatus(id: string, status: RecoveryRequest['status']): void {
    this.#repo.database.prepare('UPDATE test_verification_requests SET status = ? WHERE id = ?').run(status, id);
  }

  #stored(id: string): StoredRecoveryRequest | undefined {
    const row = this.#repo.database.prepare('SELECT * FROM test_verification_requests WHERE id = ?').get(id) as Row | undefined;
    if (!row) return undefined;
    return {
      id: row.id, tid: row.tid, oid: row.oid, upn: row.upn, status: row.status, purpose: row.purpose,
      createdBy: row.created_by ? (JSON.parse(row.created_by) as AuditActor) : null, sessionId: row.session_id,
    };
  }

  get(id: string): RecoveryRequest | undefined {
    return this.#port.get(id);
  }

  markTapIssued(id: string, at: number): boolean {
    if (this.failNextMark) {
      const e = this.failNextMark;
      this.failNextMark = null;
      throw e;
    }
    return this.#port.markTapIssued(id, at);
  }

  transaction<T>(fn: () => T): T {
    return this.#port.transaction(fn);
  }
}
