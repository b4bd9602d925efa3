// The returning-user capture page: camera preview with a countdown capture, the session's active
// challenge when the liveness policy relies on it (the instruction is shown and read out, and the page
// films a short sequence), a file-upload fallback where a still photo can be judged at all, a status
// line read out by screen readers, and a cancel button that returns access_denied to Entra.
// Behaviour lives in static/capture.js; everything it needs arrives in data-* attributes (escaped).
import { html, type SafeHtml } from './html.js';

export interface CapturePageModel {
  /** Who Entra says is signing in (the hint's preferred_username or upn); shown, never trusted. */
  accountLabel: string;
  captureUrl: string;
  cancelUrl: string;
  csrfToken: string;
  countdownSeconds: number;
  maxImageBytes: number;
  /** The nonce every liveness capture of this session carries (depth meta, challenge frames). */
  challengeNonce: string;
  /** Server clock at render (ms): the page stamps frames on this clock, whatever the device's says. */
  serverTime: number;
  /**
   * The liveness tier this flow requires (verification.assurance): 'kiosk-depth' is beyond any browser,
   * so the page says so before the camera starts; 'remote-active' films the challenge; 'none' films nothing.
   */
  requiredTier: 'kiosk-depth' | 'remote-active' | 'none';
  /** Set when the page must film the active challenge (the required tier is remote-active). */
  challenge: { instruction: string; frames: number; intervalMs: number } | null;
}

export const ACCEPTED_UPLOAD_TYPES = 'image/jpeg,image/png,image/webp';

export function capturePageBody(m: CapturePageModel): SafeHtml {
  const c = m.challenge;
  return html`<main id="verify" class="card"
  data-capture-url="${m.captureUrl}" data-csrf-token="${m.csrfToken}"
  data-countdown-seconds="${m.countdownSeconds}" data-max-image-bytes="${m.maxImageBytes}"
  data-challenge-nonce="${m.challengeNonce}" data-server-time="${m.serverTime}" data-required-tier="${m.requiredTier}"
  ${c ? html`data-challenge-instruction="${c.instruction}" data-challenge-frames="${c.frames}" data-challenge-interval-ms="${c.intervalMs}"` : ''}>
<h1>Confirm it is you</h1>
<p>Before security information is registered for <strong>${m.accountLabel}</strong>, take a photo of your face.
It is compared with the photo on record for this account, on this organisation's own server.</p>

<section aria-labelledby="camera-heading">
<h2 id="camera-heading">Use your camera</h2>
<div class="preview-frame">
<video id="preview" autoplay muted playsinline aria-label="Camera preview"></video>
<p id="countdown" class="countdown" aria-hidden="true"></p>
</div>
<p class="hint">Face the camera in good light, remove sunglasses, and keep your whole face in the frame.</p>
${c ? html`<p id="challenge-instruction" class="instruction">After the photo, keep your face in view and do this when asked: <strong>${c.instruction}</strong>.</p>` : ''}
<button id="take-photo" type="button" disabled>Take photo</button>
</section>
${c ? html`<p class="hint">This check needs a live camera: an uploaded photo cannot show that a person is present.</p>` : html`
<section aria-labelledby="upload-heading">
<h2 id="upload-heading">No camera? Upload a photo</h2>
<label for="photo-file">Photo of your face taken just now (JPEG, PNG or WebP)</label>
<input id="photo-file" name="photo" type="file" accept="${ACCEPTED_UPLOAD_TYPES}" capture="user">
<button id="send-photo" type="button">Send photo</button>
</section>`}

<p id="status" class="status" role="status" aria-live="polite">Starting the camera…</p>

<form id="cancel-form" method="post" action="${m.cancelUrl}">
<input type="hidden" name="csrf" value="${m.csrfToken}">
<button id="cancel" type="submit" class="secondary">Cancel</button>
</form>
</main>`;
}
