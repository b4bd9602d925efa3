// Every request that acts on a verification session passes here first: the session must exist, be
// open, not be expired, and the request must carry the session's CSRF token. A finished session
// refuses further captures (ERR_REPLAY): one decision per session.
import { ProofgateError } from '../../core/errors.js';
import type { VerificationSession } from '../../core/domain.js';
import type { DecisionWriters } from './record-decision.js';
import { sameSecret } from '../../core/secrets.js';
import { closeExpiredSession } from './close-expired-session.js';

const SESSION_ID = /^[A-Za-z0-9_-]{16,128}$/;

/**
 * Returns the open session or throws the typed refusal. An expired open session is closed as 'expired'
 * and audited (flow 'none', decision 'denied') in one transaction, so a late capture still leaves a
 * record; if that write fails the request answers ERR_STORE (500) and the session stays open.
 */
export function requireOpenSession(writers: DecisionWriters, sessionId: string, csrfToken: unknown, now: number): VerificationSession {
  const { repo } = writers;
  if (!SESSION_ID.test(sessionId)) throw new ProofgateError('ERR_NOT_FOUND', 'no such verification session', { status: 404 });
  const session = repo.getSession(sessionId);
  if (!session) throw new ProofgateError('ERR_NOT_FOUND', 'no such verification session', { status: 404 });
  // CSRF before anything that reveals or changes session state to a cross-site caller.
  if (typeof csrfToken !== 'string' || csrfToken.length === 0 || !sameSecret(csrfToken, session.csrfToken)) {
    throw new ProofgateError('ERR_CSRF', 'missing or wrong CSRF token', { status: 403 });
  }
  if (session.status !== 'open') {
    throw new ProofgateError('ERR_REPLAY', `this verification is already ${session.status}; start again from the sign-in page`, { status: 409 });
  }
  if (now >= session.expiresAt) {
    closeExpiredSession(writers, session, {
      flow: 'none', at: now, reason: `the session expired at ${new Date(session.expiresAt).toISOString()} before a decision`,
    });
    throw new ProofgateError('ERR_SESSION_EXPIRED', 'this verification expired; start again from the sign-in page', { status: 410 });
  }
  return session;
}
