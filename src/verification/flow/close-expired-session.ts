// An open session that ran out of time without a decision is closed as 'expired' together with its
// audit record (decision 'denied', a 'session-expiry' check), in one transaction: both or neither.
// Used by the open-session guard (a request after expiry) and by the sweep (sessions nobody came back to).
import { ProofgateError } from '../../core/errors.js';
import type { AuditEntry, VerificationSession } from '../../core/domain.js';
import { recordDecision, type DecisionWriters } from './record-decision.js';

export interface ExpiryRecord {
  flow: AuditEntry['flow'];
  at: number;
  /** The session-expiry check's reason: how the expiry was noticed. */
  reason: string;
}

/**
 * Returns true when this call closed the session, false when it was no longer open (another request
 * decided or expired it first). A failed write rolls both back and throws ERR_STORE (500, the generic
 * "temporarily unavailable"): the session stays open, so the next request or sweep records its expiry.
 */
export function closeExpiredSession(writers: DecisionWriters, session: VerificationSession, r: ExpiryRecord): boolean {
  const { repo } = writers;
  try {
    return repo.transaction(() => {
      if (!repo.closeSession(session.sessionId, 'expired')) return false;
      recordDecision(writers, {
        session, flow: r.flow, profileId: null, decision: 'denied', at: r.at,
        checks: [{ name: 'session-expiry', score: null, threshold: null, outcome: 'fail', reason: r.reason }],
      });
      return true;
    });
  } catch (e) {
    throw new ProofgateError('ERR_STORE', `the expiry of session ${session.sessionId} and its audit record could not be stored: ${(e as Error).message}`, {
      status: 500, expose: false, cause: e,
    });
  }
}
