// A refused capture request (unknown or closed session, wrong CSRF token, media type, size, malformed
// evidence, a concurrent capture, an outage) gets one log event with its internal code and reason and
// the client's address, and is counted by code. An untrusted station signature is also a security event
// (verification.station_untrusted) naming the station the envelope claimed, for the SIEM to alert on.
// The JSON answer is chosen by the app's error handler and does not depend on this.
import type { ErrorRequestHandler } from 'express';
import { describeError } from '../../core/describe-error.js';
import { ProofgateError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import { clientAddress } from '../../http/client-address.js';
import type { ApplianceMetrics } from '../../observability/metrics.js';
import { StationUntrustedError } from '../station/station-untrusted.js';

// Session ids are 32 random bytes in base64url (oidc/authorize/open-session.ts); anything else is the sender's text.
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

export function logCaptureRefusal(log: Logger, metrics: ApplianceMetrics): ErrorRequestHandler {
  return (err, req, _res, next) => {
    const view = describeError(err);
    const sessionId = typeof req.params.sessionId === 'string' && SESSION_ID.test(req.params.sessionId) ? req.params.sessionId : null;
    metrics.captureRefused(view.code);
    const station = err instanceof StationUntrustedError ? err : null;
    const reason = station ? station.reason : err instanceof ProofgateError ? err.message : view.message;
    log('verification.capture_refused', {
      code: view.code,
      reason: reason.replace(/[\r\n]+/g, ' ').slice(0, 300),
      status: view.status,
      sessionId,
      clientIp: clientAddress(req),
    }, view.status >= 500 ? 'error' : 'warn');
    if (station) {
      log('verification.station_untrusted', {
        security: true, claimedStationId: station.claimedStationId, reason: station.reason.replace(/[\r\n]+/g, ' ').slice(0, 300),
        sessionId, clientIp: clientAddress(req),
      }, 'warn');
    }
    next(err);
  };
}
