// The signed result of a verification request: a compact JWS (RS256) by the appliance's HSM signing key,
// the kid as in the JWKS (/oidc/jwks), typ 'proofgate-verification-result+jwt' so it is never taken for an
// id_token. Built from the decision's audit record, so it says exactly what the audit says: the decision,
// the liveness tier reached, and each check's score, threshold and outcome (reasons stay in the audit).
import type { AuditRecord } from '../core/domain.js';
import type { KeyRing } from '../hsm/signing-key.js';
import { signCompactJws } from '../oidc/id-token.js';
import { tierOf } from '../verification/liveness/index.js';
import { sessionReference } from '../verification/flow/session-reference.js';
import type { StoredRequest } from '../store/request-store.js';

export const RESULT_JWS_TYPE = 'proofgate-verification-result+jwt';

export interface VerificationResultClaims {
  iss: string;
  iat: number;
  exp: number;
  request_id: string;
  purpose: string;
  tid: string;
  oid: string;
  decision: 'verified' | 'denied' | 'unavailable';
  /** The liveness tier reached ('none' when no liveness check ran). */
  tier: string;
  checks: Array<{ name: string; score: number | null; threshold: number | null; outcome: string }>;
  /** When the decision was made, seconds since the epoch. */
  completed_at: number;
  /** The reference the person was shown, and the audit record that holds the reasons. */
  reference: string;
  audit_seq: number;
}

export function resultClaims(request: StoredRequest, record: AuditRecord, iss: string, iat: number, lifetimeSeconds: number): VerificationResultClaims {
  return {
    iss, iat, exp: iat + lifetimeSeconds,
    request_id: request.requestId, purpose: request.purpose, tid: request.tid, oid: request.oid,
    decision: record.decision as VerificationResultClaims['decision'],
    tier: tierOf(record.checks)?.reached ?? 'none',
    checks: record.checks.map((c) => ({ name: c.name, score: c.score, threshold: c.threshold, outcome: c.outcome })),
    completed_at: Math.floor(record.at / 1000),
    reference: sessionReference(record.sessionId ?? ''),
    audit_seq: record.seq,
  };
}

export function signResult(keyRing: KeyRing, claims: VerificationResultClaims, timeoutMs: number): Promise<string> {
  return signCompactJws(keyRing, RESULT_JWS_TYPE, claims, timeoutMs, 'the verification result');
}
