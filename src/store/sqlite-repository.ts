// The Repository over the SQL port (src/store/sql-database.ts): one SQLite file (better-sqlite3), the
// embedded default, or a PostgreSQL database (src/store/postgres). Statements are prepared once; every
// operation that writes more than one row runs in one IMMEDIATE transaction, so it commits whole or not at
// all and never meets a lock upgrade failure half-way.
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { JWK } from 'jose';
import { ProofgateError } from '../core/errors.js';
import { openDatabase, type OpenDatabaseOptions } from './sqlite-database.js';
import { dialectSql, type SqlDatabase, type SqlDialect } from './sql-database.js';
import { SqliteSqlDatabase } from './sqlite-sql-database.js';
import { SqliteHandoffStore } from './sqlite-handoffs.js';
import { SqliteStaffStore } from './sqlite-staff.js';
import { SqliteRequestStore } from './sqlite-requests.js';
import { SqliteRecoveryTapLedger } from './sqlite-recovery-taps.js';
import { SqliteEnrolmentHolds } from './sqlite-enrolment-holds.js';
import { SqliteCaptureClaims } from './sqlite-capture-claims.js';
import type { AuditCheckpoint, AuditRecord, BiometricProfile, DirectorySubject, EvidenceRecord, VerificationSession, VerificationStatus } from '../core/domain.js';
import type {
  AccountActivity, AccountErasure, AccountFailure, AccountLock, EvidenceSeal, OnceKind, ProfileListQuery, ProfileSummary, Repository, Station, WrappedDataKey,
} from './repository.js';
import {
  toAccountLock, toAuditRecord, toCheckpoint, toDataKey, toEvidence, toProfile, toProfileSummary, toSession, toStation, toSubject,
  type AccountLockRow, type StationRow, type AuditRow, type ProfileSummaryRow, type CheckpointRow, type DataKeyRow, type EvidenceRow, type ProfileRow, type SessionRow, type SubjectRow,
} from './sqlite-rows.js';

const AUDIT_PAGE = 500;
const SHA256_HEX = /^[0-9a-f]{64}$/;
const FINAL_STATUSES: readonly VerificationStatus[] = ['decided', 'expired', 'cancelled'];
const MAX_PROFILE_PAGE = 1000;
const ONCE_KINDS: readonly OnceKind[] = ['hint', 'nonce', 'station-envelope'];
const STATION_ID = /^[0-9a-f]{32}$/;
const STATION_ALGORITHMS: readonly Station['algorithm'][] = ['ES256', 'RS256'];

// A profile with its account label and the newest verified decision (the audit_records_account index
// keeps the subquery to the account's own records).
const ENROLMENT_METHOD: Record<SqlDialect, string> = {
  sqlite: "json_extract(p.enrolment_json, '$.method')",
  // Only a JSON string counts (toProfileSummary keeps strings only); a scalar document yields NULL.
  postgres: "CASE WHEN jsonb_typeof(p.enrolment_json::jsonb) = 'object' THEN p.enrolment_json::jsonb ->> 'method' END",
};
const profileSummary = (dialect: SqlDialect) => `SELECT p.profile_id, p.tid, p.oid, p.model_id, p.created_at, p.updated_at, s.upn,
    ${ENROLMENT_METHOD[dialect]} AS enrolment_method,
    (SELECT max(a.at) FROM audit_records a WHERE a.tid = p.tid AND a.oid = p.oid AND a.decision = 'verified') AS last_verified_at
  FROM profiles p LEFT JOIN subjects s ON s.tid = p.tid AND s.oid = p.oid`;
const ACCOUNT_SESSIONS = 'SELECT session_id FROM verification_sessions WHERE tid = ? AND oid = ?';

export interface SqliteRepositoryOptions extends OpenDatabaseOptions {
  /** Clock for created/updated times and expiry checks (tests pin it). */
  now?: () => number;
}

function badInput(message: string): ProofgateError {
  return new ProofgateError('ERR_STORE_INPUT', message, { status: 500, expose: false });
}

function requireString(v: unknown, what: string, nullable = false): void {
  if (nullable && v === null) return;
  if (typeof v !== 'string' || v.length === 0) throw badInput(`${what}: expected a non-empty string${nullable ? ' or null' : ''}`);
}

function requireTime(v: unknown, what: string): void {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw badInput(`${what}: expected ms since epoch (integer)`);
}

function json(v: unknown, what: string): string {
  try {
    const text = JSON.stringify(v);
    if (text === undefined) throw new Error('not JSON');
    return text;
  } catch (e) {
    throw badInput(`${what}: not serialisable as JSON (${(e as Error).message})`);
  }
}

function isConstraint(e: unknown, kind: string): boolean {
  return (e as { code?: string })?.code === kind;
}

export class SqlRepository implements Repository {
  readonly #db: SqlDatabase;
  readonly #now: () => number;
  readonly #s;
  readonly handoffs: SqliteHandoffStore;
  readonly staff: SqliteStaffStore;
  readonly requests: SqliteRequestStore;
  readonly recoveryTaps: SqliteRecoveryTapLedger;
  readonly enrolmentHolds: SqliteEnrolmentHolds;
  readonly profileJournal: SqliteEnrolmentHolds;
  readonly captureClaims: SqliteCaptureClaims;

