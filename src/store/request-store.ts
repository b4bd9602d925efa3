// The help desk's storage (tables verification_requests, api_tokens, webhook_deliveries; migration
// 011-verification-requests): the rows src/helpdesk reads and moves through their states. Every
// transition is one conditional UPDATE, so two nodes (or two browsers) racing for the same row cannot both win.
import type { AuditActor, Decision } from '../core/domain.js';

export type RequestPurpose = 'verify' | 'recovery';
/** As stored; an open request past its expiry is reported as 'expired' by src/helpdesk. */
export type StoredRequestStatus = 'open' | 'verified' | 'failed' | 'revoked';

export interface StoredRequest {
  requestId: string;
  tid: string;
  oid: string;
  upn: string | null;
  purpose: RequestPurpose;
  status: StoredRequestStatus;
  /** SHA-256 (hex) over `${requestId}:${code}`. */
  codeSha256: string;
  codeAttempts: number;
  createdBy: AuditActor | null;
  createdAt: number;
  expiresAt: number;
  completedAt: number | null;
  /** The verification session the person is in (the newest one opened from the link or code). */
  sessionId: string | null;
  decision: Decision | null;
  /** The decision's audit record. */
  auditSeq: number | null;
  /** The signed result (compact JWS), once signed. */
  resultJws: string | null;
}

export interface NewRequest {
  requestId: string;
  tid: string;
  oid: string;
  upn: string | null;
  purpose: RequestPurpose;
  tokenSha256: string;
  codeSha256: string;
  createdBy: AuditActor | null;
  createdAt: number;
  expiresAt: number;
}

export interface StoredApiToken {
  tokenId: string;
  name: string;
  scopes: string[];
  createdAt: number;
  revokedAt: number | null;
  lastUsedAt: number | null;
}

export interface WebhookDelivery {
  requestId: string;
  url: string;
  state: 'pending' | 'delivered' | 'failed';
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  updatedAt: number;
}

/** An account the console can find: a stored subject or an account named in earlier audit records. */
export interface KnownAccount {
  tid: string;
  oid: string;
  upn: string | null;
}

export interface RequestStore {
  /** Stores a new open request; null, writing nothing, when the account already has an open unexpired one. */
  insert(request: NewRequest, now: number): StoredRequest | null;
  get(requestId: string): StoredRequest | null;
  byToken(tokenSha256: string): StoredRequest | null;
  bySession(sessionId: string): StoredRequest | null;
  /** Open, unexpired requests whose upn is `upn` (case-insensitive). */
  openByUpn(upn: string, now: number): StoredRequest[];
  /** Newest first, at most `limit` (1..500). */
  list(limit: number): StoredRequest[];
  /** Counts a wrong code; returns the attempts now used. */
  countCodeFailure(requestId: string): number;
  /** Binds the request to the session the person is in; false unless the request is open and unexpired. */
  attachSession(requestId: string, sessionId: string, now: number): boolean;
  /** open → revoked; false (writing nothing) unless it was open. */
  revoke(requestId: string, at: number): boolean;
  /** open → verified | failed for the request's current session, with the decision's audit seq; false unless it was open with that session. */
  complete(requestId: string, sessionId: string, outcome: { decision: Decision; auditSeq: number; at: number }): boolean;
  /** Keeps the signed result of a decided request. */
  setResultJws(requestId: string, jws: string): void;

  /** Accounts whose stored subject or audit records name `upn` (case-insensitive), at most `limit`. */
  accountsByUpn(upn: string, limit: number): KnownAccount[];
  /** The account as the store knows it (subject or audit records), or null. */
  knownAccount(tid: string, oid: string): KnownAccount | null;

  addApiToken(token: { tokenId: string; name: string; tokenSha256: string; scopes: string[]; createdAt: number }): StoredApiToken;
  /** The active (unrevoked) token with this SHA-256, or null. */
  activeApiToken(tokenSha256: string): StoredApiToken | null;
  apiTokenByName(name: string): StoredApiToken | null;
  listApiTokens(): StoredApiToken[];
  /** Marks an active token revoked; false when unknown or already revoked. */
  revokeApiToken(name: string, at: number): boolean;
  touchApiToken(tokenId: string, at: number): void;

  saveDelivery(delivery: WebhookDelivery): void;
  deliveriesOf(requestId: string): WebhookDelivery[];
  /** Deliveries still 'pending' (a restart cut their retries short), oldest first, at most `limit`. */
  pendingDeliveries(limit: number): WebhookDelivery[];
}
