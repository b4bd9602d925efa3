// The person's side of a verification request: the link's landing page (a Start button: a chat app's link
// preview fetches the page but never presses it), the short-code page, "go to a kiosk" for an account with no
// verified photo, the one page for every refused link or code, and the end page the capture page posts to.
import { html, type SafeHtml } from '../pages/html.js';

export function landingBody(m: { accountLabel: string; startUrl: string }): SafeHtml {
  return html`<main class="card" id="request-landing">
<h1>Confirm it is you</h1>
<p>Your help desk asked you to verify that you own <strong>${m.accountLabel}</strong>. You will look into your camera for a few seconds
and follow two short movements. Use this link only if you asked the help desk for help yourself.</p>
<form method="post" action="${m.startUrl}"><button id="request-start" type="submit">Start</button></form>
</main>`;
}

export function codeBody(m: { actionUrl: string; codeLength: number }): SafeHtml {
  return html`<main class="card" id="request-code-entry">
<h1>Verify with a code</h1>
<p>Type the account name the help desk verifies and the ${m.codeLength}-digit code they gave you.</p>
<form method="post" action="${m.actionUrl}">
<label for="upn">Account (name@domain)</label><input id="upn" name="upn" type="text" maxlength="256" autocomplete="username" required>
<label for="code">Code</label><input id="code" name="code" type="text" inputmode="numeric" maxlength="${m.codeLength}" autocomplete="one-time-code" required>
<button id="request-code-submit" type="submit">Continue</button>
</form>
</main>`;
}

export function kioskBody(accountLabel: string): SafeHtml {
  return html`<main class="card" id="request-kiosk">
<h1>Go to a verification kiosk</h1>
<p>There is no verified photo on record for <strong>${accountLabel}</strong> yet, so this cannot be done remotely. Go to a verification
kiosk with your identity document; the help desk can tell you where one is.</p>
</main>`;
}

export function refusedBody(): SafeHtml {
  return html`<main class="card" id="request-refused">
<h1>This link or code cannot be used</h1>
<p>It may have expired, been used already, or been cancelled. Ask your help desk for a new one.</p>
</main>`;
}

export function doneBody(reference: string | null, extras: SafeHtml | null = null): SafeHtml {
  return html`<main class="card" id="request-done">
<h1>Done</h1>
<p id="status" class="status" role="status">Done — you can tell the agent. They see the result.${reference ? html` Reference <strong>${reference}</strong>.` : ''}</p>
${extras ?? ''}
</main>`;
}
