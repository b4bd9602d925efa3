// Shape check for an audit entry before it is chained: a record is permanent, so a malformed one is
// refused with a message naming the field instead of being written and breaking verification later.
import { ProofgateError } from '../core/errors.js';
import type { AuditEntry, CheckResult } from '../core/domain.js';

const FLOWS = ['returning', 'first-time', 'none', 'erasure', 'station'] as const;
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
  // A station change is an operator's act on the appliance, never a verification's decision.
  if ((entry.flow === 'station') !== (entry.decision === 'changed')) throw invalid('decision', 'changed exactly when flow is station');
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
  };
}
