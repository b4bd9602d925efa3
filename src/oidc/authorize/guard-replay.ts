// A hint and a nonce are good for one request. Entra does not bind the nonce to the hint, so both are
// remembered; together, in one transaction, so a refused nonce does not burn the hint. The hint is
// remembered by its decoded signature (hint.ts), the nonce by its value as received. open-session.ts
// calls this inside the transaction that opens the session: one commit (one fsync) for both, and a
// session that fails to open does not burn the hint either.
import { createHash } from 'node:crypto';
import type { OidcConfig } from '../../config/sections/oidc.js';
import { ProofgateError } from '../../core/errors.js';
import type { Repository } from '../../store/repository.js';
import { type AuthorizeContext, required } from './context.js';

const NONCE_MEMORY_MS = 24 * 3600 * 1000;

/** Remembers the hint and the nonce of `ctx`, or throws ERR_REPLAY (400); call it inside a transaction. */
export function rememberHintAndNonce(config: OidcConfig, repository: Repository, ctx: AuthorizeContext, now: () => number): void {
  const hint = required(ctx.hint, 'hint');
  const nonce = required(ctx.params.nonce, 'nonce');
  // A hint is worth remembering only while its iat would still be accepted.
  const hintExpiresAt = (hint.iat + config.hintMaxAgeSeconds + config.hintMaxFutureSeconds) * 1000 + 1000;
  const nonceHash = createHash('sha256').update(nonce).digest('hex');
  if (!repository.rememberOnce('hint', hint.replayKey, Math.max(hintExpiresAt, now() + 1000))) {
    throw new ProofgateError('ERR_REPLAY', 'id_token_hint has already been used', { status: 400 });
  }
  if (!repository.rememberOnce('nonce', nonceHash, now() + NONCE_MEMORY_MS)) {
    throw new ProofgateError('ERR_REPLAY', 'nonce has already been used', { status: 400 });
  }
}
