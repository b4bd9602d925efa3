// One call that builds the help desk for the app: the request service, the completer that ends a request's
// sessions (wrap the OIDC completer with `completer` before building the verification side), and the routers
// (the person's /r pages, the console behind staff sign-in, the REST API).
// Order: createHelpdeskCore (before createVerification) → createVerification({ completeVerification: core.completer(oidc) })
// → helpdeskRouters(core, verification, staffAuth, evidence).
import type { Router } from 'express';
import type { ProofgateConfig } from '../config/index.js';
import type { Logger } from '../core/log.js';
import type { AuditWriter } from '../audit/audit-writer.js';
import type { KeyRing } from '../hsm/signing-key.js';
import type { VerificationCompleter } from '../oidc/complete-verification.js';
import type { Repository } from '../store/repository.js';
import type { OpenedEvidence } from '../store/evidence-cipher.js';
import type { CapturePageSettings } from '../verification/http/verification-ui.js';
import { HELPDESK_CLIENT_ID, RequestService } from './request-service.js';
import { ProofgateError } from '../core/errors.js';
import { RequestResults } from './request-results.js';
import { routeRequestSessions } from './request-completer.js';
import { createPersonRouter, type CompletionExtras } from './person-routes.js';
import { createConsoleRouter } from './console-routes.js';
import { createApiRouter } from './api-routes.js';
import type { StaffGate } from './staff-gate.js';
import type { StaffPlaces } from '../staff/staff-pages.js';

/** The console on the staff home page, for the roles its gate lets through (createStaffAuth's `places`). */
export const HELPDESK_PLACES: Partial<StaffPlaces> = {
  helpdesk: [{ path: '/helpdesk', label: 'Help desk: verification requests' }],
  admin: [{ path: '/helpdesk', label: 'Help desk: verification requests' }],
};

export interface HelpdeskCore {
  requests: RequestService;
  results: RequestResults;
  /** The completer for every session: a request's sessions end here, the others go on to `oidc`. */
  completer(oidc: VerificationCompleter): VerificationCompleter;
}

export function createHelpdeskCore(d: { config: ProofgateConfig; repository: Repository; audit: AuditWriter; keyRing: KeyRing; log: Logger; now?: () => number }): HelpdeskCore {
  const now = d.now ?? Date.now;
  if (d.config.oidc.clients.some((c) => c.clientId === HELPDESK_CLIENT_ID)) {
    throw new ProofgateError('ERR_CONFIG', `config oidc.clients: the client id "${HELPDESK_CLIENT_ID}" is reserved for help-desk verification requests`);
  }
  const requests = new RequestService({
    repo: d.repository, audit: d.audit, config: d.config.helpdesk, publicBaseUrl: d.config.server.publicBaseUrl,
    sessionLifetimeSeconds: d.config.oidc.sessionLifetimeSeconds, log: d.log, now,
  });
  const results = new RequestResults({
    repo: d.repository, keyRing: d.keyRing, config: d.config.helpdesk, issuer: d.config.server.publicBaseUrl,
    signingTimeoutMs: d.config.oidc.signingTimeoutMs, log: d.log, now,
  });
  return {
    requests, results,
    completer: (oidc) => routeRequestSessions(oidc, { repo: d.repository, log: d.log, now, afterDecision: (id) => results.afterDecision(id) }),
  };
}

export function helpdeskRouters(core: HelpdeskCore, d: {
  repository: Repository; capturePage: CapturePageSettings; staffAuth: StaffGate; readEvidence: (evidenceId: string) => Promise<OpenedEvidence>; now?: () => number;
  /** What the person's done page adds after their decision (a recovery's Temporary Access Pass); absent: nothing. */
  completionExtras?: CompletionExtras;
}): Router[] {
  return [
    createPersonRouter(core.requests, d.capturePage, d.completionExtras),
    createConsoleRouter({ requests: core.requests, results: core.results, staffAuth: d.staffAuth, readEvidence: d.readEvidence }),
    createApiRouter({ repo: d.repository, requests: core.requests, results: core.results, now: d.now ?? Date.now }),
  ];
}
