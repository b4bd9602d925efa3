// StaffStore over the SQLite file (tables of migration 010-staff). Changes that must not be half-made (a
// revocation ending passkeys, sessions and links together; a new link burning the older ones) run in one
// IMMEDIATE transaction; one-time things (a link, a challenge) are taken by conditional writes, so of two
// racing requests only the first wins. CHECK constraints bound every column; a row they refuse, or a
// duplicate key, is ERR_STORE_INPUT.
import { dialectSql, type SqlDatabase } from './sql-database.js';
import { ProofgateError } from '../core/errors.js';
import {
  STAFF_ROLES, type StaffChallengePurpose, type StaffCredential, type StaffMember, type StaffRegistration, type StaffSession, type StaffStore,
} from './staff-store.js';

interface StaffRow { staff_id: string; name: string; role: StaffMember['role']; status: StaffMember['status']; created_at: number; revoked_at: number | null }
interface CredentialRow {
  credential_id: string; staff_id: string; public_key: Buffer; counter: number; transports: string; created_at: number;
  last_used_at: number | null; revoked_at: number | null;
}
interface SessionRow {
  session_sha256: string; credential_id: string; csrf_token: string; created_at: number; last_seen_at: number; expires_at: number;
  credential_revoked_at: number | null;
}

const toMember = (r: StaffRow): StaffMember => ({
  staffId: r.staff_id, name: r.name, role: r.role, status: r.status, createdAt: r.created_at, revokedAt: r.revoked_at,
});
const toCredential = (r: CredentialRow): StaffCredential => ({
  credentialId: r.credential_id, staffId: r.staff_id, publicKey: Buffer.from(r.public_key), counter: r.counter,
  transports: JSON.parse(r.transports) as string[], createdAt: r.created_at, lastUsedAt: r.last_used_at, revokedAt: r.revoked_at,
});

const STAFF_ID = /^[0-9a-f]{32}$/;
const HEX64 = /^[0-9a-f]{64}$/;

function badInput(message: string): ProofgateError {
  return new ProofgateError('ERR_STORE_INPUT', message, { status: 500, expose: false });
}

function storeRefusal(e: unknown, what: string): never {
  const code = (e as { code?: string })?.code ?? '';
  if (code.startsWith('SQLITE_CONSTRAINT')) throw badInput(`${what}: refused by the store (${code})`);
  throw e;
}

function requireTime(v: unknown, field: string): void {
  if (!Number.isSafeInteger(v) || (v as number) < 0) throw badInput(`${field}: expected ms since epoch`);
}

export class SqliteStaffStore implements StaffStore {
  readonly #db: SqlDatabase;
  readonly #s;

