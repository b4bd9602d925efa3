// Step 7: the hint and the nonce are used once (guard-replay.ts), and the verification session that binds
// this attempt to the hint's tid+oid opens, in one transaction: one commit where there were two.
import type { RequestHandler } from 'express';
import type { OidcConfig } from '../../config/sections/oidc.js';
import type { VerificationSession } from '../../core/domain.js';
import type { Repository } from '../../store/repository.js';
import { newSecret } from '../../core/secrets.js';
import { authorizeContext, required } from './context.js';
import { rememberHintAndNonce } from './guard-replay.js';


export function openSession(config: OidcConfig, repository: Repository, now: () => number): RequestHandler {
  return (_req, res, next) => {
    const ctx = authorizeContext(res);
    const hint = required(ctx.hint, 'hint');
    const authn = required(ctx.authn, 'authn');
    const postBack = required(ctx.postBack, 'postBack');
    const createdAt = now();
    const session: VerificationSession = {
      sessionId: newSecret(),
      tid: hint.tid,
      oid: hint.oid,
      sub: hint.sub,
      clientId: required(ctx.client, 'client').clientId,
      redirectUri: postBack.redirectUri,
      nonce: required(ctx.params.nonce, 'nonce'),
      state: postBack.state,
      clientRequestId: ctx.params['client-request-id'] ?? null,
      acr: authn.acr,
      amr: authn.amr,
      hintClaims: hint.profile,
      csrfToken: newSecret(),
      challenge: { nonce: newSecret() },
      status: 'open',
      createdAt,
      expiresAt: createdAt + config.sessionLifetimeSeconds * 1000,
    };
    repository.transaction(() => {
      rememberHintAndNonce(config, repository, ctx, now);
      repository.createSession(session);
    });
    ctx.session = session;
    next();
  };
}
