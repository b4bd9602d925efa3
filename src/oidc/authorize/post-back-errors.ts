// The chain's error step: once redirect_uri is known, a refusal goes back to Entra as a form_post with
// error (access_denied / temporarily_unavailable, chosen by the one mapping in src/core/describe-error.ts),
// error_description and state. Before that, the app's error handler answers with an HTTP error page.
// The refusal's event log line is log-refusal.ts's, the step before.
import type { ErrorRequestHandler } from 'express';
import { describeError } from '../../core/describe-error.js';
import { logServerError } from '../../http/log-server-error.js';
import { sendFormPost } from '../form-post.js';
import type { AuthorizeContext } from './context.js';

export function postBackErrors(): ErrorRequestHandler {
  return (err, _req, res, next) => {
    const ctx = res.locals.authorize as AuthorizeContext | undefined;
    if (!ctx?.postBack || res.headersSent) {
      next(err);
      return;
    }
    const view = describeError(err);
    logServerError('authorize', err, view);
    const fields: Record<string, string> = { error: view.oidcError, error_description: view.message };
    if (ctx.postBack.state !== null) fields.state = ctx.postBack.state;
    sendFormPost(res, { redirectUri: ctx.postBack.redirectUri, fields });
  };
}
