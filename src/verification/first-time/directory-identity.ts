// The directory side of the holder binding: the identity the id_token_hint states for the account
// (OIDC claims name, given_name, family_name and, when the tenant emits it, birthdate), and the
// binding's audit check.
import type { CheckResult } from '../../core/domain.js';
import type { BindingResult, DirectoryIdentity } from '../../documents/binding/index.js';

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim().length > 0 ? v.trim() : null);
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export function directoryIdentity(hintClaims: Record<string, unknown>): DirectoryIdentity {
  const birthdate = text(hintClaims.birthdate);
  return {
    displayName: text(hintClaims.name),
    givenName: text(hintClaims.given_name),
    familyName: text(hintClaims.family_name),
    // OIDC's birthdate may be "0000-MM-DD" (year withheld) or a bare year: only a full date is compared.
    dateOfBirth: birthdate && ISO_DATE.test(birthdate) && !birthdate.startsWith('0000') ? birthdate : null,
  };
}

export function bindingCheck(b: BindingResult): CheckResult {
  return {
    name: 'holder-binding', score: Math.round(b.score * 1000) / 1000, threshold: b.threshold, outcome: b.outcome === 'match' ? 'pass' : 'fail',
    reason: `${b.outcome}: ${b.reason} (date of birth ${b.details.dateOfBirth})`,
  };
}
