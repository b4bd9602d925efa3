// Staff operations on an account's lockout (`proofgate account status|unlock`). The unlock deletes the
// account's lock (short or staff) and all its counted failures (the window's and the daily cap's) and writes its audit record through the audit trail, in one
// transaction: an unlock is never without its record. An account with nothing to unlock writes nothing.
import { ProofgateError } from '../../core/errors.js';
import type { AuditRecord } from '../../core/domain.js';
import type { AuditWriter } from '../../audit/audit-writer.js';
import type { VerificationLockoutConfig } from '../../config/sections/verification.js';
import type { AccountLock, Repository } from '../../store/repository.js';
import { activeLock, countedFailures, lockEnd } from '../policy/account-lockout.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/**
 * The operator's name goes into the audit record's reason and from there into the SIEM feed (syslog lines):
 * printable characters only (letters, marks, digits, punctuation, symbols, the plain space), so it cannot
 * break a line, forge a field or reorder text (no control, format or separator characters), and bounded.
 */
const OPERATOR = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]+$/u;
export const MAX_OPERATOR_LENGTH = 100;

export interface AccountRef {
  tid: string;
  oid: string;
}

export interface AccountLockoutStatus extends AccountRef {
  /** The lock in force, or null. */
  lock: AccountLock | null;
  /** Failures counted in the current window since the last lock (a short lock at maxFailures). */
  failures: number;
  maxFailures: number;
  /** Failures in the last 24 h (a staff lock at maxFailuresPerDay). */
  failuresToday: number;
  maxFailuresPerDay: number;
}

/** Sessions carry the hint's ids lowercased; so do the lockout rows. */
export function accountRef(tid: string, oid: string): AccountRef {
  const ref = { tid: tid.trim().toLowerCase(), oid: oid.trim().toLowerCase() };
  if (!GUID.test(ref.tid)) throw new ProofgateError('ERR_BAD_REQUEST', 'tid must be the tenant id (a GUID)', { status: 400 });
  if (!GUID.test(ref.oid)) throw new ProofgateError('ERR_BAD_REQUEST', 'oid must be the user object id (a GUID)', { status: 400 });
  return ref;
}

export function accountLockoutStatus(repo: Repository, config: VerificationLockoutConfig, account: AccountRef, now: number): AccountLockoutStatus {
  const counted = countedFailures(repo, account, config, now);
  return {
    ...account, lock: activeLock(repo, account, now),
    failures: counted.window, maxFailures: config.maxFailures, failuresToday: counted.day, maxFailuresPerDay: config.maxFailuresPerDay,
  };
}

/** The operator who unlocks, trimmed; refused (ERR_BAD_REQUEST) unless 1..MAX_OPERATOR_LENGTH printable characters. */
export function operatorName(raw: string): string {
  const by = typeof raw === 'string' ? raw.trim() : '';
  if (by.length === 0 || by.length > MAX_OPERATOR_LENGTH || !OPERATOR.test(by)) {
    throw new ProofgateError('ERR_BAD_REQUEST', `by must name the operator who unlocks: 1..${MAX_OPERATOR_LENGTH} printable characters (no line breaks or control characters)`, { status: 400 });
  }
  return by;
}

export interface UnlockResult {
  /** The lock that was lifted (in force when unlocked), or null. */
  lifted: AccountLock | null;
  /** Counted failures that were cleared (all kept, the daily cap's included). */
  clearedFailures: number;
  /** The unlock's audit record; null when there was nothing to unlock (nothing written). */
  audit: AuditRecord | null;
}

export function unlockAccount(
  deps: { repo: Repository; audit: AuditWriter; now?: () => number },
  input: AccountRef & { by: string },
): UnlockResult {
  const account = accountRef(input.tid, input.oid);
  const by = operatorName(input.by);
  const { repo } = deps;
  const now = (deps.now ?? Date.now)();
  return repo.transaction(() => {
    const lifted = activeLock(repo, account, now);
    const { failures } = repo.resetAccountLockout(account.tid, account.oid);
    if (!lifted && failures === 0) return { lifted: null, clearedFailures: 0, audit: null };
    const what = lifted
      ? `${lifted.kind} lock until ${lockEnd(lifted)} (${lifted.failures} failed verifications) lifted; ${failures} counted failure(s) cleared`
      : `no lock in force; ${failures} counted failure(s) cleared`;
    const audit = deps.audit.record({
      sessionId: null, tid: account.tid, oid: account.oid, upn: repo.getSubject(account.tid, account.oid)?.upn ?? null,
      profileId: repo.getProfile(account.tid, account.oid)?.profileId ?? null, flow: 'none', decision: 'denied',
      checks: [{ name: 'account-unlock', score: failures, threshold: null, outcome: 'pass', reason: `unlocked by ${by}: ${what}` }],
      clientRequestId: null, evidenceSha256: [], at: now,
    });
    return { lifted, clearedFailures: failures, audit };
  });
}
