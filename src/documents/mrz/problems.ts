// Stable problem codes. 'error' makes the MRZ invalid; 'warning' is reported for policy to weigh.
import type { MrzFieldName } from './layouts.js';

export type MrzProblemCode =
  | 'MRZ_NOT_TEXT'
  | 'MRZ_EMPTY'
  | 'MRZ_BAD_LINE_COUNT'
  | 'MRZ_BAD_LINE_LENGTH'
  | 'MRZ_BAD_CHARSET'
  | 'MRZ_BAD_DOCUMENT_CODE'
  | 'MRZ_UNKNOWN_STATE_CODE'
  | 'MRZ_SPECIMEN_STATE_CODE'
  | 'MRZ_CHECK_DIGIT_MISMATCH'
  | 'MRZ_CHECK_DIGIT_NOT_A_DIGIT'
  | 'MRZ_LONG_DOCUMENT_NUMBER_MALFORMED'
  | 'MRZ_LONG_DOCUMENT_NUMBER_FILLER_IN_CHECK_DIGIT'
  | 'MRZ_BAD_DATE'
  | 'MRZ_DATE_PARTIALLY_UNKNOWN'
  | 'MRZ_DOCUMENT_EXPIRED'
  | 'MRZ_EXPIRY_BEFORE_BIRTH'
  | 'MRZ_BAD_SEX'
  | 'MRZ_SEX_X'
  | 'MRZ_BAD_NAME'
  | 'MRZ_NAME_MAY_BE_TRUNCATED'
  /** OCR output whose check digits fail and that no supported correction repairs (correct-mrz.ts): read again. */
  | 'MRZ_UNREADABLE';

export type MrzProblemSeverity = 'error' | 'warning';

export interface MrzProblem {
  readonly code: MrzProblemCode;
  readonly severity: MrzProblemSeverity;
  readonly field?: MrzFieldName;
  readonly message: string;
}

export const problem = (code: MrzProblemCode, severity: MrzProblemSeverity, message: string, field?: MrzFieldName): MrzProblem =>
  (field === undefined ? { code, severity, message } : { code, severity, field, message });
