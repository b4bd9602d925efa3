// The laptop side of the phone hand-off, a fragment of the returning-user capture page: a "Use your phone"
// button that asks the server for a one-time QR code and a six-digit code, then follows the phone's
// progress and, once the phone's capture is decided, posts the result to Entra from this page (the phone
// never receives it). Behaviour lives in static/handoff.js (loaded by the fragment itself); the section
// stays hidden until that script runs, since without script the page cannot follow the phone.
import { html, type SafeHtml } from './html.js';

export interface HandoffSectionModel {
  /** POST here (X-CSRF-Token) for a new QR code: JSON { qr, code, expiresAt, eventsUrl, statusUrl, completeUrl }. */
  startUrl: string;
  csrfToken: string;
  staticPath: string;
}

export function handoffSection(m: HandoffSectionModel | null): SafeHtml {
  if (!m) return html``;
  return html`<section id="handoff" aria-labelledby="handoff-heading" hidden
  data-start-url="${m.startUrl}" data-csrf-token="${m.csrfToken}">
<h2 id="handoff-heading">Use your phone instead</h2>
<p>No camera here, or a better one on your phone? Scan a code with your phone and take the photo there. This page
finishes the sign-in.</p>
<button id="handoff-start" type="button" class="secondary">Use your phone</button>
<div id="handoff-panel" hidden>
<img id="handoff-qr" width="220" height="220" alt="QR code that opens this verification on your phone">
<p>Your phone will show this code: <strong id="handoff-code" class="handoff-code"></strong>. Continue on the phone
only if the codes match, and only if you started this sign-in yourself.</p>
</div>
<p id="handoff-status" role="status" aria-live="polite"></p>
<form id="handoff-complete" method="post" hidden>
<input type="hidden" name="csrf" value="${m.csrfToken}">
</form>
<script src="${m.staticPath}/handoff.js" defer></script>
</section>`;
}
