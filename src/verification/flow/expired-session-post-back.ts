// An expired session must not leave the person on a dead page: a capture or cancel that arrives after
// the session expired (closed just now by the open-session guard, or earlier by the sweep) gets the
// error form_post back to Entra instead of a bare refusal. Only for a request that proves it belongs to
// the session (its CSRF token) and only for status 'expired': a decided session already went back.
import type { VerificationSession } from '../../core/domain.js';
import type { PostBack } from '../../oidc/form-post.js';
import { sessionExpiredPostBack } from '../../oidc/complete-verification.js';
import type { Repository } from '../../store/repository.js';
import { sameSecret } from '../../core/secrets.js';

const SESSION_ID = /^[A-Za-z0-9_-]{16,128}$/;

export function expiredSessionPostBack(repo: Pick<Repository, 'getSession'>, sessionId: string, csrfToken: unknown): PostBack | null {
  if (!SESSION_ID.test(sessionId) || typeof csrfToken !== 'string' || csrfToken.length === 0) return null;
  const session: VerificationSession | null = repo.getSession(sessionId);
  if (!session || session.status !== 'expired' || !sameSecret(csrfToken, session.csrfToken)) return null;
  return sessionExpiredPostBack(session);
}
