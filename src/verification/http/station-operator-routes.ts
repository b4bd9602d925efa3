// The kiosk operator's page at the station: GET /staff/station, for a signed-in kiosk-operator or admin
// (the staff passkey sign-in, src/staff). Its script (station-operator.js) tells the station's kiosk agent
// on loopback (verification.kiosk.agentOrigin, the CSP's connect-src gains exactly it) which staff id to
// sign into every envelope (`POST /operator`), or that nobody attests any more (`operator: null`). The
// agent only takes it from this appliance's origin; the appliance checks the named member again at every
// envelope (src/verification/station/verify-station-envelope.ts), so a revoked operator stops attesting at once.
import express, { type Router } from 'express';
import { html } from '../../pages/html.js';
import { sendPage } from '../../pages/page-shell.js';
import { externalPrefix } from '../../http/public-url.js';
import type { StaffAuth } from '../../staff/staff-auth.js';
import type { StaffIdentity } from '../../staff/staff-identity.js';
import { STATION_OPERATOR_ROLES } from '../station/verify-station-envelope.js';

export const STATION_OPERATOR_PATH = '/staff/station';

export function createStationOperatorRouter(staffAuth: StaffAuth, kiosk: { agentOrigin: string | null }): Router {
  const router = express.Router();
  const agentOrigin = kiosk.agentOrigin;
  router.get(STATION_OPERATOR_PATH, staffAuth.require(STATION_OPERATOR_ROLES), (req, res) => {
    const staff = res.locals.staff as StaffIdentity;
    const prefix = externalPrefix(req);
    const body = agentOrigin === null
      ? html`<main id="station-operator" class="card"><h1>Attest enrolments at a station</h1>
<p class="status" role="status">No kiosk agent is configured on this appliance (verification.kiosk.agentOrigin is null).</p></main>`
      : html`<main id="station-operator" class="card" data-agent-origin="${agentOrigin}" data-staff-id="${staff.id}">
<h1>Attest enrolments at this station</h1>
<p>Signed in as <strong>${staff.name}</strong> (${staff.role}).</p>
<p id="operator-status" class="status" role="status">Checking this station…</p>
<div class="actions"><button id="operator-attest" type="button" disabled>Attest enrolments here as ${staff.name}</button>
<button id="operator-release" type="button" disabled>Stop attesting here</button></div>
</main>`;
    sendPage(res, {
      title: 'Station operator', language: 'en', staticPath: `${prefix}/static`, formTargetOrigin: "'self'", withScript: false,
      ...(agentOrigin === null ? {} : { extraScripts: ['station-operator.js'], connectOrigins: [agentOrigin] }),
      body,
    });
  });
  return router;
}
