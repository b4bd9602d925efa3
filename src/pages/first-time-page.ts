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
</main>`;
}
