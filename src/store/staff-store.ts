// Staff accounts and their passkeys (tables of migration 010-staff): who may use the help desk, the kiosk
// and the admin pages, the WebAuthn credentials they sign in with, the one-time registration links, the
// challenges waiting for an answer and the signed-in sessions. Secrets (link tokens, session cookies) are
// stored as their SHA-256 only. The rules (who may do what, what is audited) live in src/staff.

export const STAFF_ROLES = ['helpdesk', 'kiosk-operator', 'admin'] as const;
export type StaffRole = typeof STAFF_ROLES[number];

export interface StaffMember {
  /** 32 lowercase hex characters (16 random bytes), printed by `staff add`. */
  staffId: string;
  name: string;
  role: StaffRole;
  status: 'active' | 'revoked';
  createdAt: number;
  revokedAt: number | null;
}

/** A registered passkey: the WebAuthn credential id (base64url) and its COSE public key. */
export interface StaffCredential {
  credentialId: string;
  staffId: string;
  publicKey: Buffer;
  /** The authenticator's signature counter as last seen (0 for authenticators that keep none). */
  counter: number;
  transports: string[];
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

export interface StaffRegistration {
  staffId: string;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
}

export type StaffChallengePurpose = 'register' | 'sign-in';

/** A signed-in session with what it is bound to: the member and the passkey used (both as they are now). */
export interface StaffSession {
  sessionSha256: string;
  staff: StaffMember;
  credentialId: string;
  /** Whether that passkey has been revoked since. */
  credentialRevoked: boolean;
  csrfToken: string;
  createdAt: number;
  lastSeenAt: number;
  /** The absolute end; the idle timeout is applied by the caller from lastSeenAt. */
  expiresAt: number;
}

export interface StaffStore {
  /** Stores a new active member; refuses (ERR_STORE_INPUT) a malformed one or an id already stored. */
  addStaff(member: { staffId: string; name: string; role: StaffRole; createdAt: number }): StaffMember;
  getStaff(staffId: string): StaffMember | null;
  /** Every member, oldest first, revoked ones included. */
  listStaff(): StaffMember[];
  /**
   * Revokes an active member at `at`, and with it at once every passkey, session and unused registration
   * link of theirs. False (writing nothing) when unknown or already revoked.
   */
  revokeStaff(staffId: string, at: number): boolean;

  /** Stores a registration link's token hash; burns the member's earlier unused links (only the newest works). */
  issueRegistration(input: { tokenSha256: string; staffId: string; createdAt: number; expiresAt: number }): void;
  /** The link with this token hash, used or not, expired or not; null when unknown. */
  getRegistration(tokenSha256: string): StaffRegistration | null;
  /** Marks the link used: false (writing nothing) unless it was unused and unexpired at `now`. */
  useRegistration(tokenSha256: string, now: number): boolean;

  /** Remembers an issued WebAuthn challenge (bound to a registration link's token hash for 'register'). */
  saveChallenge(input: { challenge: string; purpose: StaffChallengePurpose; tokenSha256: string | null; createdAt: number; expiresAt: number }): void;
  /**
   * Takes (deletes) the challenge if it was issued for this purpose (and link) and has not expired: true
   * once; every later call, and a challenge never issued, false.
   */
  takeChallenge(challenge: string, purpose: StaffChallengePurpose, tokenSha256: string | null, now: number): boolean;
  /** Deletes expired challenges, and sessions past their absolute end or unused since `idleBefore`; returns how many rows went. */
  pruneStaffState(now: number, idleBefore: number): number;
  /** Challenges issued and not yet taken nor expired (the cap on outstanding ones). */
  countChallenges(now: number): number;

  /** Stores a passkey; refuses (ERR_STORE_INPUT) a credential id already stored (by anyone). */
  addCredential(credential: Omit<StaffCredential, 'lastUsedAt' | 'revokedAt'>): StaffCredential;
  getCredential(credentialId: string): StaffCredential | null;
  /** The member's passkeys, revoked ones included. */
  listCredentials(staffId: string): StaffCredential[];
  /** Records a successful sign-in with the passkey: its new counter and the time. */
  useCredential(credentialId: string, counter: number, at: number): boolean;

  createSession(session: { sessionSha256: string; staffId: string; credentialId: string; csrfToken: string; createdAt: number; expiresAt: number }): void;
  getSession(sessionSha256: string): StaffSession | null;
  /** Moves lastSeenAt forward (the idle timeout starts again). */
  touchSession(sessionSha256: string, at: number): void;
  /** Ends one session; false when there was none. */
  endSession(sessionSha256: string): boolean;
}
