// Account recovery on the help desk's done page: a request of purpose `recovery` that ended verified gets
// its Temporary Access Pass there, shown once to the person whose session decided it (the done page only
// calls this for the holder of that session's CSRF token; src/helpdesk/person-routes.ts). The agent's
// console never sees the pass. The recovery service (src/recovery) does every check again and audits.
import { ProofgateError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { html, type SafeHtml } from '../pages/html.js';
import { renderTapOnce } from '../pages/tap-once-section.js';
import type { RequestStore, StoredRequest } from '../store/request-store.js';
import type { RecoveryTapLedger } from '../store/sqlite-recovery-taps.js';
import { recoveryRequestsOver } from '../recovery/recovery-requests-over.js';
import type { RecoveryRequests } from '../recovery/recovery-requests.js';
import type { RecoveryService } from '../recovery/temporary-access-pass.js';
import type { CompletionExtras } from './person-routes.js';

/** The recovery service's view of the help desk's requests and the ledger of issued passes. */
export function recoveryRequestsFromStore(store: { requests: RequestStore; recoveryTaps: RecoveryTapLedger; transaction<T>(fn: () => T): T }): RecoveryRequests {
  return recoveryRequestsOver({
    requests: {
      get(id) {
        const r = store.requests.get(id);
        return r && {
          id: r.requestId, tid: r.tid, oid: r.oid, upn: r.upn, status: r.status, purpose: r.purpose, createdBy: r.createdBy, sessionId: r.sessionId,
        };
      },
    },
    ledger: store.recoveryTaps,
    transaction: (fn) => store.transaction(fn),
  });
}

/**
 * How long after the decision the done page may still ask for the pass: the person's browser posts the
 * done form right after the decision; a later post (a replayed form, a retry days after a Graph failure)
 * gets no pass, and a new request is the way.
 */
export const TAP_CLAIM_WINDOW_MS = 10 * 60 * 1000;

/** The done page's extra for a verified recovery request: the pass, or why there is none. */
export function recoveryCompletionExtras(recovery: RecoveryService, log: Logger, now: () => number = Date.now): CompletionExtras {
  return async (request: StoredRequest, page) => {
    if (!recovery.enabled || request.purpose !== 'recovery' || request.status !== 'verified') return null;
    if (request.completedAt === null || now() - request.completedAt > TAP_CLAIM_WINDOW_MS) {
      return html`<p class="notice">Your identity was verified, but a Temporary Access Pass is only shown right after verifying. Ask the help desk for a new request.</p>`;
    }
    try {
      const tap = await recovery.issueForVerifiedRequest(request.requestId);
      return renderTapOnce({ ...tap, staticPath: page.staticPath });
    } catch (e) {
      // The service has logged and audited what went wrong; the person gets what to do next, never the cause.
      const already = recovery.tapIssuedAt(request.requestId) !== null;
      if (!(e instanceof ProofgateError)) log('recovery.completion-error', { requestId: request.requestId, error: (e as Error).message }, 'error');
      return already
        ? html`<p class="notice">Your Temporary Access Pass was shown once already and cannot be shown again. If you did not keep it, ask the help desk for a new request.</p>`
        : html`<p class="notice">Your identity is verified, but a Temporary Access Pass could not be issued just now. Tell the help desk: they can start a new recovery request.</p>`;
    }
  };
}
