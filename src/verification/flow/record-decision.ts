// Writes the one audit record of a verification session, after the OIDC completer has claimed the
// session (closeSession) and built what goes back to Entra. Evidence hashes are those of every capture
// the session stored, retryable attempts included.
import { hintUpn, type AuditEntry, type AuditRecord, type CheckResult, type Decision, type VerificationSession } from '../../core/domain.js';
import type { Repository } from '../../store/repository.js';

export interface DecisionRecord {
  session: VerificationSession;
  flow: AuditEntry['flow'];
  profileId: string | null;
  checks: CheckResult[];
  decision: Decision;
  at: number;
}

export function recordDecision(repo: Repository, r: DecisionRecord): AuditRecord {
  return repo.appendAudit({
    sessionId: r.session.sessionId,
    tid: r.session.tid,
    oid: r.session.oid,
    upn: hintUpn(r.session),
    profileId: r.profileId,
    flow: r.flow,
    checks: r.checks,
    decision: r.decision,
    clientRequestId: r.session.clientRequestId,
    evidenceSha256: repo.listEvidence(r.session.sessionId).map((e) => e.sha256),
    at: r.at,
  });
}
