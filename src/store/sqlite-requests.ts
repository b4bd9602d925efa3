// RequestStore over the SQLite file (migration 011-verification-requests). Transitions are conditional
// UPDATEs (… WHERE status = 'open') so the first writer wins and a refused one changes nothing.
import type Database from 'better-sqlite3';
import { ProofgateError } from '../core/errors.js';
import type { AuditActor, Decision } from '../core/domain.js';

// Accounts are known from subjects and from verifications' audit records only: the appliance's own acts
// (a help-desk search, a staff or station change) carry pseudo-accounts such as tid 'helpdesk' or 'staff'.
const VERIFICATION_FLOWS = "('returning', 'first-time', 'none')";
import type {
  KnownAccount, NewRequest, RequestStore, StoredApiToken, StoredRequest, StoredRequestStatus, WebhookDelivery,
} from './request-store.js';

interface RequestRow {
  request_id: string; tid: string; oid: string; upn: string | null; purpose: 'verify' | 'recovery'; status: StoredRequestStatus;
  code_sha256: string; code_attempts: number; created_by_json: string | null; created_at: number; expires_at: number;
  completed_at: number | null; session_id: string | null; decision: Decision | null; audit_seq: number | null; result_jws: string | null;
}

interface TokenRow { token_id: string; name: string; scopes: string; created_at: number; revoked_at: number | null; last_used_at: number | null }

interface DeliveryRow {
  request_id: string; url: string; state: WebhookDelivery['state']; attempts: number; last_status: number | null; last_error: string | null; updated_at: number;
}

const COLUMNS = `request_id, tid, oid, upn, purpose, status, code_sha256, code_attempts, created_by_json, created_at, expires_at,
  completed_at, session_id, decision, audit_seq, result_jws`;

const toRequest = (r: RequestRow): StoredRequest => ({
  requestId: r.request_id, tid: r.tid, oid: r.oid, upn: r.upn, purpose: r.purpose, status: r.status, codeSha256: r.code_sha256,
  codeAttempts: r.code_attempts, createdBy: r.created_by_json ? JSON.parse(r.created_by_json) as AuditActor : null,
  createdAt: r.created_at, expiresAt: r.expires_at, completedAt: r.completed_at, sessionId: r.session_id, decision: r.decision,
  auditSeq: r.audit_seq, resultJws: r.result_jws,
});

const toToken = (r: TokenRow): StoredApiToken => ({
  tokenId: r.token_id, name: r.name, scopes: r.scopes.split(' '), createdAt: r.created_at, revokedAt: r.revoked_at, lastUsedAt: r.last_used_at,
});

const HEX64 = /^[0-9a-f]{64}$/;

function badInput(message: string): ProofgateError {
  return new ProofgateError('ERR_STORE_INPUT', message, { status: 500, expose: false });
}

export class SqliteRequestStore implements RequestStore {
  readonly #db: Database.Database;
  readonly #s;

