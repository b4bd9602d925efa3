// Step 5: parse the claims parameter and choose the acr/amr to answer with (or refuse).
import type { RequestHandler } from 'express';
import type { OidcConfig } from '../../config/sections/oidc.js';
import { negotiateAuthn, parseClaimsRequest } from '../claims-request.js';
import { authorizeContext } from './context.js';

export function negotiateClaims(config: OidcConfig): RequestHandler {
  return (_req, res, next) => {
    const ctx = authorizeContext(res);
    ctx.authn = negotiateAuthn(parseClaimsRequest(ctx.params.claims, config.maxClaimsBytes), config.acrValues);
    next();
  };
}
