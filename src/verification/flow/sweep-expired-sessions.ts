// The expiry sweep: an open session nobody came back to (the person closed the tab) would otherwise
// never reach the audit trail. The appliance runs this at start-up and every SESSION_SWEEP_INTERVAL_MS
// (src/cli/start-appliance.ts): each expired open session is closed as 'expired' with its audit record
// (decision 'denied', a 'session-expiry' check, the flow chosen as for the page), one transaction each.
// It also erases the phone hand-off post-backs (signed id_tokens) no computer came back for.
import { verificationFlowFor } from './choose-flow.js';
import { closeExpiredSession } from './close-expired-session.js';
import type { DecisionWriters } from './record-decision.js';

/** How often start-appliance.ts runs the sweep. */
export const SESSION_SWEEP_INTERVAL_MS = 60_000;

/** Sessions closed per run at most; the next run takes the rest. */
const SWEEP_BATCH = 500;

export interface SweepReport {
  /** Sessions this run closed as expired, each with its audit record. */
  expired: number;
  /** Sessions whose close and record could not be stored (left open for the next run). */
  failed: number;
  /** The first failure's message, for the log. */
  error?: string;
}

export function sweepExpiredSessions(writers: DecisionWriters, now: number = Date.now()): SweepReport {
  const report: SweepReport = { expired: 0, failed: 0 };
  for (const session of writers.repo.listExpiredOpenSessions(now, SWEEP_BATCH)) {
    try {
      const closed = closeExpiredSession(writers, session, {
        flow: verificationFlowFor(writers.repo, session).flow, at: now,
        reason: `the session expired at ${new Date(session.expiresAt).toISOString()} without a decision (closed by the expiry sweep)`,
      });
      if (closed) report.expired += 1;
    } catch (e) {
      report.failed += 1;
      report.error ??= (e as Error).message;
    }
  }
  try {
    writers.repo.handoffs.eraseUncollectedPostBacks(now);
  } catch (e) {
    report.failed += 1;
    report.error ??= (e as Error).message;
  }
  return report;
}
