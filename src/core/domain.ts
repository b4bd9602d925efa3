// The domain vocabulary every floor speaks: accounts, profiles, sessions, checks, decisions and audit
// records. Plain types and the few pure helpers that read them; no I/O. The store persists these, the
// flows produce them, the pages and the audit trail read them.

/** A directory account, keyed by Entra tenant id + object id (the hint's `sub` is pairwise, oid is not). */
export interface DirectorySubject {
  tid: string;
  oid: string;
  upn: string | null;
  displayName: string | null;
  givenName: string | null;
  familyName: string | null;
  createdAt: number; // ms since epoch
}

/** The verified person bound to an account: their face template and how it was enrolled. */
export interface BiometricProfile {
  profileId: string;
  tid: string;
  oid: string;
  /** Face embedding as float32 little-endian bytes. */
  template: Buffer;
  /** Which embedder produced the template (a template only compares with one from the same model). */
  modelId: string;
  /** Document evidence summary that enrolled the profile (JSON), or null for a kiosk/staff attestation. */
  enrolment: unknown;
  createdAt: number;
  updatedAt: number;
}

export type VerificationStatus = 'open' | 'decided' | 'expired' | 'cancelled';

/** One EAM round trip: opened by Entra's POST, closed by the decision posted back. */
export interface VerificationSession {
  sessionId: string;
  tid: string;
  oid: string;
  /** The hint's pairwise sub, echoed in the id_token. */
  sub: string;
  clientId: string;
  redirectUri: string;
  nonce: string;
  state: string | null;
  clientRequestId: string | null;
  /** acr and amr this session will answer with, chosen from the request's claims. */
  acr: string;
  amr: string;
  /** Hint claims kept for binding and audit (name, preferred_username, upn, given/family name). */
  hintClaims: Record<string, unknown>;
  csrfToken: string;
  /** Per-session challenge (nonce for captures, optional active challenge for liveness). */
  challenge: Record<string, unknown>;
  status: VerificationStatus;
  createdAt: number;
  expiresAt: number;
}

/** Encrypted evidence (a captured image). `sha256` is of the plaintext and is what the audit records. */
export interface EvidenceRecord {
  evidenceId: string;
  sessionId: string;
  kind: string; // e.g. 'selfie', 'document-front', 'depth'
  sha256: string; // hex
  mediaType: string;
  createdAt: number;
  purgedAt: number | null;
}

/** One check inside a decision: what ran, what it measured, against what, and the outcome. */
export interface CheckResult {
  name: string;
  score: number | null;
  threshold: number | null;
  outcome: 'pass' | 'fail' | 'error' | 'skipped';
  reason?: string;
}

export type Decision = 'verified' | 'denied' | 'unavailable';

/**
 * What an audit record decides: a verification's Decision, `erased` for an operator's erasure of an account's
 * biometric data, or `changed` for an operator's change to the trusted kiosk stations (`proofgate station`).
 */
export type AuditDecision = Decision | 'erased' | 'changed';

/** What the audit trail records for one verification (the chain fields are added by the store). */
export interface AuditEntry {
  sessionId: string | null;
  tid: string;
  oid: string;
  upn: string | null;
  profileId: string | null;
  /**
   * `erasure`: `proofgate profile delete` (decision `erased`, no session). `station`: `proofgate station
   * add|revoke` (decision `changed`, no session, no account: tid is 'station' and oid the station id).
   * See AuditFlow for the other acts on the appliance.
   */
  flow: AuditFlow;
  checks: CheckResult[];
  decision: AuditDecision;
  clientRequestId: string | null;
  evidenceSha256: string[];
  at: number;
  /**
   * Who acted, when a person other than the verified one did: a staff member (help desk, kiosk operator,
   * admin) or an integration's API token. Absent on records of the verification itself and of the
   * appliance's own CLI; when absent it is not hashed, so records written before it existed still verify.
   */
  actor?: AuditActor;
}

/**
 * `erasure`: `proofgate profile delete`. The others are acts on the appliance, never a verification's
 * decision, and so always decide `changed`: `station` (station add|revoke), `staff` (staff accounts and
 * their passkeys), `helpdesk` (verification requests and API tokens), `recovery` (Temporary Access
 * Passes), `enrolment-review` (a held duplicate enrolment released or rejected).
 */
export type AuditFlow = 'returning' | 'first-time' | 'none' | 'erasure' | 'station' | 'staff' | 'helpdesk' | 'recovery' | 'enrolment-review';

export interface AuditActor {
  kind: 'staff' | 'api-token';
  /** The staff account's or the API token's id. */
  id: string;
  /** Its display name at the time (names can change; the id is what resolves). */
  name: string;
  /** The staff role, or the token's scope list joined by spaces. */
  role: string;
}

export interface AuditRecord extends AuditEntry {
  seq: number;
  prevHash: string; // hex, of the previous record ('0'*64 for the first)
  hash: string; // hex sha256 over prevHash and the canonical JSON of the entry
  // hex HMAC-SHA256 under the HSM-derived key of this position over `${seq}.${hash}` (src/audit/audit-trail.ts);
  // null on records written before migration 3. Not part of the chain hash.
  mac: string | null;
}

export interface AuditCheckpoint {
  seq: number; // last record covered
  hash: string; // that record's hash
  kid: string;
  signature: string; // base64url RS256 over `${seq}.${hash}`
  at: number;
}

/** The account label the audit keeps: the hint's upn, else its preferred_username. */
export function hintUpn(session: VerificationSession): string | null {
  const c = session.hintClaims;
  const v = typeof c.upn === 'string' ? c.upn : typeof c.preferred_username === 'string' ? c.preferred_username : null;
  return v && v.length > 0 ? v : null;
}
