// Shown when the account has no biometric profile yet. First-time verification starts from an identity
// document, so it needs a verification kiosk (document scanner, depth camera, optionally a chip
// reader): the page says what the kiosk will ask for, and carries in data-* attributes (escaped) what
// the kiosk software needs to post its capture envelope. A browser without a document scanner can
// only cancel (Entra then gets access_denied). Without document verification configured, the page
// says it is not available and offers Cancel. Texts come from the same catalogue as the capture page.
import { html, type SafeHtml } from './html.js';
import { fillMessage } from './messages/fill-message.js';
import type { MessageCatalogue } from './messages/messages.js';

export interface FirstTimeKioskModel {
  captureUrl: string;
  /** The session's challenge nonce every depth frame and challenge frame must carry. */
  challengeNonce: string;
  /** What the kiosk asks the person to do when the liveness policy needs the active challenge. */
  challengeInstruction: string;
  serverTime: number;
  /**
   * The station path (verification.kiosk): the kiosk agent's loopback origin and the idle timeout. The
   * station script (kiosk-station.js) asks the agent whether it runs on a station; if it answers, the page
   * walks the person through scan, chip and selfie and posts the envelope the agent signed. The page never
   * says it is a kiosk: the appliance judges only the station's signature.
   */
  station: { agentOrigin: string; idleSeconds: number } | null;
}

export interface FirstTimePageModel {
  messages: MessageCatalogue;
  accountLabel: string;
  cancelUrl: string;
  csrfToken: string;
  /** Null: document verification is not configured on this appliance. */
  kiosk: FirstTimeKioskModel | null;
}

const cancelForm = (m: FirstTimePageModel) => html`<form id="cancel-form" method="post" action="${m.cancelUrl}">
<input type="hidden" name="csrf" value="${m.csrfToken}">
<button id="cancel" type="submit">${m.messages['firstTime.cancel']}</button>
</form>`;

export function firstTimePageBody(m: FirstTimePageModel): SafeHtml {
  const t = m.messages;
  const account = html`<strong>${m.accountLabel}</strong>`;
  if (!m.kiosk) {
    return html`<main id="verify" class="card">
<h1>${t['firstTime.unavailableHeading']}</h1>
<p id="status" class="status" role="status">${t['firstTime.unavailableStatus']}</p>
${cancelForm(m)}
<p>${fillMessage(t['firstTime.noProfile'], { account })}</p>
</main>`;
  }
  const k = m.kiosk;
  return html`<main id="verify" class="card first-time"
  data-capture-url="${k.captureUrl}" data-csrf-token="${m.csrfToken}"
  data-challenge-nonce="${k.challengeNonce}" data-challenge-instruction="${k.challengeInstruction}" data-server-time="${k.serverTime}">
<h1>${t['firstTime.heading']}</h1>
<p id="status" class="status" role="status">${t['firstTime.deviceStatus']}</p>
${cancelForm(m)}
<p>${fillMessage(t['firstTime.intro'], { account })}</p>

<section aria-labelledby="kiosk-heading">
<h2 id="kiosk-heading">${t['firstTime.kioskHeading']}</h2>
<ol>
<li>${t['firstTime.kioskDocument']}</li>
<li>${t['firstTime.kioskFace']}</li>
</ol>
<p class="hint">${t['firstTime.kioskHint']}</p>
</section>
${k.station ? stationSection(t, k.station) : ''}
</main>`;
}

/** The station's screens, one action each, hidden until the agent answers; texts for the script's messages in data-*. */
function stationSection(t: MessageCatalogue, station: { agentOrigin: string; idleSeconds: number }): SafeHtml {
  const keypad = [...'1234567890ABCDEFGHIJKLMNOPQRSTUVWXYZ<'].map((c) => html`<button type="button" class="key" data-key="${c}">${c}</button>`);
  return html`<section id="station" class="station" hidden data-agent-origin="${station.agentOrigin}" data-idle-seconds="${station.idleSeconds}"
  data-msg-error="${t['station.error']}" data-msg-unplugged="${t['station.deviceUnplugged']}" data-msg-removed="${t['station.deviceRemoved']}"
  data-msg-access-denied="${t['station.accessDenied']}" data-msg-corrupt="${t['station.deviceCorrupt']}" data-msg-timeout="${t['station.deviceTimeout']}"
  data-msg-clock="${t['station.clockSkew']}" data-msg-progress="${t['station.progress']}" data-msg-done="${t['station.done']}">
<p id="station-progress" class="station-progress" aria-live="polite"></p>
<div class="screen" data-screen="start"><p>${t['station.startHint']}</p><button type="button" class="big" data-action="start">${t['station.start']}</button></div>
<div class="screen" data-screen="scan" hidden><h2>${t['station.scanHeading']}</h2><button type="button" class="big" data-action="scan">${t['station.scan']}</button></div>
<div class="screen" data-screen="chip" hidden><h2>${t['station.chipHeading']}</h2>
<label>${t['station.documentNumber']} <output class="field" data-field="documentNumber" tabindex="0"></output></label>
<label>${t['station.dateOfBirth']} <output class="field" data-field="dateOfBirth" tabindex="0"></output></label>
<label>${t['station.dateOfExpiry']} <output class="field" data-field="dateOfExpiry" tabindex="0"></output></label>
<div class="keypad">${keypad}<button type="button" class="key" data-key="back" aria-label="delete">⌫</button></div>
<button type="button" class="big" data-action="chip">${t['station.readChip']}</button></div>
<div class="screen" data-screen="selfie" hidden><h2>${t['station.selfieHeading']}</h2><p class="station-instruction"></p><button type="button" class="big" data-action="selfie">${t['station.selfie']}</button></div>
<div class="screen" data-screen="working" hidden><h2>${t['station.working']}</h2><p class="station-working">${t['station.checking']}</p></div>
<div class="screen" data-screen="error" hidden><h2 class="station-error" role="alert"></h2><button type="button" class="big" data-action="retry">${t['station.retry']}</button>
<button type="button" class="big secondary" data-action="restart">${t['station.restart']}</button></div>
</section>`;
}
