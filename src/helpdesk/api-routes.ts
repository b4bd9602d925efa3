// The REST API for integrations (mounted under the public prefix), Authorization: Bearer <API token>:
//   POST /api/v1/verification-requests              requests:create (+ requests:recover for purpose recovery) JSON { tid, oid, purpose?, ttlSeconds? } → 201 { id, status, link, code, expiresAt }
//   GET  /api/v1/verification-requests/:id          requests:read    → { id, status, purpose, tid, oid, createdAt, expiresAt, completedAt }
//   GET  /api/v1/verification-requests/:id/result   requests:read    → the signed result (application/jwt); 409 while undecided
// Errors answer in JSON ({ error, error_description }); a missing, unknown or revoked token is 401, a scope
// the token lacks is 403, and a refusal writes nothing. Every act that succeeds is one audit record naming the token.
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { ProofgateError } from '../core/errors.js';
import type { Repository } from '../store/repository.js';
import type { StoredApiToken } from '../store/request-store.js';
import { authenticateApiToken, requireScope, tokenActor, type ApiScope } from './api-tokens.js';
import type { RequestService, VerificationRequest } from './request-service.js';
import type { RequestResults } from './request-results.js';

const param = (req: Request, name: string) => (typeof req.params[name] === 'string' ? req.params[name] : '');
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function requestJson(r: VerificationRequest) {
  return { id: r.id, status: r.status, purpose: r.purpose, tid: r.tid, oid: r.oid, upn: r.upn, createdAt: iso(r.createdAt), expiresAt: iso(r.expiresAt), completedAt: iso(r.completedAt) };
}

export function createApiRouter(d: { repo: Repository; requests: RequestService; results: RequestResults; now: () => number }): Router {
  const router = express.Router();
  const token = (res: Response) => (res.locals as { apiToken: StoredApiToken }).apiToken;
  const scoped = (scope: ApiScope) => (req: Request, res: Response, next: NextFunction) => {
    const t = authenticateApiToken(d.repo, req.get('authorization'));
    requireScope(t, scope);
    // Last use is recorded only for a call that succeeded: a refusal writes nothing.
    res.on('finish', () => {
      if (res.statusCode < 400) d.repo.requests.touchApiToken(t.tokenId, d.now());
    });
    (res.locals as { apiToken: StoredApiToken }).apiToken = t;
    next();
  };
  const noStore = (_req: Request, res: Response, next: NextFunction) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  };
  const jsonErrors = (err: unknown, req: Request, res: Response, next: NextFunction) => {
    req.headers.accept = 'application/json';
    if (err instanceof ProofgateError && err.status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="proofgate"');
    next(err);
  };

  router.post('/api/v1/verification-requests', noStore, scoped('requests:create'), (req: Request, res: Response) => {
    const body = req.body as unknown;
    if (body === null || typeof body !== 'object' || Array.isArray(body) || !req.is('application/json')) {
      throw new ProofgateError('ERR_BAD_REQUEST', 'expected a JSON object { tid, oid, purpose?, ttlSeconds? }', { status: 400 });
    }
    const b = body as Record<string, unknown>;
    const unknown = Object.keys(b).filter((k) => !['tid', 'oid', 'purpose', 'ttlSeconds'].includes(k));
    if (unknown.length > 0) throw new ProofgateError('ERR_BAD_REQUEST', `unknown field ${unknown[0].slice(0, 40)}`, { status: 400 });
    if (b.ttlSeconds !== undefined && typeof b.ttlSeconds !== 'number') throw new ProofgateError('ERR_BAD_REQUEST', 'ttlSeconds: expected a number', { status: 400 });
    if (b.purpose === 'recovery') requireScope(token(res), 'requests:recover');
    const issued = d.requests.create({
      tid: typeof b.tid === 'string' ? b.tid : '', oid: typeof b.oid === 'string' ? b.oid : '', upn: null,
      purpose: (b.purpose ?? 'verify') as 'verify', ttlSeconds: b.ttlSeconds as number | undefined, actor: tokenActor(token(res)),
    });
    res.status(201).json({ ...requestJson(issued.request), link: issued.link, code: issued.code });
  }, jsonErrors);

  router.get('/api/v1/verification-requests/:id', noStore, scoped('requests:read'), (req: Request, res: Response) => {
    // Status is polled: not audited (the signed result's fetch is, as is every console view of a result).
    res.json(requestJson(d.requests.get(param(req, 'id'))));
  }, jsonErrors);

  router.get('/api/v1/verification-requests/:id/result', noStore, scoped('requests:read'), async (req: Request, res: Response) => {
    const stored = d.requests.stored(param(req, 'id'));
    const jws = await d.results.signed(stored);
    d.requests.recordResultRead(stored, tokenActor(token(res)), 'signed result fetched through the API');
    res.type('application/jwt').send(jws);
  }, jsonErrors);
  return router;
}
