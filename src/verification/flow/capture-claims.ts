// One capture judged at a time per session and per account, across every appliance on the store: the
// claims live in the store (capture_claims), not in a process, so two nodes behind one load balancer
// cannot judge two captures of one account at once and race past its lockout.
// Expiry: a claim lapses CLAIM_MARGIN_MS after its session expires. A capture still being judged then can
// no longer send a verification back (the completer claims the session as expired), so nothing it does
// can let a second capture through that its own decision would have stopped; and a node that crashed
// mid-capture holds the account for at most the session's lifetime (oidc.sessionLifetimeSeconds) and
// the margin.
import { ProofgateError } from '../../core/errors.js';
import type { VerificationSession } from '../../core/domain.js';
import type { Repository } from '../../store/repository.js';
import { captureClaimKey, type CaptureClaim } from '../../store/sqlite-capture-claims.js';

/** Past the session's expiry: the completer's signing and the claim's commit finish within it. */
export const CLAIM_MARGIN_MS = 60_000;

const sessionKey = (sessionId: string) => captureClaimKey('session', sessionId);
const accountKey = (session: VerificationSession) => captureClaimKey('account', session.tid, session.oid);

/**
 * Claims the session, then its account; refuses (ERR_REPLAY, 409) when either is being judged elsewhere,
 * leaving nothing claimed. Returns the claims to hand to releaseCaptureClaims in a finally.
 */
export function claimCapture(repo: Repository, session: VerificationSession, now: number): CaptureClaim[] {
  const until = Math.max(session.expiresAt, now) + CLAIM_MARGIN_MS;
  const forSession = repo.captureClaims.claim(sessionKey(session.sessionId), now, until);
  if (!forSession) throw new ProofgateError('ERR_REPLAY', 'a capture for this verification is already being checked', { status: 409 });
  let forAccount: CaptureClaim | null;
  try {
    forAccount = repo.captureClaims.claim(accountKey(session), now, until);
  } catch (e) {
    repo.captureClaims.release(forSession);
    throw e;
  }
  if (!forAccount) {
    repo.captureClaims.release(forSession);
    throw new ProofgateError('ERR_REPLAY', 'a capture for this account is already being checked; wait for its result', { status: 409 });
  }
  return [forSession, forAccount];
}

/** Whether a capture of the session is being judged (a cancel waits for its result). */
export function captureBeingJudged(repo: Repository, sessionId: string, now: number): boolean {
  return repo.captureClaims.isHeld(sessionKey(sessionId), now);
}

/** Releases every claim; one that cannot be released (the store is down) lapses at its expiry instead. */
export function releaseCaptureClaims(repo: Repository, claims: readonly CaptureClaim[]): unknown[] {
  const failures: unknown[] = [];
  for (const claim of claims) {
    try {
      repo.captureClaims.release(claim);
    } catch (e) {
      failures.push(e);
    }
  }
  return failures;
}
