// Verification requests (docs/helpdesk.md): a help-desk agent (or an integration's API token) asks a
// person to prove they own an account. The request carries a one-time link (a random token, stored only
// as SHA-256) and a short code (typed with the account's UPN at /r; wrong codes are counted and capped per
// request). Opening either starts a verification session of the account, as a returning user with the
// remote liveness tier; the session's decision ends the request (request-completer.ts), in the same
// transaction as the decision's audit record. A request decides once: afterwards its link and code are
// refused exactly like a guessed one. Every act of an agent or API client is one audit record with its actor.
import type { AuditActor, AuditRecord, VerificationSession } from '../core/domain.js';
import { ProofgateError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { HelpdeskConfig } from '../config/sections/helpdesk.js';
import type { Repository } from '../store/repository.js';
import type { RequestPurpose, StoredRequest } from '../store/request-store.js';
import type { AuditWriter } from '../audit/audit-writer.js';
import { recordHelpdeskAct } from './helpdesk-audit.js';
import { REQUEST_ID, REQUEST_TOKEN, codeHash, newCode, newLinkToken, newRequestId } from './request-secrets.js';
import { newSecret, sameSecret, sha256Hex } from '../core/secrets.js';

export type RequestStatus = 'open' | 'verified' | 'failed' | 'expired' | 'revoked';

export interface VerificationRequest {
  id: string;
  tid: string;
  oid: string;
  upn: string | null;
  status: RequestStatus;
  purpose: RequestPurpose;
  createdBy: AuditActor | null;
  createdAt: number;
  expiresAt: number;
  completedAt: number | null;
  sessionId: string | null;
}

export interface IssuedRequest {
  request: VerificationRequest;
  /** The one-time link (server.publicBaseUrl + /r/<token>); the token is never stored. */
  link: string;
  code: string;
}

/** The client id of sessions opened from a request (never a registered Entra client: those come from config). */
export const HELPDESK_CLIENT_ID = 'proofgate-helpdesk-request';

export interface RequestServiceDeps {
  repo: Repository;
  audit: AuditWriter;
  config: HelpdeskConfig;
  /** server.publicBaseUrl: the link is built on it. */
  publicBaseUrl: string;
  /** oidc.sessionLifetimeSeconds: a session opened from a request lives as long as one from Entra (never past the request). */
  sessionLifetimeSeconds: number;
  log: Logger;
  now: () => number;
}

/** What a person's browser gets from a working link or code: the session to verify in, or "go to a kiosk". */
export type PersonStart =
  | { kind: 'capture'; request: VerificationRequest; session: VerificationSession }
  | { kind: 'no-profile'; request: VerificationRequest };

const UUIDISH = /^[A-Za-z0-9-]{1,64}$/;
const UPN = /^[^\s@]{1,128}@[^\s@]{1,127}$/;

// One answer for every refused link or code (unknown, expired, revoked, decided, wrong code, code locked):
// what a refusal says must not tell a guesser which it was.
export const requestRefused = () => new ProofgateError('ERR_NOT_FOUND', 'this verification link or code cannot be used', { status: 404 });

export function requestView(r: StoredRequest, now: number): VerificationRequest {
  return {
    id: r.requestId, tid: r.tid, oid: r.oid, upn: r.upn, purpose: r.purpose,
    status: r.status === 'open' && now >= r.expiresAt ? 'expired' : r.status,
    createdBy: r.createdBy, createdAt: r.createdAt, expiresAt: r.expiresAt, completedAt: r.completedAt, sessionId: r.sessionId,
  };
}

export class RequestService {
  readonly #d: RequestServiceDeps;

  constructor(deps: RequestServiceDeps) {
    this.#d = deps;
  }

  get config(): HelpdeskConfig {
    return this.#d.config;
  }

  /** Where a request's capture page sends the person once decided (absolute: the completion form posts there). */
  get doneUrl(): string {
    return `${this.#d.publicBaseUrl.replace(/\/+$/, '')}/r/done`;
  }

  /** The account named by tid+oid, bounded; refused unless the appliance has seen it (subject or audit record). */
  requireKnownAccount(tid: unknown, oid: unknown): { tid: string; oid: string; upn: string | null } {
    if (typeof tid !== 'string' || typeof oid !== 'string' || !UUIDISH.test(tid) || !UUIDISH.test(oid)) {
      throw new ProofgateError('ERR_BAD_REQUEST', 'tid and oid: expected the account\'s tenant id and object id (up to 64 letters, digits or dashes)', { status: 400 });
    }
    const known = this.#d.repo.requests.knownAccount(tid.toLowerCase(), oid.toLowerCase());
    if (!known) throw new ProofgateError('ERR_NOT_FOUND', 'no such account: it has never verified or enrolled here', { status: 404 });
    return known;
  }

  /** Accounts whose UPN is `upn` (case-insensitive), from stored subjects and earlier verifications. */
  findByUpn(upn: unknown): Array<{ tid: string; oid: string; upn: string | null }> {
    if (typeof upn !== 'string' || !UPN.test(upn.trim())) throw new ProofgateError('ERR_BAD_REQUEST', 'upn: expected name@domain (up to 256 characters)', { status: 400 });
    return this.#d.repo.requests.accountsByUpn(upn.trim(), 20);
  }

  /** Creates a request and its audit record together; the link and code are returned once and never stored. */
  create(input: { tid: string; oid: string; upn: string | null; purpose: RequestPurpose; ttlSeconds?: number; actor: AuditActor | null }): IssuedRequest {
    const { repo, audit, config } = this.#d;
    const ttl = input.ttlSeconds ?? config.requestTtlSeconds;
    if (!Number.isInteger(ttl) || ttl < 60 || ttl > config.maxRequestTtlSeconds) {
      throw new ProofgateError('ERR_BAD_REQUEST', `expiry: expected 60 to ${config.maxRequestTtlSeconds} seconds, received ${String(ttl)}`, { status: 400 });
    }
    if (input.purpose !== 'verify' && input.purpose !== 'recovery') throw new ProofgateError('ERR_BAD_REQUEST', 'purpose: expected verify or recovery', { status: 400 });
    const account = this.requireKnownAccount(input.tid, input.oid);
    const upn = input.upn ?? account.upn;
    const at = this.#d.now();
    const token = newLinkToken();
    const code = newCode(config.codeLength);
    const requestId = newRequestId();
    const stored = repo.transaction(() => {
      const row = repo.requests.insert({
        requestId, tid: account.tid, oid: account.oid, upn, purpose: input.purpose, tokenSha256: sha256Hex(token),
        codeSha256: codeHash(requestId, code), createdBy: input.actor, createdAt: at, expiresAt: at + ttl * 1000,
      }, at);
      if (!row) throw new ProofgateError('ERR_REPLAY', 'this account already has an open verification request: revoke it first', { status: 409 });
      recordHelpdeskAct(audit, {
        tid: row.tid, oid: row.oid, upn, act: 'helpdesk-request-created', actor: input.actor, at,
        reason: `request ${requestId} (${input.purpose}) created, expires ${new Date(row.expiresAt).toISOString()}`,
      });
      return row;
    });
    this.#d.log('helpdesk.request_created', { requestId, tid: stored.tid, oid: stored.oid, purpose: stored.purpose, actor: input.actor?.id ?? null });
    return { request: requestView(stored, at), link: `${this.#d.publicBaseUrl.replace(/\/+$/, '')}/r/${token}`, code };
  }

  get(requestId: string): VerificationRequest {
    return this.view(this.stored(requestId));
  }

  /** The request as agents and integrations see it (expiry applied), from a row already read. */
  view(r: StoredRequest): VerificationRequest {
    return requestView(r, this.#d.now());
  }

  stored(requestId: string): StoredRequest {
    const r = REQUEST_ID.test(requestId) ? this.#d.repo.requests.get(requestId) : null;
    if (!r) throw new ProofgateError('ERR_NOT_FOUND', 'no such verification request', { status: 404 });
    return r;
  }

  list(limit = 100): VerificationRequest[] {
    const at = this.#d.now();
    return this.#d.repo.requests.list(limit).map((r) => requestView(r, at));
  }

  /** Revokes an open request and audits it; refused (nothing written) when it is not open. */
  revoke(requestId: string, actor: AuditActor | null): VerificationRequest {
    const { repo, audit } = this.#d;
    const r = this.stored(requestId);
    const at = this.#d.now();
    repo.transaction(() => {
      if (requestView(r, at).status !== 'open' || !repo.requests.revoke(r.requestId, at)) {
        throw new ProofgateError('ERR_REPLAY', `this request is already ${requestView(r, at).status}`, { status: 409 });
      }
      recordHelpdeskAct(audit, { tid: r.tid, oid: r.oid, upn: r.upn, act: 'helpdesk-request-revoked', actor, at, reason: `request ${r.requestId} revoked` });
    });
    this.#d.log('helpdesk.request_revoked', { requestId, actor: actor?.id ?? null });
    return this.get(requestId);
  }

  /** An agent's or API client's read of a result: audited (it shows a person's verification). */
  recordResultRead(r: StoredRequest, actor: AuditActor | null, how: string): AuditRecord {
    return this.#d.repo.transaction(() => recordHelpdeskAct(this.#d.audit, {
      tid: r.tid, oid: r.oid, upn: r.upn, act: 'helpdesk-result-viewed', actor, at: this.#d.now(), reason: `request ${r.requestId}: ${how}`,
    }));
  }

  /** Any other audited act (a search), in its own transaction. */
  recordAct(act: Parameters<typeof recordHelpdeskAct>[1]): AuditRecord {
    return this.#d.repo.transaction(() => recordHelpdeskAct(this.#d.audit, act));
  }

  /** The decided request whose session this is, when `csrf` is that session's token (the done page); else null. */
  decidedBySession(sessionId: unknown, csrf: unknown): StoredRequest | null {
    if (typeof sessionId !== 'string' || typeof csrf !== 'string' || !/^[A-Za-z0-9_-]{16,128}$/.test(sessionId)) return null;
    const session = this.#d.repo.getSession(sessionId);
    const r = session ? this.#d.repo.requests.bySession(sessionId) : null;
    if (!session || !r || !sameSecret(csrf, session.csrfToken) || (r.status !== 'verified' && r.status !== 'failed')) return null;
    return r;
  }

  /** The link's landing page: which request it opens, refused alike for every reason. Writes nothing. */
  peekLink(token: string): VerificationRequest {
    const r = REQUEST_TOKEN.test(token) ? this.#d.repo.requests.byToken(sha256Hex(token)) : null;
    if (!r || requestView(r, this.#d.now()).status !== 'open') throw requestRefused();
    return requestView(r, this.#d.now());
  }

  /** The person pressed Start on the link's page. */
  startFromLink(token: string, origin: { clientIp: string | null; doneUrl: string }): PersonStart {
    const r = REQUEST_TOKEN.test(token) ? this.#d.repo.requests.byToken(sha256Hex(token)) : null;
    if (!r) throw this.#refuse('unknown link', null, origin.clientIp);
    return this.#start(r, origin);
  }

  /** The person typed the account's UPN and the code at /r. A wrong code is counted on every open request of that UPN. */
  startFromCode(upn: unknown, code: unknown, origin: { clientIp: string | null; doneUrl: string }): PersonStart {
    const { repo, config } = this.#d;
    const digits = new RegExp(`^[0-9]{${config.codeLength}}$`);
    if (typeof upn !== 'string' || !UPN.test(upn.trim()) || typeof code !== 'string' || !digits.test(code.trim())) throw this.#refuse('malformed code or UPN', null, origin.clientIp);
    const candidates = repo.requests.openByUpn(upn.trim(), this.#d.now());
    const match = candidates.find((r) => r.codeAttempts < config.maxCodeAttempts && sameSecret(codeHash(r.requestId, code.trim()), r.codeSha256));
    if (!match) {
      for (const r of candidates) repo.requests.countCodeFailure(r.requestId);
      throw this.#refuse('wrong code', candidates[0]?.requestId ?? null, origin.clientIp);
    }
    return this.#start(match, origin);
  }

  #refuse(why: string, requestId: string | null, clientIp: string | null): ProofgateError {
    this.#d.log('helpdesk.request_refused', { requestId, why, clientIp }, 'warn');
    return requestRefused();
  }

  /** Opens a fresh verification session for the request (ending any earlier one); an account without a profile is sent to a kiosk. */
  #start(r: StoredRequest, origin: { clientIp: string | null; doneUrl: string }): PersonStart {
    const { repo } = this.#d;
    const at = this.#d.now();
    const status = requestView(r, at).status;
    if (status !== 'open') throw this.#refuse(`request ${status}`, r.requestId, origin.clientIp);
    if (!repo.getProfile(r.tid, r.oid)) return { kind: 'no-profile', request: requestView(r, at) };
        // Every opening gets a session of its own and cancels the one before it, under the write lock. A
    // session (and its CSRF token, which the done page takes as proof of having decided) is never handed to
    // a second browser: whoever else holds the link or code (a caller posing as the person, the agent) can
    // only start a session they must then pass themselves, and in doing so end the person's (who reopens
    // the link). A session the request no longer names can never end the request.
    const opened = repo.transaction(() => {
      const now = repo.requests.get(r.requestId);
      if (!now || requestView(now, at).status !== 'open') throw requestRefused();
      if (now.sessionId) repo.closeSession(now.sessionId, 'cancelled');
      const session: VerificationSession = {
        sessionId: newSecret(), tid: r.tid, oid: r.oid, sub: r.oid, clientId: HELPDESK_CLIENT_ID, redirectUri: origin.doneUrl,
        nonce: newSecret(), state: null, clientRequestId: r.requestId, acr: 'helpdesk-request', amr: 'face',
        hintClaims: r.upn ? { upn: r.upn } : {}, csrfToken: newSecret(), challenge: { nonce: newSecret() }, status: 'open',
        createdAt: at, expiresAt: Math.min(at + this.#d.sessionLifetimeSeconds * 1000, r.expiresAt),
      };
      repo.createSession(session);
      if (!repo.requests.attachSession(r.requestId, session.sessionId, at)) throw requestRefused();
      return { session };
    });
    const { session } = opened;
    this.#d.log('helpdesk.request_opened', { requestId: r.requestId, sessionId: session.sessionId, clientIp: origin.clientIp });
    return { kind: 'capture', request: requestView(r, at), session };
  }
}
