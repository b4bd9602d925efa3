// How a verification session opened from a request ends. The VerificationService hands every decision to
// one VerificationCompleter; this one takes the sessions that belong to a request and leaves Entra's to the
// OIDC completer. For a request's session nothing goes to Entra and no id_token is signed: in ONE
// transaction the session is claimed, the service writes the decision's audit record (recordClaim) and the
// request moves to verified or failed with that record's seq. If any of it fails, none of it is stored and
// the session stays open (ERR_STORE); a request revoked meanwhile refuses the claim the same way.
// After the commit, the signed result is made and the webhook runs, neither holding up the person's answer.
import { ProofgateError } from '../core/errors.js';
import type { AuditRecord, Decision, VerificationSession } from '../core/domain.js';
import type { Logger } from '../core/log.js';
import type { CompletedVerification, VerificationCompleter } from '../oidc/complete-verification.js';
import type { Repository } from '../store/repository.js';
import { sessionReference } from '../verification/flow/session-reference.js';
import { HELPDESK_CLIENT_ID } from './request-service.js';

export interface RequestCompleterDeps {
  repo: Repository;
  log: Logger;
  now: () => number;
  /** After the commit (not awaited by the person's answer): sign and keep the result, run the webhook. */
  afterDecision: (requestId: string) => void;
}

/** Sends a request's sessions to the request completer and every other one to `oidc`. */
export function routeRequestSessions(oidc: VerificationCompleter, deps: RequestCompleterDeps): VerificationCompleter {
  const forRequests = createRequestCompleter(deps);
  // By the session's client id, which only a request's session carries (create-helpdesk.ts refuses it as an
  // Entra client): a request's session never reaches the OIDC completer, even one the request no longer names.
  return (sessionId, decision, detail) => (deps.repo.getSession(sessionId)?.clientId === HELPDESK_CLIENT_ID
    ? forRequests(sessionId, decision, detail) : oidc(sessionId, decision, detail));
}

export function createRequestCompleter(deps: RequestCompleterDeps): VerificationCompleter {
  const { repo } = deps;
  return async function completeRequestSession(sessionId, decision, detail = {}) {
    const session = repo.getSession(sessionId);
    const request = repo.requests.bySession(sessionId);
    if (!session) throw new ProofgateError('ERR_SESSION_EXPIRED', 'no such verification session', { status: 404 });
    if (!request) throw new ProofgateError('ERR_REPLAY', 'this verification no longer belongs to an open request', { status: 409 });
    if (session.status !== 'open') throw new ProofgateError('ERR_SESSION_DECIDED', 'this verification session has already ended', { status: 409 });
    const expired = deps.now() > session.expiresAt;
    const subject = detail.verifiedSubject;
    const bound = !subject || (subject.tid.toLowerCase() === session.tid && subject.oid.toLowerCase() === session.oid);
    const outcome: Decision = expired || !bound ? 'denied' : decision;
    const completed: CompletedVerification = {
      // The done page (person-routes.ts) shows the reference; the session id and its CSRF token, only this
      // person's page holds, let it show what follows a decision for them alone (a recovery's pass).
      redirectUri: session.redirectUri, fields: { reference: sessionReference(sessionId), session: sessionId, csrf: session.csrfToken }, outcome, session,
    };
    let record: AuditRecord | null = null;
    try {
      repo.transaction(() => {
        if (!repo.closeSession(sessionId, expired ? 'expired' : 'decided')) {
          throw new ProofgateError('ERR_SESSION_DECIDED', 'this verification session has already ended', { status: 409 });
        }
        const before = repo.lastAuditRecord()?.seq ?? 0;
        detail.recordClaim?.(completed);
        record = decisionRecord(repo, session, before);
        if (!record) throw new ProofgateError('ERR_STORE', 'the decision wrote no audit record', { status: 500, expose: false });
        if (!repo.requests.complete(request.requestId, sessionId, { decision: outcome, auditSeq: record.seq, at: deps.now() })) {
          throw new ProofgateError('ERR_REPLAY', 'this verification request has been revoked or has ended', { status: 409 });
        }
      });
    } catch (e) {
      if (e instanceof ProofgateError && (e.status < 500 || e.code === 'ERR_HSM_UNAVAILABLE')) throw e;
      throw new ProofgateError('ERR_STORE', `the decision, its audit record and the request could not be stored, the session stays open: ${(e as Error).message}`, {
        status: 500, expose: false, cause: e,
      });
    }
    deps.log('helpdesk.request_decided', { requestId: request.requestId, sessionId, decision: outcome, auditSeq: (record as AuditRecord | null)?.seq ?? null });
    deps.afterDecision(request.requestId);
    return completed;
  };
}

/** The session's decision record among those written after `afterSeq` (a lockout record may follow it). */
function decisionRecord(repo: Repository, session: VerificationSession, afterSeq: number): AuditRecord | null {
  for (const r of repo.auditRecords(afterSeq + 1)) if (r.sessionId === session.sessionId) return r;
  return null;
}
