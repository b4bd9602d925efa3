// The icon for each challenge step, inline SVG (no external asset; the CSP allows no other origin).
// Arrows point the way the person turns AS SEEN IN THE MIRRORED PREVIEW: the preview is flipped like a
// mirror (verify.css, scaleX(-1)), so turning to your own left moves your face toward the screen's left,
// and "turn left" shows an arrow pointing left. The server's turn-left is the person's own left
// (src/liveness/landmark-motion.ts: yaw is measured on the unmirrored frame).
import { html, type SafeHtml } from './html.js';

export type StepDirection = 'left' | 'right' | 'up' | 'blink';

/** The direction icon of a challenge kind; unknown kinds (a newer server) get none rather than a wrong one. */
export function stepDirection(kind: string): StepDirection | null {
  switch (kind) {
    case 'turn-left': return 'left';
    case 'turn-right': return 'right';
    case 'look-up': return 'up';
    case 'blink': return 'blink';
    default: return null;
  }
}

// One arrow drawn pointing right; CSS rotates it for left and up (class arrow-left / arrow-up).
const ARROW = html`<path d="M10 40h46V20l32 28-32 28V56H10z"/>`;
const EYE = html`<path d="M48 24C26 24 10 48 10 48s16 24 38 24 38-24 38-24-16-24-38-24zm0 38a14 14 0 1 1 0-28 14 14 0 0 1 0 28z"/><path d="M14 78 82 18" class="blink-lid"/>`;

export function stepIcon(direction: StepDirection): SafeHtml {
  return html`<svg class="step-icon ${direction === 'blink' ? 'eye' : `arrow-${direction}`}" data-direction="${direction}" viewBox="0 0 96 96" width="96" height="96" aria-hidden="true" focusable="false">${direction === 'blink' ? EYE : ARROW}</svg>`;
}
