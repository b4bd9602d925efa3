// Public surface of the MRZ module.
export { mrzCheckDigit, mrzCharValue } from './check-digit.js';
export { parseMrz, type MrzResult, type MrzParsed, type MrzUnparsed, type MrzParseOptions, type MrzFieldResult, type MrzCheckResult, type LongNumberVariant } from './parse-mrz.js';
export {
  correctMrz, MRZ_LOOKALIKES, type MrzReading, type MrzAlternative, type MrzCorrection, type MrzCorrectionResult, type MrzCorrectionPolicy, type MrzCorrectOptions,
} from './correct-mrz.js';
export { parseMrzDate, isExpired, type MrzDate } from './dates.js';
export { parseMrzName, type MrzName } from './names.js';
export { classifyStateCode, stateCodeToAlpha2, SPECIMEN_STATE, type StateCodeKind } from './state-codes.js';
export { applyMrzPolicy, type MrzPolicyDecision } from './mrz-policy.js';
export type { MrzProblem, MrzProblemCode, MrzProblemSeverity } from './problems.js';
export type { MrzFormat, MrzFieldName, CheckName } from './layouts.js';
