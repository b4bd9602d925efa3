// Step 6: id_token_hint, signed by the redirect_uri's cloud, for this client's App ID and tenants.
import type { RequestHandler } from 'express';
import type { OidcConfig } from '../../config/sections/oidc.js';
import type { EntraKeySource } from '../entra-keys.js';
import { validateIdTokenHint } from '../hint.js';
import { authorizeContext, required } from './context.js';

export function validateHint(config: OidcConfig, entraKeys: EntraKeySource, now: () => number): RequestHandler {
  return async (_req, res, next) => {
    const ctx = authorizeContext(res);
    ctx.hint = await validateIdTokenHint(ctx.params.id_token_hint, {
      cloud: required(ctx.postBack, 'postBack').cloud,
      client: required(ctx.client, 'client'),
      entraKeys,
      config,
      nowSeconds: Math.floor(now() / 1000),
    });
    next();
  };
}
