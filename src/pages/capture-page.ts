// The returning-user capture page. Top of the page, above the fold on a laptop (1366×768) and a phone
// (390×844): the title, the status line (read out by screen readers) and the one primary action. Before
// the camera starts it says what will be asked (the photo, then the challenge steps with their arrows)
// and shows the consent/privacy notice; with verification.page.consentRequired the camera starts only
// when the person agrees. When the policy needs what no browser has (requiredTier 'kiosk-depth'), the
// page says so before any photo and offers the phone hand-off (its slot) or a kiosk. A still-photo upload
// is offered only where the policy can accept a still. Behaviour lives in static/capture.js; everything
// it needs, the messages in the person's language included, arrives in data-* attributes (escaped).
import { html, type SafeHtml } from './html.js';
import { fillMessage } from './messages/fill-message.js';
import type { Language, MessageCatalogue } from './messages/messages.js';
import { stepDirection, stepIcon } from './step-icons.js';

/** The assurance tier the flow's policy requires (contract of src/liveness/assurance-tier.ts). */
export type RequiredTier = 'kiosk-depth' | 'remote-active' | 'none';

export interface CaptureChallengeStep {
  kind: string;
  /** The instruction in the page's language. */
  text: string;
}

export interface CapturePageModel {
  language: Language;
  messages: MessageCatalogue;
  /** Who Entra says is signing in (the hint's preferred_username or upn); shown, never trusted. */
  accountLabel: string;
  captureUrl: string;
  cancelUrl: string;
  csrfToken: string;
  /** Most seconds the page waits for a steady picture before it takes the photo anyway (0: no limit). */
  maxWaitSeconds: number;
  maxImageBytes: number;
  /** The nonce every liveness capture of this session carries (depth meta, challenge frames). */
  challengeNonce: string;
  /** Server clock at render (ms): the page stamps frames on this clock, whatever the device's says. */
  serverTime: number;
  /** When the session expires (server clock, ms): the page then hands the person back to sign-in. */
  expiresAt: number;
  /** What the flow's policy requires: 'kiosk-depth' cannot be met by any browser. */
  requiredTier: RequiredTier;
  consent: { notice: string | null; required: boolean };
  /** Set when the page films the active challenge: the steps, shown one after the other, stepMs each. */
  challenge: { steps: CaptureChallengeStep[]; stepMs: number; frames: number; intervalMs: number } | null;
  /** Whether the policy can accept a still photo (then, and only then, an upload is offered). */
  acceptsStill: boolean;
  /** The phone hand-off's own fragment (rendered by its module), or nothing. */
  handoff?: SafeHtml;
}

export const ACCEPTED_UPLOAD_TYPES = 'image/jpeg,image/png,image/webp';

function stepsList(m: CapturePageModel): SafeHtml {
  const t = m.messages;
  const c = m.challenge;
  const steps = c ? c.steps.map((s) => {
    const d = stepDirection(s.kind);
    return html`<li class="step" data-kind="${s.kind}">${d ? stepIcon(d) : ''}<span>${s.text}</span></li>`;
  }) : [];
  return html`<ol id="steps" class="steps">
<li>${t['capture.stepPhoto']}</li>
${c ? html`<li>${t['capture.stepChallenge']}<ol class="challenge-steps">${steps}</ol></li>` : ''}
</ol>`;
}

/** Cancel; on the refusal page it is the one action left, so it is drawn as the primary one. */
function cancelForm(m: CapturePageModel, role: 'primary' | 'secondary' = 'secondary'): SafeHtml {
  return html`<form id="cancel-form" method="post" action="${m.cancelUrl}">
<input type="hidden" name="csrf" value="${m.csrfToken}">
<button id="cancel" type="submit" class="${role}">${m.messages['capture.cancel']}</button>
</form>`;
}

