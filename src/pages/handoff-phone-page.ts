// The phone side of the hand-off. The phone opened a one-time link from the computer's QR code and is
// bound to that verification by its own cookie. Before any camera starts it shows the account and the
// six-digit code and asks the person to confirm that the code matches the one on their computer and that
// they started this sign-in themselves: a QR code relayed by a phisher then shows a code that matches no
// screen in front of the victim. After confirming, the phone gets the capture page (capturePageBody, with
// its own capture and cancel URLs) plus the status fragment below, which ends the page when the computer
// cancels or the verification ends.
import { html, type SafeHtml } from './html.js';

export interface HandoffConfirmModel {
  accountLabel: string;
  code: string;
  confirmUrl: string;
  cancelUrl: string;
  csrfToken: string;
}

export function handoffConfirmBody(m: HandoffConfirmModel): SafeHtml {
  return html`<main id="handoff-confirm" class="card">
<h1>Check the code first</h1>
<p>Someone asked to verify <strong>${m.accountLabel}</strong> with this phone. The computer where that sign-in started
shows a code. This phone shows:</p>
<p class="handoff-code-large"><strong id="handoff-phone-code">${m.code}</strong></p>
<p><strong>Continue only if</strong> the same code is on your computer's screen right now <strong>and</strong> you started
this sign-in yourself. If someone sent you this code or link, or asked you to scan it, stop: they may be trying to use
your face to sign in as you.</p>
<form method="post" action="${m.confirmUrl}">
<input type="hidden" name="csrf" value="${m.csrfToken}">
<button id="handoff-confirm-yes" type="submit">The codes match and I started this</button>
</form>
<form method="post" action="${m.cancelUrl}">
<input type="hidden" name="csrf" value="${m.csrfToken}">
<button id="handoff-confirm-no" type="submit" class="secondary">They do not match: stop</button>
</form>
</main>`;
}

/** Follows the verification while the phone shows the capture page (static/handoff-phone.js). */
export function handoffPhoneStatus(statusUrl: string, staticPath: string): SafeHtml {
  return html`<section id="handoff-phone" class="card" data-status-url="${statusUrl}" hidden>
<h1 id="handoff-phone-heading">Done</h1>
<p id="handoff-phone-message" role="status" aria-live="polite"></p>
</section>
<script src="${staticPath}/handoff-phone.js" defer></script>`;
}

/** The end of the hand-off on the phone: done, stopped, or a link that cannot be used. */
export function handoffEndBody(kind: 'done' | 'stopped' | 'refused'): SafeHtml {
  const text = {
    done: ['Done', 'Go back to your computer: it finishes the sign-in. You can close this page.'],
    stopped: ['Stopped', 'Nothing was verified. Go back to your computer to start again, or close this page.'],
    refused: ['This link cannot be used', 'The link has already been used, has expired, or this verification has ended. '
      + 'On your computer, choose "Use your phone" again for a new code.'],
  }[kind];
  return html`<main id="handoff-end" class="card" data-end="${kind}">
<h1>${text[0]}</h1>
<p id="status" class="status" role="status">${text[1]}</p>
</main>`;
}
