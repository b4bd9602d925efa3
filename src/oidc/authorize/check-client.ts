// Step 4: client_id must be a registered client.
import type { RequestHandler } from 'express';
import type { OidcConfig } from '../../config/sections/oidc.js';
import { ProofgateError } from '../../core/errors.js';
import { authorizeContext } from './context.js';

export function checkClient(config: OidcConfig): RequestHandler {
  return (_req, res, next) => {
    const ctx = authorizeContext(res);
    const client = config.clients.find((c) => c.clientId === ctx.params.client_id);
    if (!client) throw new ProofgateError('ERR_INVALID_REQUEST', 'client_id is not registered with this provider', { status: 400 });
    ctx.client = client;
    next();
  };
}
