// What a document-verified profile keeps about its enrolment (BiometricProfile.enrolment): the
// document's type and issuer, a hash of its number (never the number), how the chip and liveness came
// out, and every check's outcome. Scores and reasons stay in the audit record of the same transaction.
import { createHash } from 'node:crypto';
import type { CheckResult } from '../../core/domain.js';
import type { LivenessVerdict } from '../../liveness/index.js';
import type { IdentifiedDocument } from './document-findings.js';
import type { ChipSummary } from './first-time-checks.js';

export interface EnrolmentSummary {
  method: 'document-verification';
  documentType: string;
  issuer: string;
  holderSource: IdentifiedDocument['source'];
  /** SHA-256 over a domain label, the issuer and the number: links re-enrolments with the same document without keeping the number. */
  documentNumberSha256: string;
  chip: ChipSummary;
  liveness: LivenessVerdict['reason'];
  checks: Array<{ name: string; outcome: CheckResult['outcome'] }>;
  at: number;
}

export interface PendingEnrolment {
  /** The selfie's embedding (float32 LE): the live face, not the printed portrait. */
  template: Buffer;
  modelId: string;
  summary: EnrolmentSummary;
}

export function documentNumberHash(issuer: string, documentNumber: string): string {
  return createHash('sha256').update(`proofgate document number\0${issuer}\0${documentNumber}`).digest('hex');
}

export function enrolmentSummary(document: IdentifiedDocument, chip: ChipSummary, liveness: LivenessVerdict, checks: readonly CheckResult[], at: number): EnrolmentSummary {
  return {
    method: 'document-verification',
    documentType: document.documentType,
    issuer: document.issuer,
    holderSource: document.source,
    documentNumberSha256: documentNumberHash(document.issuer, document.documentNumber),
    chip,
    liveness: liveness.reason,
    checks: checks.map((c) => ({ name: c.name, outcome: c.outcome })),
    at,
  };
}
