// Stores a first-time verification's outcome in one transaction: the directory subject, the new
// profile (selfie template, model id, enrolment summary) and the session's audit record. Either all
// of it commits or none of it (the audit never names a profile that was not stored, and no profile
// exists without its audit record).
import { randomUUID } from 'node:crypto';
import { ProofgateError } from '../../core/errors.js';
import type { AuditRecord, BiometricProfile, CheckResult, VerificationSession } from '../../core/domain.js';
import { hintUpn } from '../../core/domain.js';
import { recordDecision, type DecisionWriters } from './record-decision.js';
import type { PendingEnrolment } from '../first-time/enrolment-summary.js';

const text = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

export function recordEnrolment(
  writers: DecisionWriters, r: { session: VerificationSession; enrolment: PendingEnrolment; checks: CheckResult[]; at: number },
): { profile: BiometricProfile; audit: AuditRecord } {
  const { session } = r;
  const { repo } = writers;
  return repo.transaction(() => {
    // Another session of the same account enrolled meanwhile: keep the first, store nothing here.
    if (repo.getProfile(session.tid, session.oid)) {
      throw new ProofgateError('ERR_PROFILE_EXISTS', `account ${session.tid}/${session.oid} was enrolled by another verification meanwhile`, { status: 409 });
    }
    const c = session.hintClaims;
    repo.upsertSubject({ tid: session.tid, oid: session.oid, upn: hintUpn(session), displayName: text(c.name), givenName: text(c.given_name), familyName: text(c.family_name) });
    const profile = repo.saveProfile({
      profileId: randomUUID(), tid: session.tid, oid: session.oid,
      template: r.enrolment.template, modelId: r.enrolment.modelId, enrolment: r.enrolment.summary,
    });
    const audit = recordDecision(writers, { session, flow: 'first-time', profileId: profile.profileId, checks: r.checks, decision: 'verified', at: r.at });
    return { profile, audit };
  });
}
