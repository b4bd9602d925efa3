// Shown when the account has no biometric profile yet. First-time verification starts from an identity
// document, so it needs a verification kiosk (document scanner, depth camera, optionally a chip
// reader): the page says what the kiosk will ask for, and carries in data-* attributes (escaped) what
// the kiosk software needs to post its capture envelope. A browser without a document scanner can
// only cancel (Entra then gets access_denied). Without document verification configured, the page
// says it is not available and offers Cancel.
import { html, type SafeHtml } from './html.js';

export interface FirstTimeKioskModel {
  captureUrl: string;
  /** The session's challenge nonce every depth frame and challenge frame must carry. */
  challengeNonce: string;
  /** What the kiosk asks the person to do when the liveness policy needs the active challenge. */
  challengeInstruction: string;
  serverTime: number;
}

export interface FirstTimePageModel {
  accountLabel: string;
  cancelUrl: string;
  csrfToken: string;
  /** Null: document verification is not configured on this appliance. */
  kiosk: FirstTimeKioskModel | null;
}

const cancelForm = (m: FirstTimePageModel) => html`<form id="cancel-form" method="post" action="${m.cancelUrl}">
<input type="hidden" name="csrf" value="${m.csrfToken}">
<button id="cancel" type="submit">Cancel and return to sign-in</button>
</form>`;

export function firstTimePageBody(m: FirstTimePageModel): SafeHtml {
  if (!m.kiosk) {
    return html`<main id="verify" class="card">
<h1>Identity verification is not set up for this account</h1>
<p>No verified photo is on record for <strong>${m.accountLabel}</strong>.</p>
<p id="status" class="status" role="status">First-time verification with an identity document is not available on this
appliance. Please ask your IT service desk to enrol you in person; they will check your identity document and take
your reference photo.</p>
${cancelForm(m)}
</main>`;
  }
  const k = m.kiosk;
  return html`<main id="verify" class="card first-time"
  data-capture-url="${k.captureUrl}" data-csrf-token="${m.csrfToken}"
  data-challenge-nonce="${k.challengeNonce}" data-challenge-instruction="${k.challengeInstruction}" data-server-time="${k.serverTime}">
<h1>Verify your identity with your identity document</h1>
<p>No verified photo is on record yet for <strong>${m.accountLabel}</strong>. The first time, your identity is checked
against an identity document at a verification kiosk; afterwards a photo of your face is enough.</p>

<section aria-labelledby="kiosk-heading">
<h2 id="kiosk-heading">At a verification kiosk</h2>
<ol>
<li>Place your passport, identity card or driving licence on the document scanner, photo side up. For an identity
card with the machine-readable lines on the back, or a driving licence with a barcode on the back, the kiosk also
asks for the back. If the kiosk has a chip reader, hold a passport or card with a chip on it until it says done.</li>
<li>Look at the kiosk camera for a photo of your face. If asked, follow the instruction on the screen.</li>
</ol>
<p class="hint">The name and date of birth on the document must be those of this account, and the photo on the document
must show you. The document's number is not stored.</p>
</section>

<section aria-labelledby="browser-heading">
<h2 id="browser-heading">On this device</h2>
<p id="status" class="status" role="status">This device has no document scanner, so the first verification cannot be
done here. Go to a verification kiosk, or ask your IT service desk to enrol you in person. Cancel to return to sign-in.</p>
</section>

${cancelForm(m)}
</main>`;
}
