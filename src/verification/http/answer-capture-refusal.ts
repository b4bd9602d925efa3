// The capture API's refusals, in JSON whatever the Accept header says (captures are fetch() calls):
// { error, error_description, reference } like every refusal, plus `postBack` when the session has
// expired, so the page hands the person back to Entra instead of stopping at a dead end
// (flow/expired-session-post-back.ts). The reference is the one a decision answers with.
import type { ErrorRequestHandler } from 'express';
import { describeError } from '../../core/describe-error.js';
import { logServerError } from '../../http/log-server-error.js';
import type { Repository } from '../../store/repository.js';
import { expiredSessionPostBack } from '../flow/expired-session-post-back.js';
import { sessionReference } from '../flow/session-reference.js';

const SESSION_ID = /^[A-Za-z0-9_-]{16,128}$/;

export function answerCaptureRefusal(repo: Pick<Repository, 'getSession'>): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const view = describeError(err);
    logServerError(`${req.method} ${req.path}`, err, view);
    const sessionId = typeof req.params.sessionId === 'string' && SESSION_ID.test(req.params.sessionId) ? req.params.sessionId : null;
    const postBack = sessionId ? expiredSessionPostBack(repo, sessionId, req.get('x-csrf-token')) : null;
    res.status(view.status);
    res.setHeader('Cache-Control', 'no-store');
    res.json({
      error: view.code, error_description: view.message,
      ...(sessionId ? { reference: sessionReference(sessionId) } : {}),
      ...(postBack ? { postBack } : {}),
    });
  };
}
