// The audit record of an act on the appliance rather than a verification (a station added, a staff
// member's passkey, a help-desk request, a Temporary Access Pass, a held enrolment reviewed): one check that
// names the act, decision `changed`, the actor when a staff member or an API token did it. Written through
// the trail, inside the caller's transaction when there is one.
import type { AuditActor, AuditFlow, AuditRecord, CheckResult } from '../core/domain.js';
import type { AuditWriter } from './audit-writer.js';

export interface ApplianceAct {
  flow: Extract<AuditFlow, 'station' | 'staff' | 'helpdesk' | 'recovery' | 'enrolment-review'>;
  /** The account the act concerns, or the pseudo-account of the thing acted on ('station' / its id, …). */
  tid: string;
  oid: string;
  upn?: string | null;
  profileId?: string | null;
  sessionId?: string | null;
  /** The act as a check: its name, what the record should say, and an outcome other than pass when it failed. */
  check: { name: string; reason: string; outcome?: CheckResult['outcome']; score?: number | null; threshold?: number | null };
  actor?: AuditActor | null;
  at: number;
}

export function recordAct(audit: AuditWriter, a: ApplianceAct): AuditRecord {
  return audit.record({
    sessionId: a.sessionId ?? null, tid: a.tid, oid: a.oid, upn: a.upn ?? null, profileId: a.profileId ?? null, flow: a.flow, decision: 'changed',
    checks: [{ name: a.check.name, score: a.check.score ?? null, threshold: a.check.threshold ?? null, outcome: a.check.outcome ?? 'pass', reason: a.check.reason }],
    clientRequestId: null, evidenceSha256: [], at: a.at,
    ...(a.actor ? { actor: a.actor } : {}),
  });
}
