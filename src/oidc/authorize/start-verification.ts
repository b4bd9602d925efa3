// Step 9: hand the browser over to the verification UI.
import type { RequestHandler } from 'express';
import type { Logger } from '../../core/log.js';
import type { VerificationUi } from '../verification-ui.js';
import { authorizeContext, required } from './context.js';

export function startVerification(ui: VerificationUi, log: Logger): RequestHandler {
  return async (req, res) => {
    const session = required(authorizeContext(res).session, 'session');
    log('oidc.session_opened', {
      sessionId: session.sessionId, tid: session.tid, clientId: session.clientId,
      clientRequestId: session.clientRequestId, acr: session.acr,
    });
    await ui.start(req, res, session);
  };
}
