// Step 8: hand the browser over to the verification UI. The accepted request is logged and counted here.
import type { RequestHandler } from 'express';
import type { Logger } from '../../core/log.js';
import { clientAddress } from '../../http/client-address.js';
import type { ApplianceMetrics } from '../../observability/metrics.js';
import type { VerificationUi } from '../verification-ui.js';
import { authorizeContext, required } from './context.js';

export function startVerification(ui: VerificationUi, log: Logger, metrics: ApplianceMetrics): RequestHandler {
  return async (req, res) => {
    const session = required(authorizeContext(res).session, 'session');
    metrics.authorizeAccepted();
    log('oidc.authorize_accepted', {
      sessionId: session.sessionId, tid: session.tid, oid: session.oid, clientId: session.clientId,
      clientRequestId: session.clientRequestId, acr: session.acr, clientIp: clientAddress(req),
    });
    await ui.start(req, res, session);
  };
}
