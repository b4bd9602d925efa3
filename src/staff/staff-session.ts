// Signed-in staff sessions: a random secret in the `__Host-proofgate-staff` cookie, only its SHA-256 in the
// store, bound to the member and to the passkey that signed in. A session counts only while the member is
// active, that passkey is not revoked, it has been used within the idle timeout and it is younger than its
// absolute lifetime; anything else ends it. The cookie is Secure (a __Host- cookie must be, and WebAuthn
// only runs in secure contexts: https, or http://localhost, where browsers accept Secure cookies),
// HttpOnly, SameSite=Strict, Path=/.
import type { Request, Response } from 'express';
import type { StaffStore } from '../store/staff-store.js';
import { newSecret, sha256Hex } from '../core/secrets.js';
import { identityOf, type StaffIdentity } from './staff-identity.js';

export const STAFF_COOKIE = '__Host-proofgate-staff';
const SECRET = /^[A-Za-z0-9_-]{43}$/;

export interface SessionLifetimes {
  idleMs: number;
  absoluteMs: number;
}

export interface CurrentStaffSession {
  sessionSha256: string;
  staff: StaffIdentity;
  csrfToken: string;
}

/** The cookie's secret from the Cookie header (the app has no cookie parser), or null when absent or malformed. */
export function staffCookieOf(req: Request): string | null {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === STAFF_COOKIE) {
      const value = part.slice(eq + 1).trim();
      return SECRET.test(value) ? value : null;
    }
  }
  return null;
}

/** Stores a new session for the member signed in with this passkey and sets its cookie. */
export function startStaffSession(store: StaffStore, res: Response, input: { staffId: string; credentialId: string }, now: number, life: SessionLifetimes): void {
  const secret = newSecret();
  store.createSession({
    sessionSha256: sha256Hex(secret), staffId: input.staffId, credentialId: input.credentialId,
    csrfToken: newSecret(), createdAt: now, expiresAt: now + life.absoluteMs,
  });
  res.cookie(STAFF_COOKIE, secret, { secure: true, httpOnly: true, sameSite: 'strict', path: '/' });
}

/** The request's live session (its idle clock restarted, to within a tenth of the idle limit), or null; a session found dead is deleted. */
export function currentStaffSession(
  store: StaffStore, req: Request, now: number, life: SessionLifetimes,
  /** Whether this request counts as the member's activity (false: a page's status poll). */
  opts: { activity: boolean } = { activity: true },
): CurrentStaffSession | null {
  const secret = staffCookieOf(req);
  if (!secret) return null;
  const sessionSha256 = sha256Hex(secret);
  const s = store.getSession(sessionSha256);
  if (!s) return null;
  const alive = s.staff.status === 'active' && !s.credentialRevoked && now < s.expiresAt && now - s.lastSeenAt < life.idleMs;
  if (!alive) {
    store.endSession(sessionSha256);
    return null;
  }
  // The idle clock is written at most every tenth of the idle limit (a minute at most), not on every
  // request: a page's status poll would otherwise write the session row every two seconds.
  if (opts.activity && now - s.lastSeenAt >= Math.min(60_000, life.idleMs / 10)) store.touchSession(sessionSha256, now);
  return { sessionSha256, staff: identityOf(s.staff), csrfToken: s.csrfToken };
}

export function clearStaffCookie(res: Response): void {
  res.clearCookie(STAFF_COOKIE, { secure: true, httpOnly: true, sameSite: 'strict', path: '/' });
}
