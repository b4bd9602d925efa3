// First-time verification (no profile for the account) needs document verification to bind a person
// to the account, and that is not built on this appliance yet. The flow therefore always denies, and
// says so in the audit; accounts are enrolled by staff instead (enrol-from-reference-photo.ts).
import type { CheckResult } from '../store/repository.js';

export const FIRST_TIME_NOT_AVAILABLE =
  'no biometric profile for this account; first-time self-service enrolment requires document verification, which is not available on this appliance yet';

export function firstTimeNotAvailableCheck(): CheckResult {
  return { name: 'document-verification', score: null, threshold: null, outcome: 'skipped', reason: FIRST_TIME_NOT_AVAILABLE };
}
