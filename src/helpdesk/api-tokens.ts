// API tokens of integrations (an ITSM tool): `proofgate api-token add NAME --scope …` prints a token once
// (32 random bytes, prefixed "pgat_" so a leaked one is recognisable) and stores its SHA-256 only. Each token
// carries scopes; the REST API (api-routes.ts) refuses a call outside them. Adding and revoking are audited.
import { randomBytes } from 'node:crypto';
import type { AuditActor } from '../core/domain.js';
import { ProofgateError } from '../core/errors.js';
import type { AuditWriter } from '../audit/audit-writer.js';
import type { Repository } from '../store/repository.js';
import type { StoredApiToken } from '../store/request-store.js';
import { recordHelpdeskAct } from './helpdesk-audit.js';
import { newSecret, sha256Hex } from '../core/secrets.js';

/**
 * requests:create opens verification requests; requests:recover is needed besides it for purpose
 * `recovery` (a verified one gets the person a Temporary Access Pass), so an integration that only gates
 * resets on a verification cannot start recoveries; requests:read reads status and signed results.
 */
export const API_SCOPES = ['requests:create', 'requests:recover', 'requests:read'] as const;
export type ApiScope = (typeof API_SCOPES)[number];

const NAME = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/;
const TOKEN = /^pgat_[A-Za-z0-9_-]{43}$/;

export function apiTokenName(name: string): string {
  if (!NAME.test(name)) throw new ProofgateError('ERR_BAD_REQUEST', 'the token NAME: expected 1-64 letters, digits, spaces, dots, dashes or underscores', { status: 400 });
  return name;
}

export function parseScopes(list: string): ApiScope[] {
  const scopes = [...new Set(list.split(',').map((s) => s.trim()).filter(Boolean))];
  if (scopes.length === 0 || scopes.some((s) => !API_SCOPES.includes(s as ApiScope))) {
    throw new ProofgateError('ERR_BAD_REQUEST', `--scope: expected a comma-separated list of ${API_SCOPES.join(', ')}, received "${list.slice(0, 100)}"`, { status: 400 });
  }
  return scopes as ApiScope[];
}

/** The audit's name for what a token did. */
export function tokenActor(t: StoredApiToken): AuditActor {
  return { kind: 'api-token', id: t.tokenId, name: t.name, role: t.scopes.join(' ') };
}

/** Stores a new token with its audit record; returns the token (shown once) and its row. */
export function addApiToken(w: { repo: Repository; audit: AuditWriter }, name: string, scopes: ApiScope[], at: number): { token: string; stored: StoredApiToken } {
  const token = `pgat_${newSecret()}`;
  const tokenId = randomBytes(12).toString('hex');
  const stored = w.repo.transaction(() => {
    const row = w.repo.requests.addApiToken({ tokenId, name: apiTokenName(name), tokenSha256: sha256Hex(token), scopes, createdAt: at });
    recordHelpdeskAct(w.audit, {
      tid: 'api-token', oid: tokenId, upn: null, act: 'helpdesk-api-token-added', actor: null, at, reason: `API token "${name}" added with scopes ${scopes.join(' ')}`,
    });
    return row;
  });
  return { token, stored };
}

export function revokeApiToken(w: { repo: Repository; audit: AuditWriter }, name: string, at: number): StoredApiToken {
  return w.repo.transaction(() => {
    const row = w.repo.requests.apiTokenByName(apiTokenName(name));
    if (!row || !w.repo.requests.revokeApiToken(name, at)) throw new ProofgateError('ERR_NOT_FOUND', `no active API token named "${name}"`, { status: 404 });
    recordHelpdeskAct(w.audit, { tid: 'api-token', oid: row.tokenId, upn: null, act: 'helpdesk-api-token-revoked', actor: null, at, reason: `API token "${name}" revoked` });
    return w.repo.requests.apiTokenByName(name)!;
  });
}

/** The token a Bearer header names, active; refused alike (401) when missing, malformed, unknown or revoked. */
export function authenticateApiToken(repo: Repository, authorization: string | undefined): StoredApiToken {
  const m = /^Bearer ([^\s]{1,200})$/.exec(authorization ?? '');
  const row = m && TOKEN.test(m[1]) ? repo.requests.activeApiToken(sha256Hex(m[1])) : null;
  if (!row) throw new ProofgateError('ERR_ACCESS_DENIED', 'a valid API token is required (Authorization: Bearer <token>)', { status: 401 });
  return row;
}

export function requireScope(token: StoredApiToken, scope: ApiScope): void {
  if (!token.scopes.includes(scope)) throw new ProofgateError('ERR_ACCESS_DENIED', `this API token lacks the scope ${scope}`, { status: 403 });
}
