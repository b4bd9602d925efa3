// Step 0: the authorize stage's latency, from the request entering the chain to the response being
// finished (page, post-back or error page), whatever the outcome.
import type { RequestHandler } from 'express';
import type { ApplianceMetrics } from '../../observability/metrics.js';

export function observeRequest(metrics: ApplianceMetrics): RequestHandler {
  return (_req, res, next) => {
    const end = metrics.startStage('authorize');
    res.on('finish', end);
    next();
  };
}
