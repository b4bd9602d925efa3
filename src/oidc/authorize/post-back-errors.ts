// The chain's error step: once redirect_uri is known, a refusal goes back to Entra as a form_post with
// error (access_denied / temporarily_unavailable, chosen by the one mapping in src/core/describe-error.ts),
// error_description and state. Before that, the app's error handler answers with an HTTP error page.
import type { ErrorRequestHandler } from 'express';
import { describeError } from '../../core/describe-error.js';
import type { Logger } from '../../core/log.js';
import { sendFormPost } from '../form-post.js';
import type { AuthorizeContext } from './context.js';

export function postBackErrors(log: Logger): ErrorRequestHandler {
  return (err, _req, res, next) => {
    const ctx = res.locals.authorize as AuthorizeContext | undefined;
    if (!ctx?.postBack || res.headersSent) {
      next(err);
      return;
    }
    const view = describeError(err);
    log('oidc.request_refused', {
      code: view.code, error: view.oidcError, clientId: ctx.params.client_id ?? null,
      clientRequestId: ctx.params['client-request-id'] ?? null,
    });
    if (view.status >= 500) console.error('proofgate: authorize:', err);
    const fields: Record<string, string> = { error: view.oidcError, error_description: view.message };
    if (ctx.postBack.state !== null) fields.state = ctx.postBack.state;
    sendFormPost(res, { redirectUri: ctx.postBack.redirectUri, fields });
  };
}
