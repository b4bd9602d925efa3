// Writes the one audit record of a verification session, after the OIDC completer has claimed the
// session (closeSession) and built what goes back to Entra. Evidence hashes are those of every capture
// the session stored, retryable attempts included. The record goes through the audit trail, the one door.
import { hintUpn, type AuditEntry, type AuditRecord, type CheckResult, type Decision, type VerificationSession } from '../../core/domain.js';
import type { Repository } from '../../store/repository.js';
import type { AuditWriter } from '../../audit/audit-writer.js';

/** Where a decision is written: the store it reads evidence from and the audit trail it appends to. */
export interface DecisionWriters {
  repo: Repository;
  audit: AuditWriter;
}

export interface DecisionRecord {
  session: VerificationSession;
  flow: AuditEntry['flow'];
  profileId: string | null;
  checks: CheckResult[];
  decision: Decision;
  at: number;
}

export function recordDecision({ repo, audit }: DecisionWriters, r: DecisionRecord): AuditRecord {
  return audit.record({
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
