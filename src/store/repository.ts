// The one storage interface. The SQLite implementation lives in src/store/sqlite-*.ts; nothing outside
// src/store touches SQL. All writes that belong together happen in one transaction, so a failure
// leaves nothing half-written.
import type { JWK } from 'jose';
import type {
  AuditCheckpoint, AuditRecord, BiometricProfile, DirectorySubject, EvidenceRecord, VerificationSession, VerificationStatus,
} from '../core/domain.js';
import type { HandoffStore } from './handoff-store.js';
import type { StaffStore } from './staff-store.js';
import type { RequestStore } from './request-store.js';
import type { RecoveryTapLedger } from './sqlite-recovery-taps.js';
import type { EnrolmentHoldStore, ProfileJournal } from './enrolment-hold-store.js';
import type { CaptureClaimStore } from './sqlite-capture-claims.js';

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

/**
 * An account's lock (account_locks): verification is refused while it is in force. A `short` lock (too many
 * failures in the sliding window) ends at `lockedUntil`; a `staff` lock (the daily cap) has no end
 * (`lockedUntil` null) and lasts until a staff unlock.
 */
export interface AccountLock {
  tid: string;
  oid: string;
  kind: 'short' | 'staff';
  lockedAt: number;
  lockedUntil: number | null;
  /** Failures counted when the lock started (in the window for `short`, in the last 24 h for `staff`). */
  failures: number;
}

/** One counted verification failure of an account (the lockout rule: src/verification/policy/account-lockout.ts). */
export interface AccountFailure {
  tid: string;
  oid: string;
  sessionId: string;
  at: number;
}

/** One enrolled account as `profile list` and `profile show` present it: metadata only, never the template. */
export interface ProfileSummary {
  tid: string;
  oid: string;
  profileId: string;
  /** The account label (the hint's upn or the one given at enrolment), when known. */
  upn: string | null;
  enrolledAt: number;
  updatedAt: number;
  /** The embedder whose template is stored (a template compares only with one from the same model). */
  modelId: string;
  /** How the profile was enrolled (the enrolment summary's `method`), when recorded. */
  enrolmentMethod: string | null;
  /** The newest audit record with decision `verified` for the account, or null. */
  lastVerifiedAt: number | null;
}

/** Keyset paging over profiles, ordered by (tid, oid). */
export interface ProfileListQuery {
  tid?: string;
  /** Continue after this account (the last one of the previous page). */
  after?: { tid: string; oid: string };
  limit: number;
}

/** What the store holds about an account besides its profile (for `profile show`). */
export interface AccountActivity {
  sessions: number;
  imagesStored: number;
  imagesPurged: number;
  /** Seqs of the audit records naming the account, ascending: the newest `auditLimit` of them. */
  auditSeqs: number[];
  auditTotal: number;
}

/** What eraseAccountBiometrics removed; the audit record of the erasure is written from it. */
export interface AccountErasure {
  /** The erased profile's id, or null when the account had stored images but no profile. */
  profileId: string | null;
  upn: string | null;
  /** Encrypted images whose bytes were erased now (their evidence rows keep the SHA-256 only). */
  imagesErased: number;
  /** SHA-256 of those images, in capture order. */
  evidenceSha256: string[];
  /** Open enrolment holds of the account cleared (their template and names). */
  holdsErased: number;
}

/**
 * A trusted kiosk station (docs/kiosk.md): the key it signs capture envelopes with. Revoked stations are
 * kept (revokedAt set) so audit records naming them still resolve; their signatures are refused.
 */
export interface Station {
  /** 32 lowercase hex characters (16 random bytes), printed by `station add`. */
  stationId: string;
  name: string;
  /** The public key as SPKI DER. */
  publicKey: Buffer;
  /** ES256: ECDSA P-256 with SHA-256 (IEEE P1363 r||s); RS256: RSASSA-PKCS1-v1_5 with SHA-256. */
  algorithm: 'ES256' | 'RS256';
  /** Lowercase hex SHA-256 of the SPKI DER: one station per key. */
  keySha256: string;
  createdAt: number;
  revokedAt: number | null;
}

