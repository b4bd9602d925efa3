// Per-account lockout: bounds the tries anyone gets against the face matcher's false-match rate. Two
// bounds, counted in the store across sessions:
// - short: verification.lockout.maxFailures failures within windowMinutes (a sliding window) lock the
//   account for lockMinutes. It caps the pace of a burst. The lock spends those failures, so the window
//   starts afresh when it ends.
// - staff: maxFailuresPerDay failures within a rolling 24 h lock the account until a staff unlock
//   (`proofgate account unlock`). It caps the total: without it an attacker pacing maxFailures - 1 failures
//   per window never locks, and one bursting gets maxFailures more after every short lock. A short lock does
//   not clear these failures; only a verified verification or a staff unlock does.
// While either lock is in force every capture for the account is denied before anything is analysed,
// answered like any other denial.
//
// What counts (LockoutFailure, decided by the policy that judged the capture): a decision denied because a
// face did not match (the selfie, a challenge frame not the selfie's person, the document portrait or the
// chip photo) or because liveness was judged and failed (depth or challenge: a presentation-attack signal
// even on a real face). What does not: retakes (unusable pictures), outages, refusals made before any
// analysis (the liveness policy's, a duplicate capture, the lock itself), cancels and expiries: none of them
// asked the matcher anything. A verification that goes back as verified resets the count.
//
// These run inside the transaction that claims the session and writes its audit record, so the failure,
// the count and the lock commit with the decision or not at all; the service serialises captures per
// account, so a lock is always seen by the next capture (no concurrent tries past the bound).
import type { CheckResult, VerificationSession } from '../../core/domain.js';
import type { VerificationLockoutConfig } from '../../config/sections/verification.js';
import type { AccountLock, Repository } from '../../store/repository.js';

/** Why a denied decision counts towards the lockout. */
export type LockoutFailure = 'face-match' | 'liveness';

const MINUTE_MS = 60_000;
/** The daily cap's rolling window. */
export const DAY_MS = 24 * 60 * MINUTE_MS;
type LockoutStore = Pick<Repository, 'addAccountFailure' | 'countAccountFailures' | 'countUnspentAccountFailures' | 'lockAccount' | 'getAccountLock' | 'resetAccountLockout'>;
type Account = { tid: string; oid: string };

/** The account's lock if it is in force at `now` (a staff lock always is), else null. */
export function activeLock(repo: LockoutStore, account: Account, now: number): AccountLock | null {
  const lock = repo.getAccountLock(account.tid, account.oid);
  return lock && (lock.lockedUntil === null || lock.lockedUntil > now) ? lock : null;
}

/** The account's failures that count at `now`: in the short window (since the last lock) and in the last 24 h. */
export function countedFailures(repo: LockoutStore, account: Account, config: VerificationLockoutConfig, now: number): { window: number; day: number } {
  return {
    window: repo.countUnspentAccountFailures(account.tid, account.oid, now - config.windowMinutes * MINUTE_MS),
    day: repo.countAccountFailures(account.tid, account.oid, now - DAY_MS),
  };
}

/**
 * Counts one failure of the session's account. When the 24 h count reaches maxFailuresPerDay a staff lock
 * starts now; otherwise when the window's count reaches maxFailures a short lock does. Returns both counts
 * and the lock it started, if any.
 */
export function countLockoutFailure(
  repo: LockoutStore, session: Pick<VerificationSession, 'tid' | 'oid' | 'sessionId'>, config: VerificationLockoutConfig, now: number,
): { failures: number; failuresToday: number; lockStarted: AccountLock | null } {
  // Rows stay as long as either window can still count them.
  repo.addAccountFailure({ tid: session.tid, oid: session.oid, sessionId: session.sessionId, at: now }, now - Math.max(config.windowMinutes * MINUTE_MS, DAY_MS));
  const { window: failures, day: failuresToday } = countedFailures(repo, session, config, now);
  const account = { tid: session.tid, oid: session.oid, lockedAt: now };
  const lock: AccountLock | null = failuresToday >= config.maxFailuresPerDay
    ? { ...account, kind: 'staff', lockedUntil: null, failures: failuresToday }
    : failures >= config.maxFailures
      ? { ...account, kind: 'short', lockedUntil: now + config.lockMinutes * MINUTE_MS, failures }
      : null;
  if (lock) repo.lockAccount(lock);
  return { failures, failuresToday, lockStarted: lock };
}

/** When the lock ends, in words: its ISO time, or the staff unlock it waits for. */
export function lockEnd(lock: AccountLock): string {
  return lock.lockedUntil === null ? 'a staff unlock' : new Date(lock.lockedUntil).toISOString();
}

/** The audit's check for a capture refused because the account is locked (nothing was judged). */
export function accountLockedCheck(lock: AccountLock): CheckResult {
  return {
    name: 'account-locked', score: lock.failures, threshold: null, outcome: 'fail',
    reason: `verification for this account is locked until ${lockEnd(lock)} (${lock.failures} failed verifications); the capture was not judged`,
  };
}

/** The check of the audit event raised once when a lock starts. */
export function lockStartedCheck(lock: AccountLock, config: VerificationLockoutConfig, sessionId: string): CheckResult {
  if (lock.kind === 'staff') {
    return {
      name: 'account-locked', score: lock.failures, threshold: config.maxFailuresPerDay, outcome: 'fail',
      reason: `${lock.failures} failed verifications within 24 h (the last in session ${sessionId}): verification locked until a staff unlock (proofgate account unlock)`,
    };
  }
  return {
    name: 'account-locked', score: lock.failures, threshold: config.maxFailures, outcome: 'fail',
    reason: `${lock.failures} failed verifications within ${config.windowMinutes} min (the last in session ${sessionId}): verification locked until ${lockEnd(lock)}`,
  };
}
