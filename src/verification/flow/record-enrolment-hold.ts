// Stores a first-time enrolment whose face matched another account's profile as a held enrolment (not a
// profile), in one transaction with the session's audit record (decision denied: Entra gets the same
// denial as any other). The record's 'duplicate-person' check names the other profile, the distance and
// the hold; an administrator releases or rejects the hold later (enrolment-holds.ts).
import { randomBytes } from 'node:crypto';
import type { AuditRecord, CheckResult, Decision, VerificationSession } from '../../core/domain.js';
import { hintUpn } from '../../core/domain.js';
import type { EnrolmentHold, HeldSubject } from '../../store/enrolment-hold-store.js';
import type { PendingEnrolment } from '../first-time/enrolment-summary.js';
import type { DuplicateMatch } from '../policy/duplicate-person.js';
import { recordDecision, type DecisionWriters } from './record-decision.js';

const text = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

/** The names the enrolment would have stored with the subject, from the session's hint. */
export function heldSubjectOf(session: VerificationSession): HeldSubject {
  const c = session.hintClaims;
  return { upn: hintUpn(session), displayName: text(c.name), givenName: text(c.given_name), familyName: text(c.family_name) };
}

/** 32 hex characters: what an administrator types after `proofgate enrolment release`. */
export function newHoldId(): string {
  return randomBytes(16).toString('hex');
}

/** Appends the hold to the duplicate-person check's reason, so the audit record says where the enrolment went. */
export function heldCheck(check: CheckResult, holdId: string): CheckResult {
  return { ...check, reason: `${check.reason ?? ''}; enrolment held for review as hold ${holdId}` };
}

export function recordEnrolmentHold(
  writers: DecisionWriters,
  r: { session: VerificationSession; enrolment: PendingEnrolment; match: DuplicateMatch; holdId: string; checks: CheckResult[]; decision: Decision; at: number },
): { hold: EnrolmentHold; audit: AuditRecord } {
  const { repo } = writers;
  return repo.transaction(() => {
    const hold = repo.enrolmentHolds.add({
      holdId: r.holdId, tid: r.session.tid, oid: r.session.oid, sessionId: r.session.sessionId, subject: heldSubjectOf(r.session),
      template: r.enrolment.template, modelId: r.enrolment.modelId, enrolment: r.enrolment.summary,
      matchedProfileId: r.match.profileId, matchedTid: r.match.tid, matchedOid: r.match.oid, distance: r.match.distance, threshold: r.match.threshold,
      createdAt: r.at,
    });
    const audit = recordDecision(writers, { session: r.session, flow: 'first-time', profileId: null, checks: r.checks, decision: r.decision, at: r.at });
    return { hold, audit };
  });
}