  constructor(db: SqlDatabase) {
    this.#db = db;
    this.#s = {
      insertStaff: db.prepare(`INSERT INTO staff (staff_id, name, role, status, created_at) VALUES (?, ?, ?, 'active', ?)`),
      getStaff: db.prepare('SELECT * FROM staff WHERE staff_id = ?'),
      listStaff: db.prepare('SELECT * FROM staff ORDER BY created_at, staff_id'),
      revokeStaff: db.prepare(`UPDATE staff SET status = 'revoked', revoked_at = ? WHERE staff_id = ? AND status = 'active'`),
      revokeCredentials: db.prepare('UPDATE staff_credentials SET revoked_at = ? WHERE staff_id = ? AND revoked_at IS NULL'),
      endSessionsOf: db.prepare('DELETE FROM staff_sessions WHERE staff_id = ?'),
      burnRegistrations: db.prepare('UPDATE staff_registrations SET used_at = ? WHERE staff_id = ? AND used_at IS NULL'),
      insertRegistration: db.prepare(`INSERT INTO staff_registrations (token_sha256, staff_id, created_at, expires_at) VALUES (?, ?, ?, ?)`),
      getRegistration: db.prepare('SELECT * FROM staff_registrations WHERE token_sha256 = ?'),
      useRegistration: db.prepare(`UPDATE staff_registrations SET used_at = ? WHERE token_sha256 = ? AND used_at IS NULL AND expires_at > ?`),
      insertChallenge: db.prepare(`INSERT INTO staff_challenges (challenge, purpose, token_sha256, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`),
      takeChallenge: db.prepare(`DELETE FROM staff_challenges WHERE challenge = ? AND purpose = ? AND token_sha256 IS ? AND expires_at > ?`),
      countChallenges: db.prepare('SELECT count(*) AS n FROM staff_challenges WHERE expires_at > ?'),
      pruneChallenges: db.prepare('DELETE FROM staff_challenges WHERE expires_at <= ?'),
      pruneSessions: db.prepare('DELETE FROM staff_sessions WHERE expires_at <= ? OR last_seen_at <= ?'),
      insertCredential: db.prepare(`INSERT INTO staff_credentials (credential_id, staff_id, public_key, counter, transports, created_at)
        VALUES (?, ?, ?, ?, ?, ?)`),
      getCredential: db.prepare('SELECT * FROM staff_credentials WHERE credential_id = ?'),
      listCredentials: db.prepare('SELECT * FROM staff_credentials WHERE staff_id = ? ORDER BY created_at, credential_id'),
      useCredential: db.prepare('UPDATE staff_credentials SET counter = ?, last_used_at = ? WHERE credential_id = ? AND revoked_at IS NULL'),
      insertSession: db.prepare(`INSERT INTO staff_sessions (session_sha256, staff_id, credential_id, csrf_token, created_at, last_seen_at, expires_at)
        VALUES (?, ?, ?, ?, ?, ?, ?)`),
      getSession: db.prepare(`SELECT s.*, c.revoked_at AS credential_revoked_at FROM staff_sessions s
        JOIN staff_credentials c ON c.credential_id = s.credential_id WHERE s.session_sha256 = ?`),
      // SQLite's two-argument max() is PostgreSQL's GREATEST().
      touchSession: db.prepare(dialectSql(db, {
        sqlite: 'UPDATE staff_sessions SET last_seen_at = max(last_seen_at, ?) WHERE session_sha256 = ?',
        postgres: 'UPDATE staff_sessions SET last_seen_at = GREATEST(last_seen_at, ?) WHERE session_sha256 = ?',
      })),
      endSession: db.prepare('DELETE FROM staff_sessions WHERE session_sha256 = ?'),
    };
  }

  addStaff(member: { staffId: string; name: string; role: StaffMember['role']; createdAt: number }): StaffMember {
    if (typeof member?.staffId !== 'string' || !STAFF_ID.test(member.staffId)) throw badInput('staff.staffId: expected 32 lowercase hex characters');
    if (!STAFF_ROLES.includes(member.role)) throw badInput(`staff.role: expected ${STAFF_ROLES.join(' | ')}`);
    requireTime(member.createdAt, 'staff.createdAt');
    try {
      this.#s.insertStaff.run(member.staffId, member.name, member.role, member.createdAt);
    } catch (e) {
      storeRefusal(e, `staff ${member.staffId}`);
    }
    return this.getStaff(member.staffId)!;
  }

  getStaff(staffId: string): StaffMember | null {
    const row = this.#s.getStaff.get(staffId) as StaffRow | undefined;
    return row ? toMember(row) : null;
  }

  listStaff(): StaffMember[] {
    return (this.#s.listStaff.all() as StaffRow[]).map(toMember);
  }

  revokeStaff(staffId: string, at: number): boolean {
    requireTime(at, 'revokedAt');
    return this.#db.transaction(() => {
      if (this.#s.revokeStaff.run(at, staffId).changes !== 1) return false;
      this.#s.revokeCredentials.run(at, staffId);
      this.#s.endSessionsOf.run(staffId);
      this.#s.burnRegistrations.run(at, staffId);
      return true;
    });
  }

  issueRegistration(input: { tokenSha256: string; staffId: string; createdAt: number; expiresAt: number }): void {
    if (!HEX64.test(input?.tokenSha256 ?? '')) throw badInput('registration tokenSha256: expected 64 hex digits');
    requireTime(input.createdAt, 'registration.createdAt');
    requireTime(input.expiresAt, 'registration.expiresAt');
    this.#db.transaction(() => {
      this.#s.burnRegistrations.run(input.createdAt, input.staffId);
      try {
        this.#s.insertRegistration.run(input.tokenSha256, input.staffId, input.createdAt, input.expiresAt);
      } catch (e) {
        storeRefusal(e, 'registration link');
      }
    });
  }

  getRegistration(tokenSha256: string): StaffRegistration | null {
    const row = this.#s.getRegistration.get(tokenSha256) as { staff_id: string; created_at: number; expires_at: number; used_at: number | null } | undefined;
    return row ? { staffId: row.staff_id, createdAt: row.created_at, expiresAt: row.expires_at, usedAt: row.used_at } : null;
  }

  useRegistration(tokenSha256: string, now: number): boolean {
    return this.#s.useRegistration.run(now, tokenSha256, now).changes === 1;
  }

  saveChallenge(input: { challenge: string; purpose: StaffChallengePurpose; tokenSha256: string | null; createdAt: number; expiresAt: number }): void {
    try {
      this.#s.insertChallenge.run(input.challenge, input.purpose, input.tokenSha256, input.createdAt, input.expiresAt);
    } catch (e) {
      storeRefusal(e, 'challenge');
    }
  }

  takeChallenge(challenge: string, purpose: StaffChallengePurpose, tokenSha256: string | null, now: number): boolean {
    if (typeof challenge !== 'string' || challenge.length === 0 || challenge.length > 128) return false;
    return this.#s.takeChallenge.run(challenge, purpose, tokenSha256, now).changes === 1;
  }

  countChallenges(now: number): number {
    return (this.#s.countChallenges.get(now) as { n: number }).n;
  }

  pruneStaffState(now: number, idleBefore: number): number {
    return this.#db.transaction(() => this.#s.pruneChallenges.run(now).changes + this.#s.pruneSessions.run(now, idleBefore).changes);
  }

  addCredential(c: Omit<StaffCredential, 'lastUsedAt' | 'revokedAt'>): StaffCredential {
    if (!Buffer.isBuffer(c?.publicKey)) throw badInput('credential.publicKey: expected a Buffer (COSE)');
    if (!Array.isArray(c.transports) || c.transports.some((x) => typeof x !== 'string')) throw badInput('credential.transports: expected strings');
    requireTime(c.createdAt, 'credential.createdAt');
    try {
      this.#s.insertCredential.run(c.credentialId, c.staffId, c.publicKey, c.counter, JSON.stringify(c.transports), c.createdAt);
    } catch (e) {
      storeRefusal(e, 'credential');
    }
    return this.getCredential(c.credentialId)!;
  }

  getCredential(credentialId: string): StaffCredential | null {
    const row = this.#s.getCredential.get(credentialId) as CredentialRow | undefined;
    return row ? toCredential(row) : null;
  }

  listCredentials(staffId: string): StaffCredential[] {
    return (this.#s.listCredentials.all(staffId) as CredentialRow[]).map(toCredential);
  }

  useCredential(credentialId: string, counter: number, at: number): boolean {
    try {
      return this.#s.useCredential.run(counter, at, credentialId).changes === 1;
    } catch (e) {
      return storeRefusal(e, 'credential counter');
    }
  }

  createSession(s: { sessionSha256: string; staffId: string; credentialId: string; csrfToken: string; createdAt: number; expiresAt: number }): void {
    if (!HEX64.test(s?.sessionSha256 ?? '')) throw badInput('session sessionSha256: expected 64 hex digits');
    try {
      this.#s.insertSession.run(s.sessionSha256, s.staffId, s.credentialId, s.csrfToken, s.createdAt, s.createdAt, s.expiresAt);
    } catch (e) {
      storeRefusal(e, 'staff session');
    }
  }

  getSession(sessionSha256: string): StaffSession | null {
    const row = this.#s.getSession.get(sessionSha256) as (SessionRow & { staff_id: string }) | undefined;
    if (!row) return null;
    const staff = this.getStaff(row.staff_id);
    if (!staff) return null;
    return {
      sessionSha256: row.session_sha256, staff, credentialId: row.credential_id, credentialRevoked: row.credential_revoked_at !== null,
      csrfToken: row.csrf_token, createdAt: row.created_at, lastSeenAt: row.last_seen_at, expiresAt: row.expires_at,
    };
  }

  touchSession(sessionSha256: string, at: number): void {
    this.#s.touchSession.run(at, sessionSha256);
  }

  endSession(sessionSha256: string): boolean {
    return this.#s.endSession.run(sessionSha256).changes === 1;
  }
}
