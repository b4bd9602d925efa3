// The real app with the verification side and the help desk on loopback: the help desk's completer wraps the
// OIDC one (as start-appliance.ts wires it), and its routers (person pages, console, REST API) are mounted
// with a staff gate the test chooses (default: the StaffAuth test double). Sessions of a request are opened
// through /r/<token> or /r, as a person's browser does.
import express from 'express';
import type { Router } from 'express';
import { createHelpdeskCore, helpdeskRouters, type HelpdeskCore } from '../../src/helpdesk/create-helpdesk.js';
import type { StaffGate } from '../../src/helpdesk/staff-gate.js';
import type { CompletionExtras } from '../../src/helpdesk/person-routes.js';
import type { VerificationCompleter } from '../../src/oidc/complete-verification.js';
import { silentLogger } from '../../src/core/log.js';
import type { Teardown } from './loopback-app.js';
import { startVerificationTestApp, type VerificationTestApp, type VerificationTestAppOptions } from './verification-test-app.js';
import { testStaffAuth, type TestStaffAuth } from './test-staff-auth.js';

export interface HelpdeskTestApp extends VerificationTestApp {
  helpdesk: HelpdeskCore;
  staffAuth: TestStaffAuth;
}

export async function startHelpdeskTestApp(t: Teardown, opts: VerificationTestAppOptions & { staffAuth?: StaffGate; completionExtras?: CompletionExtras }): Promise<HelpdeskTestApp> {
  const slot: Router = express.Router();
  let core: HelpdeskCore | undefined;
  let routed: VerificationCompleter | undefined;
  const wrap = (oidc: VerificationCompleter): VerificationCompleter => (sessionId, decision, detail) => {
    routed ??= core!.completer(oidc);
    return routed(sessionId, decision, detail);
  };
  const app = await startVerificationTestApp(t, { ...opts, wrapCompleter: wrap, routers: [slot] });
  core = createHelpdeskCore({ config: app.config, repository: app.repository, audit: app.auditTrail, keyRing: app.keyRing, log: opts.log ?? silentLogger, now: opts.now });
  // Webhook runs end before the store closes (teardowns run last-registered first).
  t.teardown(() => core!.results.settled());
  const staffAuth = testStaffAuth();
  for (const router of helpdeskRouters(core, {
    repository: app.repository, capturePage: app.verification.pageSettings, staffAuth: opts.staffAuth ?? staffAuth,
    readEvidence: (id) => app.evidence.readEvidence(id), now: opts.now, completionExtras: opts.completionExtras,
  })) slot.use(router);
  return Object.assign(app, { helpdesk: core, staffAuth });
}