/** What the replay guard remembers: Entra hints, challenge nonces, signed station envelopes. */
export type OnceKind = 'hint' | 'nonce' | 'station-envelope';

export interface Repository {
  /** The phone hand-off's rows (src/store/handoff-store.ts). */
  readonly handoffs: HandoffStore;
  /** Staff accounts, their passkeys and sessions (src/store/staff-store.ts; the rules in src/staff). */
  readonly staff: StaffStore;
  /** The help desk's verification requests, API tokens and webhook deliveries (src/store/request-store.ts). */
  readonly requests: RequestStore;
  /** Which recovery requests have had their Temporary Access Pass (src/store/sqlite-recovery-taps.ts). */
  readonly recoveryTaps: RecoveryTapLedger;
  /** Enrolments held as possible duplicates of another account (src/store/enrolment-hold-store.ts). */
  readonly enrolmentHolds: EnrolmentHoldStore;
  /** The profiles' templates and change journal, for the in-memory template index. */
  readonly profileJournal: ProfileJournal;
  /** Which sessions and accounts have a capture being judged, across every appliance on the store (src/store/sqlite-capture-claims.ts). */
  readonly captureClaims: CaptureClaimStore;

  // Subjects and profiles
  upsertSubject(subject: Omit<DirectorySubject, 'createdAt'>): DirectorySubject;
  getSubject(tid: string, oid: string): DirectorySubject | null;
  getProfile(tid: string, oid: string): BiometricProfile | null;
  saveProfile(profile: Omit<BiometricProfile, 'createdAt' | 'updatedAt'>): BiometricProfile;
  /** At most query.limit (1..1000) enrolled accounts after query.after, optionally of one tenant. */
  listProfiles(query: ProfileListQuery): ProfileSummary[];
  getProfileSummary(tid: string, oid: string): ProfileSummary | null;
  accountActivity(tid: string, oid: string, auditLimit: number): AccountActivity;
  /**
   * Erases the account's biometric data: its profile (the face template), its directory subject (names)
   * and the bytes of every stored image of its sessions (evidence rows keep the SHA-256, so a replay of
   * an erased capture is still recognised). Null, writing nothing, when there is nothing to erase. Run it
   * inside the transaction that writes the erasure's audit record.
   */
  eraseAccountBiometrics(tid: string, oid: string, at: number): AccountErasure | null;

  // Verification sessions
  createSession(session: VerificationSession): void;
  getSession(sessionId: string): VerificationSession | null;
  /**
   * Moves an open session to a final status; returns false if it was not open (a second decision is
   * refused). A session whose account was erased while it was open (and not enrolled again) loses its
   * hint claims (names, UPN) as it ends.
   */
  closeSession(sessionId: string, status: Exclude<VerificationStatus, 'open'>): boolean;
  /**
   * Counts one more retryable capture attempt of an open session and returns how many it has used (kept
   * in the store, so a restart does not reset them); null when the session is not open.
   */
  countCaptureAttempt(sessionId: string): number | null;
  /** Open sessions whose expiry is at or before `now`, oldest expiry first, at most `limit` (the expiry sweep). */
  listExpiredOpenSessions(now: number, limit: number): VerificationSession[];

  /**
   * Replay guard: records a one-time value (hint hash, nonce) until `expiresAt`.
   * Returns false if it was already recorded and not yet expired.
   */
  rememberOnce(kind: OnceKind, value: string, expiresAt: number): boolean;

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
  /**
   * Whether evidence with this SHA-256 was stored for the account (tid+oid) in a session other than
   * `exceptSessionId` (records outlive the purge of their bytes): a duplicate capture is refused.
   */
  evidenceSeenForAccount(tid: string, oid: string, sha256: string, exceptSessionId: string): boolean;
  /** Deletes raw image bytes older than `before`, keeping records, templates and the audit trail. Returns the count. */
  purgeEvidenceBefore(before: number): number;
  /** Stores the deployment's data key unless one exists; returns whichever is stored (first writer wins). */
  saveDataKey(key: WrappedDataKey): WrappedDataKey;
  /** The data key with this id, or without an id the deployment's (oldest) one. */
  getDataKey(keyId?: string): WrappedDataKey | null;