  constructor(db: Database.Database) {
    this.#db = db;
    this.#s = {
      insert: db.prepare(`INSERT INTO verification_requests (request_id, tid, oid, upn, purpose, status, token_sha256, code_sha256, created_by_json, created_at, expires_at)
        VALUES (@requestId, @tid, @oid, @upn, @purpose, 'open', @tokenSha256, @codeSha256, @createdByJson, @createdAt, @expiresAt)`),
      openOfAccount: db.prepare(`SELECT count(*) AS n FROM verification_requests WHERE tid = ? AND oid = ? AND status = 'open' AND expires_at > ?`),
      get: db.prepare(`SELECT ${COLUMNS} FROM verification_requests WHERE request_id = ?`),
      byToken: db.prepare(`SELECT ${COLUMNS} FROM verification_requests WHERE token_sha256 = ?`),
      bySession: db.prepare(`SELECT ${COLUMNS} FROM verification_requests WHERE session_id = ?`),
      openByUpn: db.prepare(`SELECT ${COLUMNS} FROM verification_requests WHERE lower(upn) = lower(?) AND status = 'open' AND expires_at > ? LIMIT 20`),
      list: db.prepare(`SELECT ${COLUMNS} FROM verification_requests ORDER BY created_at DESC, rowid DESC LIMIT ?`),
      countCode: db.prepare('UPDATE verification_requests SET code_attempts = code_attempts + 1 WHERE request_id = ? RETURNING code_attempts'),
      attach: db.prepare(`UPDATE verification_requests SET session_id = ? WHERE request_id = ? AND status = 'open' AND expires_at > ?`),
      revoke: db.prepare(`UPDATE verification_requests SET status = 'revoked', completed_at = ? WHERE request_id = ? AND status = 'open'`),
      complete: db.prepare(`UPDATE verification_requests SET status = @status, decision = @decision, audit_seq = @auditSeq, completed_at = @at
        WHERE request_id = @requestId AND session_id = @sessionId AND status = 'open'`),
      setJws: db.prepare('UPDATE verification_requests SET result_jws = ? WHERE request_id = ? AND status IN (\'verified\', \'failed\')'),
      accountsByUpn: db.prepare(`SELECT tid, oid, upn FROM subjects WHERE lower(upn) = lower(@upn)
        UNION SELECT tid, oid, max(upn) FROM audit_records WHERE lower(upn) = lower(@upn) AND flow IN ${VERIFICATION_FLOWS} GROUP BY tid, oid LIMIT @limit`),
      subject: db.prepare('SELECT tid, oid, upn FROM subjects WHERE tid = ? AND oid = ?'),
      auditAccount: db.prepare(`SELECT tid, oid, upn FROM audit_records WHERE tid = ? AND oid = ? AND flow IN ${VERIFICATION_FLOWS} ORDER BY seq DESC LIMIT 1`),
      addToken: db.prepare(`INSERT INTO api_tokens (token_id, name, token_sha256, scopes, created_at) VALUES (@tokenId, @name, @tokenSha256, @scopes, @createdAt)`),
      activeToken: db.prepare('SELECT token_id, name, scopes, created_at, revoked_at, last_used_at FROM api_tokens WHERE token_sha256 = ? AND revoked_at IS NULL'),
      tokenByName: db.prepare('SELECT token_id, name, scopes, created_at, revoked_at, last_used_at FROM api_tokens WHERE name = ?'),
      listTokens: db.prepare('SELECT token_id, name, scopes, created_at, revoked_at, last_used_at FROM api_tokens ORDER BY created_at, rowid'),
      revokeToken: db.prepare('UPDATE api_tokens SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL'),
      touchToken: db.prepare('UPDATE api_tokens SET last_used_at = ? WHERE token_id = ?'),
      saveDelivery: db.prepare(`INSERT INTO webhook_deliveries (request_id, url, state, attempts, last_status, last_error, updated_at)
        VALUES (@requestId, @url, @state, @attempts, @lastStatus, @lastError, @updatedAt)
        ON CONFLICT (request_id, url) DO UPDATE SET state = excluded.state, attempts = excluded.attempts, last_status = excluded.last_status,
          last_error = excluded.last_error, updated_at = excluded.updated_at`),
      deliveries: db.prepare('SELECT request_id, url, state, attempts, last_status, last_error, updated_at FROM webhook_deliveries WHERE request_id = ? ORDER BY url'),
      pendingDeliveries: db.prepare(`SELECT request_id, url, state, attempts, last_status, last_error, updated_at FROM webhook_deliveries
        WHERE state = 'pending' ORDER BY updated_at, request_id, url LIMIT ?`),
    };
  }

  insert(r: NewRequest, now: number): StoredRequest | null {
    if (!HEX64.test(r.tokenSha256) || !HEX64.test(r.codeSha256)) throw badInput('request token and code: expected SHA-256 hex');
    return this.#db.transaction(() => {
      if ((this.#s.openOfAccount.get(r.tid, r.oid, now) as { n: number }).n > 0) return null;
      this.#s.insert.run({ ...r, createdByJson: r.createdBy ? JSON.stringify(r.createdBy) : null });
      return this.get(r.requestId);
    }).immediate();
  }

  get(requestId: string): StoredRequest | null {
    const row = this.#s.get.get(requestId) as RequestRow | undefined;
    return row ? toRequest(row) : null;
  }

  byToken(tokenSha256: string): StoredRequest | null {
    const row = this.#s.byToken.get(tokenSha256) as RequestRow | undefined;
    return row ? toRequest(row) : null;
  }

  bySession(sessionId: string): StoredRequest | null {
    const row = this.#s.bySession.get(sessionId) as RequestRow | undefined;
    return row ? toRequest(row) : null;
  }

  openByUpn(upn: string, now: number): StoredRequest[] {
    return (this.#s.openByUpn.all(upn, now) as RequestRow[]).map(toRequest);
  }

  list(limit: number): StoredRequest[] {
    return (this.#s.list.all(Math.max(1, Math.min(500, Math.trunc(limit)))) as RequestRow[]).map(toRequest);
  }

  countCodeFailure(requestId: string): number {
    const row = this.#s.countCode.get(requestId) as { code_attempts: number } | undefined;
    return row?.code_attempts ?? 0;
  }

  attachSession(requestId: string, sessionId: string, now: number): boolean {
    return this.#s.attach.run(sessionId, requestId, now).changes === 1;
  }

  revoke(requestId: string, at: number): boolean {
    return this.#s.revoke.run(at, requestId).changes === 1;
  }

  complete(requestId: string, sessionId: string, o: { decision: Decision; auditSeq: number; at: number }): boolean {
    const status = o.decision === 'verified' ? 'verified' : 'failed';
    return this.#s.complete.run({ requestId, sessionId, status, decision: o.decision, auditSeq: o.auditSeq, at: o.at }).changes === 1;
  }

  setResultJws(requestId: string, jws: string): void {
    this.#s.setJws.run(jws, requestId);
  }

  accountsByUpn(upn: string, limit: number): KnownAccount[] {
    return this.#s.accountsByUpn.all({ upn, limit: Math.max(1, Math.min(100, limit)) }) as KnownAccount[];
  }

  knownAccount(tid: string, oid: string): KnownAccount | null {
    const row = (this.#s.subject.get(tid, oid) ?? this.#s.auditAccount.get(tid, oid)) as KnownAccount | undefined;
    return row ?? null;
  }

  addApiToken(t: { tokenId: string; name: string; tokenSha256: string; scopes: string[]; createdAt: number }): StoredApiToken {
    if (!HEX64.test(t.tokenSha256)) throw badInput('api token: expected SHA-256 hex');
    try {
      this.#s.addToken.run({ ...t, scopes: t.scopes.join(' ') });
    } catch (e) {
      if ((e as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw new ProofgateError('ERR_BAD_REQUEST', `an API token named "${t.name}" already exists`, { status: 409 });
      throw e;
    }
    return this.apiTokenByName(t.name)!;
  }

  activeApiToken(tokenSha256: string): StoredApiToken | null {
    const row = this.#s.activeToken.get(tokenSha256) as TokenRow | undefined;
    return row ? toToken(row) : null;
  }

  apiTokenByName(name: string): StoredApiToken | null {
    const row = this.#s.tokenByName.get(name) as TokenRow | undefined;
    return row ? toToken(row) : null;
  }

  listApiTokens(): StoredApiToken[] {
    return (this.#s.listTokens.all() as TokenRow[]).map(toToken);
  }

  revokeApiToken(name: string, at: number): boolean {
    return this.#s.revokeToken.run(at, name).changes === 1;
  }

  touchApiToken(tokenId: string, at: number): void {
    this.#s.touchToken.run(at, tokenId);
  }

  saveDelivery(d: WebhookDelivery): void {
    this.#s.saveDelivery.run({ ...d, lastError: d.lastError?.slice(0, 512) ?? null });
  }

  deliveriesOf(requestId: string): WebhookDelivery[] {
    return (this.#s.deliveries.all(requestId) as DeliveryRow[]).map(deliveryOf);
  }

  pendingDeliveries(limit: number): WebhookDelivery[] {
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > 10_000) throw badInput('pendingDeliveries limit: expected an integer 1..10000');
    return (this.#s.pendingDeliveries.all(limit) as DeliveryRow[]).map(deliveryOf);
  }
}

function deliveryOf(r: DeliveryRow): WebhookDelivery {
  return { requestId: r.request_id, url: r.url, state: r.state, attempts: r.attempts, lastStatus: r.last_status, lastError: r.last_error, updatedAt: r.updated_at };
}
