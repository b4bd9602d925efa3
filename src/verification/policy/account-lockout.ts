// Per-account lockout: bounds the tries anyone gets against the face matcher's false-match rate. An
// account (tid+oid) whose verifications failed verification.lockout.maxFailures times within windowMinutes
// (a sliding window, counted in the store across sessions) is locked for lockMinutes: every capture for it
// is then denied before anything is analysed, answered like any other denial.
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
type LockoutStore = Pick<Repository, 'addAccountFailure' | 'countAccountFailures' | 'lockAccount' | 'getAccountLock' | 'resetAccountLockout'>;

/** The account's lock if it is in force at `now`, else null. */
export function activeLock(repo: LockoutStore, account: { tid: string; oid: string }, now: number): AccountLock | null {
  const lock = repo.getAccountLock(account.tid, account.oid);
  return lock && lock.lockedUntil > now ? lock : null;
}

/** Failures of the account that still count at `now` (account status). */
export function countedFailures(repo: LockoutStore, account: { tid: string; oid: string }, config: VerificationLockoutConfig, now: number): number {
  return repo.countAccountFailures(account.tid, account.oid, now - config.windowMinutes * MINUTE_MS);
}

/**
 * Counts one failure of the session's account; when it reaches maxFailures the lock starts now (and the
 * counted failures are cleared with it). Returns the count and the lock it started, if any.
 */
export function countLockoutFailure(
  repo: LockoutStore, session: Pick<VerificationSession, 'tid' | 'oid' | 'sessionId'>, config: VerificationLockoutConfig, now: number,
): { failures: number; lockStarted: AccountLock | null } {
  const failures = repo.addAccountFailure({ tid: session.tid, oid: session.oid, sessionId: session.sessionId, at: now }, now - config.windowMinutes * MINUTE_MS);
  if (failures < config.maxFailures) return { failures, lockStarted: null };
  const lock: AccountLock = { tid: session.tid, oid: session.oid, lockedAt: now, lockedUntil: now + config.lockMinutes * MINUTE_MS, failures };
  repo.lockAccount(lock);
  return { failures, lockStarted: lock };
}

/** The audit's check for a capture refused because the account is locked (nothing was judged). */
export function accountLockedCheck(lock: AccountLock): CheckResult {
  return {
    name: 'account-locked', score: lock.failures, threshold: null, outcome: 'fail',
    reason: `verification for this account is locked until ${new Date(lock.lockedUntil).toISOString()} (${lock.failures} failed verifications); the capture was not judged`,
  };
}

/** The check of the audit event raised once when a lock starts. */
export function lockStartedCheck(lock: AccountLock, config: VerificationLockoutConfig, sessionId: string): CheckResult {
  return {
    name: 'account-locked', score: lock.failures, threshold: config.maxFailures, outcome: 'fail',
    reason: `${lock.failures} failed verifications within ${config.windowMinutes} min (the last in session ${sessionId}): verification locked until ${new Date(lock.lockedUntil).toISOString()}`,
  };
}
