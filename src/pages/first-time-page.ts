// Shown when the account has no biometric profile yet. Self-service enrolment needs document
// verification, which this appliance does not offer yet, so the only way on is to cancel (Entra then
// gets access_denied) and enrol in person with staff.
import { html, type SafeHtml } from './html.js';

export interface FirstTimePageModel {
  accountLabel: string;
  cancelUrl: string;
  csrfToken: string;
}

export function firstTimePageBody(m: FirstTimePageModel): SafeHtml {
  return html`<main id="verify" class="card">
<h1>Identity verification is not set up for this account</h1>
<p>No verified photo is on record for <strong>${m.accountLabel}</strong>.</p>
<p id="status" class="status" role="status">First-time self-service enrolment requires document verification,
which is not available on this appliance yet. Please ask your IT service desk to enrol you in person;
they will check your identity document and take your reference photo.</p>
<form id="cancel-form" method="post" action="${m.cancelUrl}">
<input type="hidden" name="csrf" value="${m.csrfToken}">
<button id="cancel" type="submit">Cancel and return to sign-in</button>
</form>
</main>`;
}
