// Step 2: redirect_uri must be exactly one of Entra's three EAM endpoints. Anything else gets an HTTP
// 400 page and no redirect; after this step every refusal is posted back to Entra instead.
import type { RequestHandler } from 'express';
import { ProofgateError } from '../../core/errors.js';
import { cloudOfRedirectUri } from '../clouds.js';
import { authorizeContext } from './context.js';
import { echoableParam } from './echoed-params.js';

export const checkRedirectUri: RequestHandler = (_req, res, next) => {
  const ctx = authorizeContext(res);
  const uri = ctx.params.redirect_uri;
  if (ctx.repeated.includes('redirect_uri')) {
    throw new ProofgateError('ERR_INVALID_REQUEST', 'redirect_uri given more than once', { status: 400 });
  }
  const cloud = uri === undefined ? null : cloudOfRedirectUri(uri);
  if (uri === undefined || cloud === null) {
    throw new ProofgateError('ERR_INVALID_REQUEST', 'redirect_uri is missing or is not an Entra external authentication endpoint', { status: 400 });
  }
  // An ambiguous or unfit state is not echoed (check-protocol-params refuses the request).
  const state = ctx.repeated.includes('state') ? null : echoableParam(ctx.params, 'state');
  ctx.postBack = { redirectUri: uri, cloud, state };
  next();
};