/** The device cannot meet the policy: no camera, no photo; the phone or a kiosk instead. */
function cannotUseSection(m: CapturePageModel, reason: 'policy' | 'camera'): SafeHtml {
  const t = m.messages;
  return html`<section id="cannot-use" class="cannot" aria-label="${t['capture.cannotHeading']}"${reason === 'camera' ? html` hidden` : ''}>
<p id="cannot-reason">${reason === 'policy' ? t['capture.cannotPolicy'] : t['capture.cannotCamera']}</p>
<p>${t['capture.alternatives']}</p>
</section>`;
}

function uploadSection(m: CapturePageModel): SafeHtml {
  const t = m.messages;
  return html`<section id="upload" aria-labelledby="upload-heading">
<h2 id="upload-heading">${t['capture.uploadHeading']}</h2>
<label for="photo-file">${t['capture.uploadLabel']}</label>
<input id="photo-file" name="photo" type="file" accept="${ACCEPTED_UPLOAD_TYPES}" capture="user">
<button id="send-photo" type="button">${t['capture.uploadButton']}</button>
</section>`;
}

export function capturePageBody(m: CapturePageModel): SafeHtml {
  const t = m.messages;
  const account = html`<strong>${m.accountLabel}</strong>`;
  if (m.requiredTier === 'kiosk-depth') {
    return html`<main id="verify" class="card capture" data-expires-at="${m.expiresAt}" data-server-time="${m.serverTime}" data-messages="${JSON.stringify(t)}">
<h1>${t['capture.title']}</h1>
<p id="status" class="status" role="status" aria-live="polite">${t['capture.cannotHeading']}.</p>
<div class="actions">${cancelForm(m, 'primary')}</div>
${cannotUseSection(m, 'policy')}
<div id="handoff-slot">${m.handoff ?? ''}</div>
<p class="intro">${fillMessage(t['capture.intro'], { account })}</p>
</main>`;
  }
  const c = m.challenge;
  const notice = m.consent.notice ?? t['capture.consentDefault'];
  const startLabel = m.consent.required ? t['capture.consentButton'] : t['capture.startButton'];
  return html`<main id="verify" class="card capture"
  data-capture-url="${m.captureUrl}" data-csrf-token="${m.csrfToken}"
  data-max-wait-seconds="${m.maxWaitSeconds}" data-max-image-bytes="${m.maxImageBytes}"
  data-challenge-nonce="${m.challengeNonce}" data-server-time="${m.serverTime}" data-expires-at="${m.expiresAt}"
  data-consent-required="${m.consent.required ? 'true' : 'false'}" data-accepts-still="${m.acceptsStill ? 'true' : 'false'}"
  ${c ? html`data-challenge="${JSON.stringify(c)}"` : ''}
  data-messages="${JSON.stringify(t)}">
<h1>${t['capture.title']}</h1>
<p id="status" class="status" role="status" aria-live="polite">${m.consent.required ? fillMessage(t['status.readFirst'], { button: startLabel }) : t['status.starting']}</p>
<section id="before-camera" aria-labelledby="steps-heading">
<h2 id="steps-heading">${t['capture.stepsHeading']}</h2>
${stepsList(m)}
<h2 id="consent-heading">${t['capture.consentHeading']}</h2>
<p id="consent-notice" class="notice">${notice}</p>
</section>
<div class="actions">
<button id="start-camera" type="button" class="primary">${startLabel}</button>
<button id="take-photo" type="button" class="primary" hidden>${t['capture.takePhoto']}</button>
<button id="return-to-sign-in" type="button" class="primary" hidden>${t['capture.returnButton']}</button>
${cancelForm(m)}
</div>
<div id="stage" class="stage" hidden>
<div class="preview-frame">
<video id="preview" autoplay muted playsinline aria-label="${t['capture.previewLabel']}"></video>
<div id="cue" class="cue" aria-hidden="true" hidden><span id="cue-icon" class="cue-icon"></span><span id="cue-text" class="cue-text"></span></div>
</div>
</div>
${cannotUseSection(m, 'camera')}
<div id="handoff-slot">${m.handoff ?? ''}</div>
${m.acceptsStill ? uploadSection(m) : html`<p class="hint">${t['capture.liveOnly']}</p>`}
<p class="intro">${fillMessage(t['capture.intro'], { account })}</p>
</main>`;
}
