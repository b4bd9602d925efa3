// Counts every HTTP 503 the app answers (an HSM, store or face-engine outage, a degraded /health), once
// the response is finished, whichever route or error handler sent it.
import type { RequestHandler } from 'express';
import type { ApplianceMetrics } from '../observability/metrics.js';

export function countUnavailableResponses(metrics: ApplianceMetrics): RequestHandler {
  return (_req, res, next) => {
    res.on('finish', () => {
      if (res.statusCode === 503) metrics.unavailableResponse();
    });
    next();
  };
}
