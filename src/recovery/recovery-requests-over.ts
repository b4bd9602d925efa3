// The RecoveryRequests port over the help desk's request store and the TAP ledger (migration 012): the
// request's own fields come from the store that owns requests, whether its pass was issued from the
// ledger, and the mark is made only while the request, re-read inside the transaction, is still verified
// and for recovery.
import type { RecoveryTapLedger } from '../store/sqlite-recovery-taps.js';
import type { RecoveryRequest, RecoveryRequests } from './recovery-requests.js';

/** A verification request as its store returns it (src/helpdesk's VerificationRequest has these fields and more). */
export type StoredRecoveryRequest = Omit<RecoveryRequest, 'tapIssuedAt'>;

export interface RecoveryRequestSources {
  requests: { get(id: string): StoredRecoveryRequest | undefined | null };
  ledger: RecoveryTapLedger;
  /** The store's transaction (the one the audit trail's records join). */
  transaction<T>(fn: () => T): T;
}

export function recoveryRequestsOver(src: RecoveryRequestSources): RecoveryRequests {
  const get = (id: string): RecoveryRequest | undefined => {
    const r = src.requests.get(id);
    if (!r) return undefined;
    return {
      id: r.id, tid: r.tid, oid: r.oid, upn: r.upn, status: r.status, purpose: r.purpose, createdBy: r.createdBy, sessionId: r.sessionId,
      tapIssuedAt: src.ledger.issuedAt(id),
    };
  };
  return {
    get,
    markTapIssued(id, at) {
      const r = src.requests.get(id);
      if (!r || r.status !== 'verified' || r.purpose !== 'recovery') return false;
      return src.ledger.markIssued(id, at);
    },
    transaction: (fn) => src.transaction(fn),
  };
}
