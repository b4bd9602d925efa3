// Shape check for an audit entry before it is chained: a record is permanent, so a malformed one is
// refused with a message naming the field instead of being written and breaking verification later.
import { ProofgateError } from '../core/errors.js';
import type { AuditActor, AuditEntry, AuditFlow, CheckResult } from '../core/domain.js';

const FLOWS: readonly AuditFlow[] = ['returning', 'first-time', 'none', 'erasure', 'station', 'staff', 'helpdesk', 'recovery', 'enrolment-review'];
/** Acts on the appliance rather than verifications: they, and only they, decide `changed`. */
const CHANGE_FLOWS: readonly AuditFlow[] = ['station', 'staff', 'helpdesk', 'recovery', 'enrolment-review'];
const ACTOR_KINDS: readonly AuditActor['kind'][] = ['staff', 'api-token'];
const DECISIONS = ['verified', 'denied', 'unavailable', 'erased', 'changed'] as const;
const OUTCOMES = ['pass', 'fail', 'error', 'skipped'] as const;
const SHA256_HEX = /^[0-9a-f]{64}$/;

function invalid(field: string, expected: string): ProofgateError {
  return new ProofgateError('ERR_AUDIT_ENTRY', `audit entry ${field}: expected ${expected}`, { status: 500, expose: false });
}

function str(v: unknown, field: string, nullable: boolean): string | null {
  if (v === null && nullable) return null;
  if (typeof v !== 'string' || v.length === 0 || v.length > 4096) throw invalid(field, nullable ? 'a non-empty string or null' : 'a non-empty string');
  return v;
}

function score(v: unknown, field: string): number | null {
  if (v === null) return null;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw invalid(field, 'a finite number or null');
  return v;
}

function check(c: unknown, i: number): CheckResult {
  const field = `checks[${i}]`;
  if (c === null || typeof c !== 'object' || Array.isArray(c)) throw invalid(field, 'an object');
  const o = c as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (!['name', 'score', 'threshold', 'outcome', 'reason'].includes(k)) throw invalid(`${field}.${k}`, 'no such field');
  }
  if (!OUTCOMES.includes(o.outcome as CheckResult['outcome'])) throw invalid(`${field}.outcome`, OUTCOMES.join(' | '));
  const out: CheckResult = {
    name: str(o.name, `${field}.name`, false)!,
    score: score(o.score, `${field}.score`),
    threshold: score(o.threshold, `${field}.threshold`),
    outcome: o.outcome as CheckResult['outcome'],
  };
  if (o.reason !== undefined) out.reason = str(o.reason, `${field}.reason`, false)!;
  return out;
}

/** Returns a clean copy holding exactly the AuditEntry fields (what gets stored and hashed). */
export function validateAuditEntry(entry: AuditEntry): AuditEntry {
  if (entry === null || typeof entry !== 'object') throw invalid('', 'an object');
  if (!FLOWS.includes(entry.flow)) throw invalid('flow', FLOWS.join(' | '));
  if (!DECISIONS.includes(entry.decision)) throw invalid('decision', DECISIONS.join(' | '));
  // An erasure is never a verification's decision, and no verification decides `erased`.
  if ((entry.flow === 'erasure') !== (entry.decision === 'erased')) throw invalid('decision', 'erased exactly when flow is erasure');
  // A station, staff, help-desk, recovery or review act is done to the appliance, never a verification's decision.
  if (CHANGE_FLOWS.includes(entry.flow) !== (entry.decision === 'changed')) {
    throw invalid('decision', `changed exactly when flow is ${CHANGE_FLOWS.join(' | ')}`);
  }
  if (!Array.isArray(entry.checks)) throw invalid('checks', 'an array');
  if (!Array.isArray(entry.evidenceSha256) || entry.evidenceSha256.some((h) => typeof h !== 'string' || !SHA256_HEX.test(h))) {
    throw invalid('evidenceSha256', 'an array of lowercase hex SHA-256 digests');
  }
  if (typeof entry.at !== 'number' || !Number.isSafeInteger(entry.at) || entry.at < 0) throw invalid('at', 'ms since epoch (integer)');
  return {
    sessionId: str(entry.sessionId, 'sessionId', true),
    tid: str(entry.tid, 'tid', false)!,
    oid: str(entry.oid, 'oid', false)!,
    upn: str(entry.upn, 'upn', true),
    profileId: str(entry.profileId, 'profileId', true),
    flow: entry.flow,
    checks: entry.checks.map(check),
    decision: entry.decision,
    clientRequestId: str(entry.clientRequestId, 'clientRequestId', true),
    evidenceSha256: [...entry.evidenceSha256],
    at: entry.at,
    ...(entry.actor === undefined ? {} : { actor: actor(entry.actor) }),
  };
}

function actor(a: unknown): AuditActor {
  if (a === null || typeof a !== 'object' || Array.isArray(a)) throw invalid('actor', 'an object or absent');
  const o = a as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!['kind', 'id', 'name', 'role'].includes(k)) throw invalid(`actor.${k}`, 'no such field');
  if (!ACTOR_KINDS.includes(o.kind as AuditActor['kind'])) throw invalid('actor.kind', ACTOR_KINDS.join(' | '));
  // Bounded so the stored JSON always fits migration 8's CHECK (1024): no control characters (JSON would
  // escape each to six), at most 100 characters each.
  const field = (k: 'id' | 'name' | 'role'): string => {
    const v = o[k];
    if (typeof v !== 'string' || v.length === 0 || v.length > 100 || /[\u0000-\u001f\u007f]/.test(v)) {
      throw invalid(`actor.${k}`, 'a string of 1 to 100 characters without control characters');
    }
    return v;
  };
  return { kind: o.kind as AuditActor['kind'], id: field('id'), name: field('name'), role: field('role') };
}
