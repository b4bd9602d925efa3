// Counts every HTTP 503 the app answers a user (an HSM, store or face-engine outage), once the response
// is finished, whichever route or error handler sent it. A monitoring probe's answer (/health, /metrics)
// is not counted: a degraded /health answers 503 to every probe, which would read as users refused while
// a side part (the SIEM feed, the witness) is down; that state is /health's and its own metrics' to tell.
import type { RequestHandler, Response } from 'express';
import type { ApplianceMetrics } from '../observability/metrics.js';

const MONITORING_PROBE = 'proofgateMonitoringProbe';

/** Marks the response as a monitoring probe's answer, which proofgate_http_503_responses_total leaves out. */
export function markMonitoringProbe(res: Response): void {
  res.locals[MONITORING_PROBE] = true;
}

export function countUnavailableResponses(metrics: ApplianceMetrics): RequestHandler {
  return (_req, res, next) => {
    res.on('finish', () => {
      if (res.statusCode === 503 && res.locals[MONITORING_PROBE] !== true) metrics.unavailableResponse();
    });
    next();
  };
}
