// The audit record of an agent's or an API client's act (flow 'helpdesk', decision 'changed', the actor
// named): one record per act, written through the trail inside the caller's transaction.
import type { AuditActor, AuditRecord } from '../core/domain.js';
import { recordAct } from '../audit/record-act.js';
import type { AuditWriter } from '../audit/audit-writer.js';

export interface HelpdeskAct {
  /** The account the act concerns; a search names none ('helpdesk' / 'account-search'). */
  tid: string;
  oid: string;
  upn: string | null;
  /** What was done, as a check name: helpdesk-request-created, helpdesk-request-revoked, helpdesk-result-viewed, … */
  act: string;
  /** The request id and what else the record should say. */
  reason: string;
  actor: AuditActor | null;
  at: number;
}

export function recordHelpdeskAct(audit: AuditWriter, a: HelpdeskAct): AuditRecord {
  return recordAct(audit, { flow: 'helpdesk', tid: a.tid, oid: a.oid, upn: a.upn, check: { name: a.act, reason: a.reason.slice(0, 1000) }, actor: a.actor, at: a.at });
}
