// The one storage interface. The SQLite implementation lives in src/store/sqlite-*.ts; nothing outside
// src/store touches SQL. All writes that belong together happen in one transaction, so a failure
// leaves nothing half-written.
import type { JWK } from 'jose';

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

/** What the audit trail records for one verification (the chain fields are added by the store). */
export interface AuditEntry {
  sessionId: string | null;
  tid: string;
  oid: string;
  upn: string | null;
  profileId: string | null;
  flow: 'returning' | 'first-time' | 'none';
  checks: CheckResult[];
  decision: Decision;
  clientRequestId: string | null;
  evidenceSha256: string[];
  at: number;
}

export interface AuditRecord extends AuditEntry {
  seq: number;
  prevHash: string; // hex, of the previous record ('0'*64 for the first)
  hash: string; // hex sha256 over prevHash and the canonical JSON of the entry
}

export interface AuditCheckpoint {
  seq: number; // last record covered
  hash: string; // that record's hash
  kid: string;
  signature: string; // base64url RS256 over `${seq}.${hash}`
  at: number;
}

/** AES-256-GCM parameters kept beside an evidence ciphertext (src/store/evidence-cipher.ts). */
export interface EvidenceSeal {
  iv: Buffer; // 12 random bytes
  tag: Buffer; // 16-byte GCM tag
}

/** The per-deployment evidence data key, as stored: only ever wrapped by the HSM. */
export interface WrappedDataKey {
  keyId: string;
  wrappingKeyId: string;
  wrapped: Buffer;
  createdAt: number;
}

export interface Repository {
  // Subjects and profiles
  upsertSubject(subject: Omit<DirectorySubject, 'createdAt'>): DirectorySubject;
  getSubject(tid: string, oid: string): DirectorySubject | null;
  getProfile(tid: string, oid: string): BiometricProfile | null;
  saveProfile(profile: Omit<BiometricProfile, 'createdAt' | 'updatedAt'>): BiometricProfile;

  // Verification sessions
  createSession(session: VerificationSession): void;
  getSession(sessionId: string): VerificationSession | null;
  /** Moves an open session to a final status; returns false if it was not open (a second decision is refused). */
  closeSession(sessionId: string, status: Exclude<VerificationStatus, 'open'>): boolean;

  /**
   * Replay guard: records a one-time value (hint hash, nonce) until `expiresAt`.
   * Returns false if it was already recorded and not yet expired.
   */
  rememberOnce(kind: 'hint' | 'nonce', value: string, expiresAt: number): boolean;

  /** Deletes replay-guard entries that expired at or before `now`. Returns the count. */
  pruneOnceValues(now: number): number;

  // Evidence (encryption in src/store/evidence-cipher.ts: use storeEvidence/readEvidence there, not these)
  /**
   * `wrappedKeyId` is the data key's id (WrappedDataKey.keyId). `seal` is required by the SQLite
   * store (it keeps iv and tag in their own columns); it is optional only to keep the first signature.
   */
  putEvidence(record: Omit<EvidenceRecord, 'purgedAt'>, ciphertext: Buffer, wrappedKeyId: string, seal?: EvidenceSeal): void;
  getEvidence(evidenceId: string): { record: EvidenceRecord; ciphertext: Buffer | null; wrappedKeyId: string; seal: EvidenceSeal } | null;
  listEvidence(sessionId: string): EvidenceRecord[];
  /** Deletes raw image bytes older than `before`, keeping records, templates and the audit trail. Returns the count. */
  purgeEvidenceBefore(before: number): number;
  /** Stores the deployment's data key unless one exists; returns whichever is stored (first writer wins). */
  saveDataKey(key: WrappedDataKey): WrappedDataKey;
  /** The data key with this id, or without an id the deployment's (oldest) one. */
  getDataKey(keyId?: string): WrappedDataKey | null;

  // Audit (chain algorithm: src/audit/chain.ts)
  appendAudit(entry: AuditEntry): AuditRecord;
  lastAuditRecord(): AuditRecord | null;
  /** Records in seq order from `fromSeq` (default 1), read page by page (safe to write meanwhile). */
  auditRecords(fromSeq?: number): Iterable<AuditRecord>;
  /** Stores a signed checkpoint and the public key that signed it; false if one exists for that seq. */
  appendAuditCheckpoint(checkpoint: AuditCheckpoint, publicJwk: JWK): boolean;
  auditCheckpoints(): AuditCheckpoint[];
  lastAuditCheckpoint(): AuditCheckpoint | null;
  /** Public keys that signed checkpoints (informational: trust only keys pinned out of band). */
  auditKeys(): JWK[];

  /** Runs `fn` in one transaction: everything inside commits together or not at all. */
  transaction<T>(fn: () => T): T;
  close(): void;
}
