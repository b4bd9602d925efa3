// Applies the operator's document policy (config documents.mrz) to a parsed MRZ. The parser
// reports facts (expired, specimen, sex X); whether they refuse a document is decided here.
import type { DocumentsConfig } from '../../config/sections/documents.js';
import type { MrzResult } from './parse-mrz.js';

export interface MrzPolicyDecision {
  readonly accepted: boolean;
  /** Stable reasons for refusal, e.g. "MRZ_CHECK_DIGIT_MISMATCH", "POLICY_EXPIRED". */
  readonly reasons: readonly string[];
}

export function applyMrzPolicy(mrz: MrzResult, policy: DocumentsConfig['mrz'], now: Date = new Date()): MrzPolicyDecision {
  if (!mrz.ok) return { accepted: false, reasons: mrz.problems.map((p) => p.code) };
  const reasons = mrz.problems.filter((p) => p.severity === 'error').map((p) => p.code as string);
  const expiry = mrz.dateOfExpiry?.iso;
  if (expiry) {
    const lastDay = Date.parse(`${expiry}T23:59:59.999Z`) + policy.expiryGraceDays * 86_400_000;
    if (lastDay < now.getTime()) reasons.push('POLICY_EXPIRED');
  }
  if (!policy.acceptSpecimens && (mrz.issuingStateKind === 'specimen' || mrz.nationality === 'UTO')) reasons.push('POLICY_SPECIMEN');
  if (!policy.acceptSexX && mrz.sex === 'X') reasons.push('POLICY_SEX_X');
  if (policy.acceptedIssuingStates.length > 0 && !policy.acceptedIssuingStates.includes(mrz.issuingState)) reasons.push('POLICY_ISSUING_STATE');
  return { accepted: reasons.length === 0, reasons: [...new Set(reasons)] };
}