  constructor(db: SqlDatabase, opts: { now?: () => number } = {}) {
    this.#db = db;
    this.handoffs = new SqliteHandoffStore(db);
    this.staff = new SqliteStaffStore(db);
    this.requests = new SqliteRequestStore(db);
    this.recoveryTaps = new SqliteRecoveryTapLedger(db);
    this.enrolmentHolds = new SqliteEnrolmentHolds(db);
    this.profileJournal = this.enrolmentHolds;
    this.captureClaims = new SqliteCaptureClaims(db);
    this.#now = opts.now ?? Date.now;
    this.#s = {
      upsertSubject: db.prepare(`INSERT INTO subjects (tid, oid, upn, display_name, given_name, family_name, created_at, updated_at)
        VALUES (@tid, @oid, @upn, @displayName, @givenName, @familyName, @now, @now)
        ON CONFLICT (tid, oid) DO UPDATE SET upn = excluded.upn, display_name = excluded.display_name,
          given_name = excluded.given_name, family_name = excluded.family_name, updated_at = excluded.updated_at`),
      getSubject: db.prepare('SELECT * FROM subjects WHERE tid = ? AND oid = ?'),
      getProfile: db.prepare('SELECT * FROM profiles WHERE tid = ? AND oid = ?'),
      insertProfile: db.prepare(`INSERT INTO profiles (profile_id, tid, oid, template, model_id, enrolment_json, created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
      updateProfile: db.prepare('UPDATE profiles SET template = ?, model_id = ?, enrolment_json = ?, updated_at = ? WHERE profile_id = ?'),
      deleteProfile: db.prepare('DELETE FROM profiles WHERE profile_id = ?'),
      insertSession: db.prepare(`INSERT INTO verification_sessions (session_id, tid, oid, sub, client_id, redirect_uri, nonce, state,
          client_request_id, acr, amr, hint_claims_json, csrf_token, challenge_json, status, created_at, expires_at)
        VALUES (@sessionId, @tid, @oid, @sub, @clientId, @redirectUri, @nonce, @state, @clientRequestId, @acr, @amr,
          @hintClaims, @csrfToken, @challenge, @status, @createdAt, @expiresAt)`),
      getSession: db.prepare('SELECT * FROM verification_sessions WHERE session_id = ?'),
      closeSession: db.prepare(`UPDATE verification_sessions SET status = ?, closed_at = ? WHERE session_id = ? AND status = 'open'`),
      countAttempt: db.prepare(`UPDATE verification_sessions SET capture_attempts = capture_attempts + 1
        WHERE session_id = ? AND status = 'open' RETURNING capture_attempts`),
      expiredOpen: db.prepare(`SELECT * FROM verification_sessions WHERE status = 'open' AND expires_at <= ? ORDER BY expires_at, session_id LIMIT ?`),
      dropExpiredOnce: db.prepare('DELETE FROM one_time_values WHERE kind = ? AND value_sha256 = ? AND expires_at <= ?'),
      insertOnce: db.prepare('INSERT OR IGNORE INTO one_time_values (kind, value_sha256, expires_at) VALUES (?, ?, ?)'),
      pruneOnce: db.prepare('DELETE FROM one_time_values WHERE expires_at <= ?'),
      insertEvidence: db.prepare(`INSERT INTO evidence (evidence_id, session_id, kind, media_type, sha256, ciphertext, iv, tag, data_key_id, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      getEvidence: db.prepare('SELECT * FROM evidence WHERE evidence_id = ?'),
      evidenceSeenForAccount: db.prepare(`SELECT 1 FROM verification_sessions s JOIN evidence e ON e.session_id = s.session_id
        WHERE s.tid = ? AND s.oid = ? AND e.sha256 = ? AND s.session_id != ? LIMIT 1`),
      listEvidence: db.prepare(`SELECT evidence_id, session_id, kind, media_type, sha256, created_at, purged_at
        FROM evidence WHERE session_id = ? ORDER BY created_at, evidence_id`),
      purgeEvidence: db.prepare('UPDATE evidence SET ciphertext = NULL, purged_at = ? WHERE purged_at IS NULL AND created_at < ?'),
      // CAST on a filter's IS NULL test: PostgreSQL types a parameter where it first meets it (same result on SQLite).
      listProfiles: db.prepare(`${profileSummary(db.dialect)}
        WHERE (CAST(@tid AS TEXT) IS NULL OR p.tid = @tid) AND (CAST(@afterTid AS TEXT) IS NULL OR (p.tid, p.oid) > (@afterTid, @afterOid))
        ORDER BY p.tid, p.oid LIMIT @limit`),
      profileSummary: db.prepare(`${profileSummary(db.dialect)} WHERE p.tid = ? AND p.oid = ?`),
      accountSessions: db.prepare('SELECT count(*) AS n FROM verification_sessions WHERE tid = ? AND oid = ?'),
      accountImages: db.prepare(`SELECT count(*) FILTER (WHERE purged_at IS NULL) AS stored, count(*) FILTER (WHERE purged_at IS NOT NULL) AS purged
        FROM evidence WHERE session_id IN (${ACCOUNT_SESSIONS})`),
      accountAuditTotal: db.prepare('SELECT count(*) AS n FROM audit_records WHERE tid = ? AND oid = ?'),
      accountAuditSeqs: db.prepare('SELECT seq FROM audit_records WHERE tid = ? AND oid = ? ORDER BY seq DESC LIMIT ?'),
      accountStoredImages: db.prepare(`SELECT sha256 FROM evidence WHERE purged_at IS NULL AND session_id IN (${ACCOUNT_SESSIONS})
        ORDER BY created_at, evidence_id`),
      eraseAccountImages: db.prepare(`UPDATE evidence SET ciphertext = NULL, purged_at = ?
        WHERE purged_at IS NULL AND session_id IN (${ACCOUNT_SESSIONS})`),
      // The hint's names and upn of finished sessions go with the subject; an open session still needs its claims.
      scrubAccountHints: db.prepare(`UPDATE verification_sessions SET hint_claims_json = '{}' WHERE tid = ? AND oid = ? AND status != 'open'`),
      // The phones' addresses of the account's hand-offs go with its other personal data.
      scrubAccountPhoneIps: db.prepare(`UPDATE handoffs SET phone_ip = NULL
        WHERE phone_ip IS NOT NULL AND session_id IN (SELECT session_id FROM verification_sessions WHERE tid = ? AND oid = ?)`),
      // An open session kept its claims through the account's erasure (it needed them to answer Entra):
      // they go when it ends, unless the account has a subject again (re-enrolled since).
      scrubErasedSessionHints: db.prepare(`UPDATE verification_sessions AS v SET hint_claims_json = '{}'
        WHERE v.session_id = ? AND v.hint_claims_json != '{}'
          AND NOT EXISTS (SELECT 1 FROM subjects s WHERE s.tid = v.tid AND s.oid = v.oid)
          AND EXISTS (SELECT 1 FROM audit_records a WHERE a.tid = v.tid AND a.oid = v.oid AND a.flow = 'erasure' AND a.at >= v.created_at)`),
      deleteAccountProfile: db.prepare('DELETE FROM profiles WHERE tid = ? AND oid = ?'),
      deleteSubject: db.prepare('DELETE FROM subjects WHERE tid = ? AND oid = ?'),
      sessionExists: db.prepare('SELECT 1 FROM verification_sessions WHERE session_id = ?'),
      insertDataKey: db.prepare(dialectSql(db, {
        sqlite: `INSERT OR IGNORE INTO data_keys (key_id, wrapping_key_id, wrapped, created_at)
          SELECT ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM data_keys)`,
        // A parameter in a SELECT list has no type for PostgreSQL to infer: cast each to its column's.
        postgres: `INSERT OR IGNORE INTO data_keys (key_id, wrapping_key_id, wrapped, created_at)
          SELECT ?::text, ?::text, ?::bytea, ?::bigint WHERE NOT EXISTS (SELECT 1 FROM data_keys)`,
      })),
      getDataKey: db.prepare('SELECT * FROM data_keys WHERE key_id = ?'),
      insertStation: db.prepare(`INSERT INTO stations (station_id, name, public_key, algorithm, key_sha256, created_at, revoked_at)
        VALUES (@stationId, @name, @publicKey, @algorithm, @keySha256, @createdAt, NULL)`),
      getStation: db.prepare('SELECT * FROM stations WHERE station_id = ?'),
      getStationByKey: db.prepare('SELECT * FROM stations WHERE key_sha256 = ?'),
      listStations: db.prepare('SELECT * FROM stations ORDER BY created_at, station_id'),
      revokeStation: db.prepare('UPDATE stations SET revoked_at = ? WHERE station_id = ? AND revoked_at IS NULL'),
      firstDataKey: db.prepare('SELECT * FROM data_keys ORDER BY created_at, key_id LIMIT 1'),
      lastAudit: db.prepare('SELECT * FROM audit_records ORDER BY seq DESC LIMIT 1'),
      auditPage: db.prepare('SELECT * FROM audit_records WHERE seq >= ? ORDER BY seq LIMIT ?'),
      auditAt: db.prepare('SELECT * FROM audit_records WHERE seq = ?'),
      insertAudit: db.prepare(`INSERT INTO audit_records (seq, at, session_id, tid, oid, upn, profile_id, flow, decision, client_request_id,
          checks_json, evidence_json, prev_hash, hash, mac, actor_json)
        VALUES (@seq, @at, @sessionId, @tid, @oid, @upn, @profileId, @flow, @decision, @clientRequestId, @checks, @evidence, @prevHash, @hash, @mac,
          @actor)`),
      insertCheckpoint: db.prepare('INSERT OR IGNORE INTO audit_checkpoints (seq, hash, kid, signature, at) VALUES (?, ?, ?, ?, ?)'),
      insertAuditKey: db.prepare('INSERT OR IGNORE INTO audit_keys (kid, jwk_json, first_at) VALUES (?, ?, ?)'),
      checkpoints: db.prepare('SELECT * FROM audit_checkpoints ORDER BY seq'),
      lastCheckpoint: db.prepare('SELECT * FROM audit_checkpoints ORDER BY seq DESC LIMIT 1'),
      preMacThrough: db.prepare('SELECT MIN(last_pre_mac_seq) AS seq FROM audit_mac_cutoff'),
      auditKeys: db.prepare('SELECT jwk_json FROM audit_keys ORDER BY first_at, kid'),
      insertFailure: db.prepare('INSERT INTO account_failures (tid, oid, at, session_id) VALUES (?, ?, ?, ?)'),
      pruneFailures: db.prepare('DELETE FROM account_failures WHERE tid = ? AND oid = ? AND at <= ?'),
      countFailures: db.prepare('SELECT count(*) AS n FROM account_failures WHERE tid = ? AND oid = ? AND at > ?'),
      countUnspentFailures: db.prepare('SELECT count(*) AS n FROM account_failures WHERE tid = ? AND oid = ? AND at > ? AND spent = 0'),
      spendFailures: db.prepare('UPDATE account_failures SET spent = 1 WHERE tid = ? AND oid = ? AND spent = 0'),
      clearFailures: db.prepare('DELETE FROM account_failures WHERE tid = ? AND oid = ?'),
      upsertLock: db.prepare(`INSERT INTO account_locks (tid, oid, kind, locked_at, locked_until, failures) VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (tid, oid) DO UPDATE SET kind = excluded.kind, locked_at = excluded.locked_at, locked_until = excluded.locked_until, failures = excluded.failures`),
      getLock: db.prepare('SELECT * FROM account_locks WHERE tid = ? AND oid = ?'),
      deleteLock: db.prepare('DELETE FROM account_locks WHERE tid = ? AND oid = ?'),
    };
  }

  /** The underlying SQLite connection, for the backup commands, the migration runner's and the audit tamper tests only. */
  get database(): Database.Database {
    if (!(this.#db instanceof SqliteSqlDatabase)) throw new ProofgateError('ERR_STORE', `this store is ${this.#db.dialect}, not a SQLite file`, { expose: false });
    return this.#db.raw;
  }

  /** Which database the store runs on. */
  get dialect(): SqlDialect {
    return this.#db.dialect;
  }

  transaction<T>(fn: () => T): T {
    return this.#db.transaction(fn, 'immediate');
  }

  close(): void {
    this.#db.close();
  }

  scrubWal(): boolean {
    // PostgreSQL's write-ahead log and dead row versions are the server's (vacuum, WAL recycling and
    // archiving settings): a client cannot truncate them, so the erasure cannot be reported as scrubbed.
    if (!(this.#db instanceof SqliteSqlDatabase)) return false;
    if (this.#db.inTransaction) throw badInput('scrubWal: inside a transaction (the erasure is not committed yet)');
    // A blocked checkpoint does not throw: SQLite reports it as busy, or as fewer frames copied than logged.
    const [r] = this.#db.raw.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number; log: number; checkpointed: number }>;
    return r !== undefined && r.busy === 0 && r.checkpointed >= r.log;
  }

  // Subjects and profiles

  upsertSubject(subject: Omit<DirectorySubject, 'createdAt'>): DirectorySubject {
    requireString(subject?.tid, 'subject.tid');
    requireString(subject.oid, 'subject.oid');
    for (const k of ['upn', 'displayName', 'givenName', 'familyName'] as const) requireString(subject[k], `subject.${k}`, true);
    this.#s.upsertSubject.run({ ...subject, now: this.#now() });
    return this.getSubject(subject.tid, subject.oid)!;
  }

  getSubject(tid: string, oid: string): DirectorySubject | null {
    const row = this.#s.getSubject.get(tid, oid) as SubjectRow | undefined;
    return row ? toSubject(row) : null;
  }

  getProfile(tid: string, oid: string): BiometricProfile | null {
    const row = this.#s.getProfile.get(tid, oid) as ProfileRow | undefined;
    return row ? toProfile(row) : null;
  }

  /** Saves the account's profile; enrolling a new profileId for the same account replaces the old one. */
  saveProfile(profile: Omit<BiometricProfile, 'createdAt' | 'updatedAt'>): BiometricProfile {
    requireString(profile?.profileId, 'profile.profileId');
    requireString(profile.tid, 'profile.tid');
    requireString(profile.oid, 'profile.oid');
    requireString(profile.modelId, 'profile.modelId');
    if (!Buffer.isBuffer(profile.template) || profile.template.length === 0) throw badInput('profile.template: expected a non-empty Buffer');
    const enrolment = json(profile.enrolment ?? null, 'profile.enrolment');
    return this.transaction(() => {
      if (!this.getSubject(profile.tid, profile.oid)) {
        throw badInput(`profile for ${profile.tid}/${profile.oid}: no such subject (upsertSubject first)`);
      }
      const now = this.#now();
      const existing = this.#s.getProfile.get(profile.tid, profile.oid) as ProfileRow | undefined;
      if (existing?.profile_id === profile.profileId) {
        this.#s.updateProfile.run(profile.template, profile.modelId, enrolment, now, profile.profileId);
      } else {
        if (existing) this.#s.deleteProfile.run(existing.profile_id);
        try {
          this.#s.insertProfile.run(profile.profileId, profile.tid, profile.oid, profile.template, profile.modelId, enrolment, now, now);
        } catch (e) {
          if (isConstraint(e, 'SQLITE_CONSTRAINT_PRIMARYKEY')) throw badInput(`profile ${profile.profileId} already belongs to another account`);
          throw e;
        }
      }
      return this.getProfile(profile.tid, profile.oid)!;
    });
  }

  listProfiles(query: ProfileListQuery): ProfileSummary[] {
    if (!Number.isSafeInteger(query?.limit) || query.limit < 1 || query.limit > MAX_PROFILE_PAGE) {
      throw badInput(`listProfiles limit: expected an integer 1..${MAX_PROFILE_PAGE}`);
    }
    if (query.tid !== undefined) requireString(query.tid, 'listProfiles tid');
    if (query.after !== undefined) {
      requireString(query.after?.tid, 'listProfiles after.tid');
      requireString(query.after.oid, 'listProfiles after.oid');
    }
    const rows = this.#s.listProfiles.all({
      tid: query.tid ?? null, afterTid: query.after?.tid ?? null, afterOid: query.after?.oid ?? null, limit: query.limit,
    }) as ProfileSummaryRow[];
    return rows.map(toProfileSummary);
  }

  getProfileSummary(tid: string, oid: string): ProfileSummary | null {
    const row = this.#s.profileSummary.get(tid, oid) as ProfileSummaryRow | undefined;
    return row ? toProfileSummary(row) : null;
  }

  accountActivity(tid: string, oid: string, auditLimit: number): AccountActivity {
    if (!Number.isSafeInteger(auditLimit) || auditLimit < 0) throw badInput('accountActivity auditLimit: expected an integer >= 0');
    return this.#db.transaction(() => {
      const images = this.#s.accountImages.get(tid, oid) as { stored: number; purged: number };
      return {
        sessions: (this.#s.accountSessions.get(tid, oid) as { n: number }).n,
        imagesStored: images.stored,
        imagesPurged: images.purged,
        auditSeqs: (this.#s.accountAuditSeqs.all(tid, oid, auditLimit) as { seq: number }[]).map((r) => r.seq).reverse(),
        auditTotal: (this.#s.accountAuditTotal.get(tid, oid) as { n: number }).n,
      };
    }, 'deferred');
  }

  eraseAccountBiometrics(tid: string, oid: string, at: number): AccountErasure | null {
    requireString(tid, 'eraseAccountBiometrics tid');
    requireString(oid, 'eraseAccountBiometrics oid');
    requireTime(at, 'eraseAccountBiometrics at');
    return this.transaction(() => {
      const profile = this.#s.getProfile.get(tid, oid) as ProfileRow | undefined;
      const subject = this.#s.getSubject.get(tid, oid) as SubjectRow | undefined;
      const evidenceSha256 = (this.#s.accountStoredImages.all(tid, oid) as { sha256: string }[]).map((r) => r.sha256);
      const openHolds = this.enrolmentHolds.openForAccount(tid, oid).length;
      if (!profile && !subject && evidenceSha256.length === 0 && openHolds === 0) return null;
      const holdsErased = this.enrolmentHolds.eraseAccount(tid, oid, at);
      const imagesErased = this.#s.eraseAccountImages.run(at, tid, oid).changes;
      this.#s.scrubAccountHints.run(tid, oid);
      this.#s.scrubAccountPhoneIps.run(tid, oid);
      this.#s.deleteAccountProfile.run(tid, oid);
      this.#s.deleteSubject.run(tid, oid);
      return { profileId: profile?.profile_id ?? null, upn: subject?.upn ?? null, imagesErased, evidenceSha256, holdsErased };
    });
  }

  // Verification sessions

  createSession(session: VerificationSession): void {
    for (const k of ['sessionId', 'tid', 'oid', 'sub', 'clientId', 'redirectUri', 'nonce', 'acr', 'amr', 'csrfToken'] as const) {
      requireString(session?.[k], `session.${k}`);
    }
    requireString(session.state, 'session.state', true);
    requireString(session.clientRequestId, 'session.clientRequestId', true);
    requireTime(session.createdAt, 'session.createdAt');
    requireTime(session.expiresAt, 'session.expiresAt');
    if (!['open', ...FINAL_STATUSES].includes(session.status)) throw badInput(`session.status: expected open | ${FINAL_STATUSES.join(' | ')}`);
    const row = {
      ...session,
      hintClaims: json(session.hintClaims ?? {}, 'session.hintClaims'),
      challenge: json(session.challenge ?? {}, 'session.challenge'),
    };
    try {
      this.#s.insertSession.run(row);
    } catch (e) {
      if (isConstraint(e, 'SQLITE_CONSTRAINT_PRIMARYKEY')) throw badInput(`session ${session.sessionId} already exists`);
      throw e;
    }
  }

  getSession(sessionId: string): VerificationSession | null {
    const row = this.#s.getSession.get(sessionId) as SessionRow | undefined;
    return row ? toSession(row) : null;
  }

  closeSession(sessionId: string, status: Exclude<VerificationStatus, 'open'>): boolean {
    if (!FINAL_STATUSES.includes(status)) throw badInput(`closeSession status: expected ${FINAL_STATUSES.join(' | ')}`);
    return this.transaction(() => {
      if (this.#s.closeSession.run(status, this.#now(), sessionId).changes !== 1) return false;
      this.#s.scrubErasedSessionHints.run(sessionId);
      return true;
    });
  }

  countCaptureAttempt(sessionId: string): number | null {
    requireString(sessionId, 'countCaptureAttempt sessionId');
    const row = this.#s.countAttempt.get(sessionId) as { capture_attempts: number } | undefined;
    return row ? row.capture_attempts : null;
  }

  listExpiredOpenSessions(now: number, limit: number): VerificationSession[] {
    requireTime(now, 'listExpiredOpenSessions now');
    if (!Number.isSafeInteger(limit) || limit < 1) throw badInput('listExpiredOpenSessions limit: expected an integer >= 1');
    return (this.#s.expiredOpen.all(now, limit) as SessionRow[]).map(toSession);
  }

  rememberOnce(kind: OnceKind, value: string, expiresAt: number): boolean {
    if (!ONCE_KINDS.includes(kind)) throw badInput(`rememberOnce kind: expected ${ONCE_KINDS.join(' | ')}`);
    requireString(value, 'rememberOnce value');
    requireTime(expiresAt, 'rememberOnce expiresAt');
    const digest = createHash('sha256').update(value, 'utf8').digest('hex');
    return this.transaction(() => {
      this.#s.dropExpiredOnce.run(kind, digest, this.#now());
      return this.#s.insertOnce.run(kind, digest, expiresAt).changes === 1;
    });
  }

  pruneOnceValues(now: number): number {
    requireTime(now, 'pruneOnceValues now');
    return this.#s.pruneOnce.run(now).changes;
  }

  // Evidence

  putEvidence(record: Omit<EvidenceRecord, 'purgedAt'>, ciphertext: Buffer, wrappedKeyId: string, seal?: EvidenceSeal): void {
    for (const k of ['evidenceId', 'sessionId', 'kind', 'mediaType'] as const) requireString(record?.[k], `evidence.${k}`);
    if (!/^[0-9a-f]{64}$/.test(record.sha256)) throw badInput('evidence.sha256: expected a lowercase hex SHA-256 digest');
    requireTime(record.createdAt, 'evidence.createdAt');
    if (!Buffer.isBuffer(ciphertext)) throw badInput('evidence ciphertext: expected a Buffer');
    if (!seal || !Buffer.isBuffer(seal.iv) || seal.iv.length !== 12 || !Buffer.isBuffer(seal.tag) || seal.tag.length !== 16) {
      throw badInput('evidence seal: expected the AES-GCM iv (12 bytes) and tag (16 bytes); store evidence through storeEvidence()');
    }
    this.transaction(() => {
      if (!this.#s.sessionExists.get(record.sessionId)) throw badInput(`evidence for session ${record.sessionId}: no such session`);
      if (!this.#s.getDataKey.get(wrappedKeyId)) throw badInput(`evidence data key ${wrappedKeyId}: no such key`);
      try {
        this.#s.insertEvidence.run(record.evidenceId, record.sessionId, record.kind, record.mediaType, record.sha256,
          ciphertext, seal.iv, seal.tag, wrappedKeyId, record.createdAt);
      } catch (e) {
        if (isConstraint(e, 'SQLITE_CONSTRAINT_PRIMARYKEY')) throw badInput(`evidence ${record.evidenceId} already exists`);
        throw e;
      }
    });
  }

  getEvidence(evidenceId: string): { record: EvidenceRecord; ciphertext: Buffer | null; wrappedKeyId: string; seal: EvidenceSeal } | null {
    const row = this.#s.getEvidence.get(evidenceId) as EvidenceRow | undefined;
    if (!row) return null;
    return { record: toEvidence(row), ciphertext: row.ciphertext, wrappedKeyId: row.data_key_id, seal: { iv: row.iv, tag: row.tag } };
  }

  listEvidence(sessionId: string): EvidenceRecord[] {
    return (this.#s.listEvidence.all(sessionId) as EvidenceRow[]).map(toEvidence);
  }

  evidenceSeenForAccount(tid: string, oid: string, sha256: string, exceptSessionId: string): boolean {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw badInput('evidenceSeenForAccount sha256: expected a lowercase hex SHA-256 digest');
    return this.#s.evidenceSeenForAccount.get(tid, oid, sha256, exceptSessionId) !== undefined;
  }

  purgeEvidenceBefore(before: number): number {
    requireTime(before, 'purgeEvidenceBefore before');
    const purged = this.#s.purgeEvidence.run(this.#now(), before).changes;
    // secure_delete zeroes the old cells in the main file; the WAL may still hold pages with the old
    // ciphertext until it is checkpointed and truncated (best effort: a long reader can delay it).
    // Inside a caller's transaction the checkpoint is impossible (and the purge not yet committed).
    if (purged > 0 && this.#db instanceof SqliteSqlDatabase && !this.#db.inTransaction) this.#db.raw.pragma('wal_checkpoint(TRUNCATE)');
    return purged;
  }

  addStation(station: Omit<Station, 'revokedAt'>): Station {
    if (typeof station?.stationId !== 'string' || !STATION_ID.test(station.stationId)) throw badInput('station.stationId: expected 32 lowercase hex characters');
    requireString(station.name, 'station.name');
    if (!Buffer.isBuffer(station.publicKey) || station.publicKey.length === 0) throw badInput('station.publicKey: expected a non-empty Buffer (SPKI DER)');
    if (!STATION_ALGORITHMS.includes(station.algorithm)) throw badInput(`station.algorithm: expected ${STATION_ALGORITHMS.join(' | ')}`);
    if (typeof station.keySha256 !== 'string' || !SHA256_HEX.test(station.keySha256)) throw badInput('station.keySha256: expected a lowercase hex SHA-256');
    requireTime(station.createdAt, 'station.createdAt');
    try {
      this.#s.insertStation.run({
        stationId: station.stationId, name: station.name, publicKey: station.publicKey, algorithm: station.algorithm,
        keySha256: station.keySha256, createdAt: station.createdAt,
      });
    } catch (e) {
      if (isConstraint(e, 'SQLITE_CONSTRAINT_PRIMARYKEY')) throw badInput(`station ${station.stationId} already exists`);
      if (isConstraint(e, 'SQLITE_CONSTRAINT_UNIQUE')) throw badInput('a station with this public key already exists');
      if (isConstraint(e, 'SQLITE_CONSTRAINT_CHECK')) throw badInput(`station ${station.stationId}: a field is out of bounds (${(e as Error).message})`);
      throw e;
    }
    return this.getStation(station.stationId)!;
  }

  getStation(stationId: string): Station | null {
    const row = this.#s.getStation.get(stationId) as StationRow | undefined;
    return row ? toStation(row) : null;
  }

  getStationByKey(keySha256: string): Station | null {
    const row = this.#s.getStationByKey.get(keySha256) as StationRow | undefined;
    return row ? toStation(row) : null;
  }

  listStations(): Station[] {
    return (this.#s.listStations.all() as StationRow[]).map(toStation);
  }

  revokeStation(stationId: string, at: number): boolean {
    requireString(stationId, 'revokeStation stationId');
    requireTime(at, 'revokeStation at');
    return this.#s.revokeStation.run(at, stationId).changes === 1;
  }

  saveDataKey(key: WrappedDataKey): WrappedDataKey {
    requireString(key?.keyId, 'dataKey.keyId');
    requireString(key.wrappingKeyId, 'dataKey.wrappingKeyId');
    if (!Buffer.isBuffer(key.wrapped) || key.wrapped.length === 0) throw badInput('dataKey.wrapped: expected a non-empty Buffer');
    requireTime(key.createdAt, 'dataKey.createdAt');
    return this.transaction(() => {
      this.#s.insertDataKey.run(key.keyId, key.wrappingKeyId, key.wrapped, key.createdAt);
      return this.getDataKey()!;
    });
  }

  getDataKey(keyId?: string): WrappedDataKey | null {
    const row = (keyId === undefined ? this.#s.firstDataKey.get() : this.#s.getDataKey.get(keyId)) as DataKeyRow | undefined;
    return row ? toDataKey(row) : null;
  }

  // Account lockout

  addAccountFailure(failure: AccountFailure, keepAfter: number): void {
    requireString(failure?.tid, 'account failure tid');
    requireString(failure.oid, 'account failure oid');
    requireString(failure.sessionId, 'account failure sessionId');
    requireTime(failure.at, 'account failure at');
    requireTime(keepAfter, 'account failure keepAfter');
    if (keepAfter >= failure.at) throw badInput('account failure keepAfter: expected a time before the failure');
    this.transaction(() => {
      this.#s.pruneFailures.run(failure.tid, failure.oid, keepAfter);
      this.#s.insertFailure.run(failure.tid, failure.oid, failure.at, failure.sessionId);
    });
  }

  countAccountFailures(tid: string, oid: string, after: number): number {
    requireTime(after, 'countAccountFailures after');
    return (this.#s.countFailures.get(tid, oid, after) as { n: number }).n;
  }

  countUnspentAccountFailures(tid: string, oid: string, after: number): number {
    requireTime(after, 'countUnspentAccountFailures after');
    return (this.#s.countUnspentFailures.get(tid, oid, after) as { n: number }).n;
  }

  lockAccount(lock: AccountLock): void {
    requireString(lock?.tid, 'account lock tid');
    requireString(lock.oid, 'account lock oid');
    if (lock.kind !== 'short' && lock.kind !== 'staff') throw badInput('account lock kind: expected "short" or "staff"');
    requireTime(lock.lockedAt, 'account lock lockedAt');
    if (lock.kind === 'staff') {
      if (lock.lockedUntil !== null) throw badInput('account lock lockedUntil: expected null for a staff lock (it lasts until a staff unlock)');
    } else {
      requireTime(lock.lockedUntil, 'account lock lockedUntil');
      if (lock.lockedUntil! <= lock.lockedAt) throw badInput('account lock lockedUntil: expected a time after lockedAt');
    }
    if (!Number.isSafeInteger(lock.failures) || lock.failures < 1) throw badInput('account lock failures: expected an integer >= 1');
    this.transaction(() => {
      this.#s.upsertLock.run(lock.tid, lock.oid, lock.kind, lock.lockedAt, lock.lockedUntil, lock.failures);
      this.#s.spendFailures.run(lock.tid, lock.oid);
    });
  }

  getAccountLock(tid: string, oid: string): AccountLock | null {
    const row = this.#s.getLock.get(tid, oid) as AccountLockRow | undefined;
    return row ? toAccountLock(row) : null;
  }

  resetAccountLockout(tid: string, oid: string): { lock: AccountLock | null; failures: number } {
    requireString(tid, 'resetAccountLockout tid');
    requireString(oid, 'resetAccountLockout oid');
    return this.transaction(() => {
      const lock = this.getAccountLock(tid, oid);
      if (lock) this.#s.deleteLock.run(tid, oid);
      return { lock, failures: this.#s.clearFailures.run(tid, oid).changes };
    });
  }

  // Audit

  /** A plain insert: the record arrives validated and chained from AuditTrail; this only keeps rows well-formed. */
  insertAuditRecord(record: AuditRecord): void {
    if (!Number.isSafeInteger(record?.seq) || record.seq < 1) throw badInput('audit record seq: expected an integer >= 1');
    for (const k of ['prevHash', 'hash'] as const) {
      if (typeof record[k] !== 'string' || !SHA256_HEX.test(record[k])) throw badInput(`audit record ${k}: expected a lowercase hex SHA-256 digest`);
    }
    for (const k of ['tid', 'oid', 'flow', 'decision'] as const) requireString(record[k], `audit record ${k}`);
    for (const k of ['sessionId', 'upn', 'profileId', 'clientRequestId'] as const) requireString(record[k], `audit record ${k}`, true);
    requireTime(record.at, 'audit record at');
    if (record.mac !== null && (typeof record.mac !== 'string' || !SHA256_HEX.test(record.mac))) {
      throw badInput('audit record mac: expected null or a lowercase hex HMAC-SHA256');
    }
    if (!Array.isArray(record.checks) || !Array.isArray(record.evidenceSha256)) throw badInput('audit record checks, evidenceSha256: expected arrays');
    if (record.actor !== undefined && (record.actor === null || typeof record.actor !== 'object')) throw badInput('audit record actor: expected an object or absent');
    const row = {
      ...record,
      checks: json(record.checks, 'audit record checks'),
      evidence: json(record.evidenceSha256, 'audit record evidenceSha256'),
      actor: record.actor === undefined ? null : json(record.actor, 'audit record actor'),
    };
    try {
      this.#s.insertAudit.run(row);
    } catch (e) {
      if (isConstraint(e, 'SQLITE_CONSTRAINT_PRIMARYKEY')) throw badInput(`audit record ${record.seq} already exists`);
      if (isConstraint(e, 'SQLITE_CONSTRAINT_UNIQUE')) throw badInput(`audit record ${record.seq}: hash ${record.hash} is already stored`);
      throw e;
    }
  }

  lastAuditRecord(): AuditRecord | null {
    const row = this.#s.lastAudit.get() as AuditRow | undefined;
    return row ? toAuditRecord(row) : null;
  }

  auditRecord(seq: number): AuditRecord | null {
    if (!Number.isSafeInteger(seq) || seq < 1) return null;
    const row = this.#s.auditAt.get(seq) as AuditRow | undefined;
    return row ? toAuditRecord(row) : null;
  }

  *auditRecords(fromSeq = 1): Iterable<AuditRecord> {
    let next = fromSeq;
    for (;;) {
      const rows = this.#s.auditPage.all(next, AUDIT_PAGE) as AuditRow[];
      for (const row of rows) yield toAuditRecord(row);
      if (rows.length < AUDIT_PAGE) return;
      next = rows[rows.length - 1].seq + 1;
    }
  }

  appendAuditCheckpoint(checkpoint: AuditCheckpoint, publicJwk: JWK): boolean {
    if (publicJwk?.kid !== checkpoint.kid) throw badInput('audit checkpoint: the public JWK kid differs from the checkpoint kid');
    return this.transaction(() => {
      this.#s.insertAuditKey.run(checkpoint.kid, json(publicJwk, 'audit key'), checkpoint.at);
      return this.#s.insertCheckpoint.run(checkpoint.seq, checkpoint.hash, checkpoint.kid, checkpoint.signature, checkpoint.at).changes === 1;
    });
  }

  auditCheckpoints(): AuditCheckpoint[] {
    return (this.#s.checkpoints.all() as CheckpointRow[]).map(toCheckpoint);
  }

  lastAuditCheckpoint(): AuditCheckpoint | null {
    const row = this.#s.lastCheckpoint.get() as CheckpointRow | undefined;
    return row ? toCheckpoint(row) : null;
  }

  auditKeys(): JWK[] {
    return (this.#s.auditKeys.all() as { jwk_json: string }[]).map((r) => JSON.parse(r.jwk_json) as JWK);
  }

  auditPreMacThrough(): number {
    // A missing row (the table emptied by hand) means no record is exempt.
    return (this.#s.preMacThrough.get() as { seq: number | null }).seq ?? 0;
  }
}

/** Opens (creating and migrating as needed) the SQLite store at `file`. */
export function openSqliteRepository(file: string, opts: SqliteRepositoryOptions = {}): SqlRepository {
  return new SqlRepository(new SqliteSqlDatabase(openDatabase(file, opts)), { now: opts.now });
}

// One repository over the SQL port; the name it had while SQLite was its only backend stays for the
// call sites and tests that use it.
export { SqlRepository as SqliteRepository };