  // Account lockout (the rule: src/verification/policy/account-lockout.ts; call these inside the
  // decision's transaction so the failure, its count, the lock and the audit record commit together)
  /**
   * Stores one failure; the account's failures at or before `keepAfter` are deleted (no window counts
   * them any more).
   */
  addAccountFailure(failure: AccountFailure, keepAfter: number): void;
  /** All failures of the account after `after` (exclusive), spent or not: what the daily cap counts. */
  countAccountFailures(tid: string, oid: string, after: number): number;
  /** Failures of the account after `after` (exclusive) that no lock has spent: what the short window counts. */
  countUnspentAccountFailures(tid: string, oid: string, after: number): number;
  /**
   * Stores the account's lock (replacing an earlier one) and marks its failures spent: they no longer count
   * in the short window (which starts afresh when the lock ends) but stay for the daily cap.
   */
  lockAccount(lock: AccountLock): void;
  /** The account's current or last lock (expired or not), or null. */
  getAccountLock(tid: string, oid: string): AccountLock | null;
  /** Deletes the account's lock and failures (a successful verification, a staff unlock); returns what was there. */
  resetAccountLockout(tid: string, oid: string): { lock: AccountLock | null; failures: number };

  // Stations (src/verification/station: add and revoke there, with their audit records)
  /** Stores a new station; refuses (ERR_STORE_INPUT) a malformed one, a station id or a key already stored. */
  addStation(station: Omit<Station, 'revokedAt'>): Station;
  getStation(stationId: string): Station | null;
  /** The station registered with this key (SPKI DER SHA-256, hex), revoked or not, or null. */
  getStationByKey(keySha256: string): Station | null;
  /** Every station, oldest first, revoked ones included. */
  listStations(): Station[];
  /** Marks an active station revoked at `at`; false (writing nothing) when it is unknown or already revoked. */
  revokeStation(stationId: string, at: number): boolean;

  // Audit. Records are validated and chained by AuditTrail (src/audit/audit-trail.ts), the only writer.
  /** Stores a fully formed record as given; refuses (ERR_STORE_INPUT) a malformed one or a seq or hash already stored. */
  insertAuditRecord(record: AuditRecord): void;
  lastAuditRecord(): AuditRecord | null;
  /** Records in seq order from `fromSeq` (default 1), read page by page (safe to write meanwhile). */
  auditRecords(fromSeq?: number): Iterable<AuditRecord>;
  /** One record by its seq (a single-row read), or null. */
  auditRecord(seq: number): AuditRecord | null;
  /** Stores a signed checkpoint and the public key that signed it; false if one exists for that seq. */
  appendAuditCheckpoint(checkpoint: AuditCheckpoint, publicJwk: JWK): boolean;
  auditCheckpoints(): AuditCheckpoint[];
  lastAuditCheckpoint(): AuditCheckpoint | null;
  /** Public keys that signed checkpoints (informational: trust only keys pinned out of band). */
  auditKeys(): JWK[];
  /** The last seq written before records carried MACs (kept by migration 3; 0 for a database created since). */
  auditPreMacThrough(): number;

  /**
   * Runs `fn` in one transaction (BEGIN IMMEDIATE: the write lock is taken first, so what `fn` reads
   * stays current until it commits): everything inside commits together or not at all. Nested calls
   * become savepoints of the outer transaction.
   */
  transaction<T>(fn: () => T): T;
  /**
   * Checkpoints and truncates the write-ahead log so erased bytes do not linger in it (secure_delete
   * already zeroes them in the main file). True when the whole log was copied back and truncated; false
   * when another connection (a reader, the server writing) kept the checkpoint from finishing, and pages
   * written before the erasure may still be in the log. Outside a transaction.
   */
  scrubWal(): boolean;
  close(): void;
}
