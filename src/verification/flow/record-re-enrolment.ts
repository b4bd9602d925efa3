// Stores a returning user's verification that re-enrolled the profile under the current embedder (its
// template came from an earlier one): the profile's new template and embedder id and the session's audit
// record, whose 'face-re-enrolment' check names both embedders, in one transaction.
import type { AuditRecord, BiometricProfile, CheckResult, VerificationSession } from '../../core/domain.js';
import type { ReEnrolment } from '../policy/decide-returning-user.js';
import { recordDecision, type DecisionWriters } from './record-decision.js';

export function recordReEnrolment(
  writers: DecisionWriters,
  r: { session: VerificationSession; profile: BiometricProfile; reEnrolment: ReEnrolment; checks: CheckResult[]; at: number },
): AuditRecord {
  const { repo } = writers;
  return repo.transaction(() => {
    const { profileId, tid, oid, enrolment } = r.profile;
    repo.saveProfile({ profileId, tid, oid, enrolment, template: r.reEnrolment.template, modelId: r.reEnrolment.modelId });
    return recordDecision(writers, { session: r.session, flow: 'returning', profileId, checks: r.checks, decision: 'verified', at: r.at });
  });
}
