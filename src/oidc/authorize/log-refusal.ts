// The chain's first error step: every refused authorization request, before or after redirect_uri is
// known, gets one log event with its internal code and reason and the client's address, and is counted
// by code. What goes back to Entra or the browser is chosen after this (post-back-errors.ts, the app's
// error handler) and does not depend on it: the log is for the operator, never echoed.
import type { ErrorRequestHandler } from 'express';
import { CLIENT_ID_PATTERN } from '../../config/sections/oidc.js';
import { describeError } from '../../core/describe-error.js';
import { ProofgateError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import { clientAddress } from '../../http/client-address.js';
import type { ApplianceMetrics } from '../../observability/metrics.js';
import type { AuthorizeContext } from './context.js';
import { echoableParam } from './echoed-params.js';

/** The internal reason: our own message for a ProofgateError (never the request's values), else the view's. */
function reasonOf(err: unknown, fallback: string): string {
  return err instanceof ProofgateError ? err.message.replace(/[\r\n]+/g, ' ').slice(0, 300) : fallback;
}

export function logRefusal(log: Logger, metrics: ApplianceMetrics): ErrorRequestHandler {
  return (err, req, res, next) => {
    const view = describeError(err);
    const ctx = res.locals.authorize as AuthorizeContext | undefined;
    // A refused request's values are the sender's to choose: only well-formed, bounded ones are logged.
    const clientId = ctx?.params.client_id;
    metrics.authorizeRefused(view.code);
    log('oidc.authorize_refused', {
      code: view.code,
      reason: reasonOf(err, view.message),
      status: view.status,
      oidcError: view.oidcError,
      postedBack: Boolean(ctx?.postBack),
      clientIp: clientAddress(req),
      clientId: clientId !== undefined && CLIENT_ID_PATTERN.test(clientId) ? clientId : null,
      clientRequestId: ctx ? echoableParam(ctx.params, 'client-request-id') : null,
      tid: ctx?.hint?.tid ?? null,
    }, view.status >= 500 ? 'error' : 'warn');
    next(err);
  };
}
