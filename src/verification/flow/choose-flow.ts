// First-time or returning: decided here once, for the page that opens the session and for the flow
// that decides its captures. An account with a biometric profile is returning; any other is first-time.
import type { BiometricProfile, VerificationSession } from '../../core/domain.js';
import type { Repository } from '../../store/repository.js';

export type VerificationFlow =
  | { flow: 'returning'; profile: BiometricProfile }
  | { flow: 'first-time'; profile: null };

export function verificationFlowFor(repo: Repository, session: VerificationSession): VerificationFlow {
  const profile = repo.getProfile(session.tid, session.oid);
  return profile ? { flow: 'returning', profile } : { flow: 'first-time', profile: null };
}
