// The port through which recovery reads the help-desk request a TAP is issued for, and marks it used.
// The appliance backs it with the verification-request store (src/helpdesk); markTapIssued runs inside
// transaction(), together with the audit record of the issue, so a request is marked exactly when its
// record is written.
import type { AuditActor } from '../core/domain.js';

/** The fields of a verification request that recovery decides on. */
export interface RecoveryRequest {
  id: string;
  tid: string;
  oid: string;
  upn: string | null;
  status: 'open' | 'verified' | 'failed' | 'expired' | 'revoked';
  purpose: 'verify' | 'recovery';
  /** Who opened the request (a help-desk agent, an API token), or null for the self-service page. */
  createdBy: AuditActor | null;
  /** The verification session that ended it verified, when there was one. */
  sessionId: string | null;
  /** When a TAP was issued for it; null while none was. */
  tapIssuedAt: number | null;
}

export interface RecoveryRequests {
  get(id: string): RecoveryRequest | undefined;
  /**
   * Marks the request's TAP issued at `at`, only if it is still verified, of purpose recovery and not yet
   * marked (one conditional UPDATE); false otherwise, and then nothing changed.
   */
  markTapIssued(id: string, at: number): boolean;
  /** Runs `fn` in one store transaction; the audit trail's record() joins it. */
  transaction<T>(fn: () => T): T;
}
