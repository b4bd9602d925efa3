// The chain's error step: once redirect_uri is known, a refusal goes back to Entra as a form_post with
// error (access_denied / temporarily_unavailable, chosen by the one mapping in src/core/describe-error.ts),
// error_description and state. Before that, the app's error handler answers with an HTTP error page.
import type { ErrorRequestHandler } from 'express';
import { CLIENT_ID_PATTERN } from '../../config/sections/oidc.js';
import { describeError } from '../../core/describe-error.js';
import type { Logger } from '../../core/log.js';
import { logServerError } from '../../http/log-server-error.js';
import { sendFormPost } from '../form-post.js';
import type { AuthorizeContext } from './context.js';
import { echoableParam } from './echoed-params.js';

export function postBackErrors(log: Logger): ErrorRequestHandler {
  return (err, _req, res, next) => {
    const ctx = res.locals.authorize as AuthorizeContext | undefined;
    if (!ctx?.postBack || res.headersSent) {
      next(err);
      return;
    }
    const view = describeError(err);
    // A refused request's values are the sender's to choose: only well-formed, bounded ones are logged.
    const clientId = ctx.params.client_id;
    log('oidc.request_refused', {
      code: view.code, error: view.oidcError, clientId: clientId !== undefined && CLIENT_ID_PATTERN.test(clientId) ? clientId : null,
      clientRequestId: echoableParam(ctx.params, 'client-request-id'),
    });
    logServerError('authorize', err, view);
    const fields: Record<string, string> = { error: view.oidcError, error_description: view.message };
    if (ctx.postBack.state !== null) fields.state = ctx.postBack.state;
    sendFormPost(res, { redirectUri: ctx.postBack.redirectUri, fields });
  };
}
