// The Temporary Access Pass as the verified person sees it, once, on the help desk's completion page: the
// pass in large monospace with a copy button (static/tap-once.js, loaded by the fragment itself: the CSP
// allows only the appliance's own scripts), how long it works, and that nobody else sees it. The page that
// carries it is sent through sendPage (src/pages/page-shell.ts: Cache-Control no-store, Pragma no-cache,
// Referrer-Policy no-referrer), so no browser, proxy or back button keeps a copy.
import { html, type SafeHtml } from './html.js';

export interface TapOnceModel {
  temporaryAccessPass: string;
  lifetimeInMinutes: number;
  isUsableOnce: boolean;
  /** ISO 8601, as Graph answered it. */
  startDateTime: string;
  /** Path under which src/pages/static is served (no trailing slash). */
  staticPath: string;
}

/** Headers for any response whose body holds a pass: never stored, never reused, never shown again. */
/** "45 minutes", "1 hour", "1 hour 30 minutes", "2 days". */
export function describeLifetime(minutes: number): string {
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (minutes % 1440 === 0) return plural(minutes / 1440, 'day');
  if (minutes < 60) return plural(minutes, 'minute');
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? plural(hours, 'hour') : `${plural(hours, 'hour')} ${plural(rest, 'minute')}`;
}

function startText(iso: string): string {
  const t = Date.parse(iso);
  return Number.isFinite(t) ? `${new Date(t).toISOString().slice(0, 16).replace('T', ' ')} UTC` : iso;
}

export function renderTapOnce(m: TapOnceModel): SafeHtml {
  return html`<section id="tap-once" class="tap-once" aria-labelledby="tap-once-heading">
<h2 id="tap-once-heading">Your Temporary Access Pass</h2>
<p>Use it to sign in to your account and set up a new passkey or authenticator.</p>
<p><code id="tap-once-code" class="tap-once-code" translate="no" spellcheck="false">${m.temporaryAccessPass}</code></p>
<p><button id="tap-once-copy" type="button" class="secondary" hidden>Copy</button>
<span id="tap-once-status" role="status" aria-live="polite"></span></p>
<p>It works for ${describeLifetime(m.lifetimeInMinutes)} from <time datetime="${m.startDateTime}">${startText(m.startDateTime)}</time>${m.isUsableOnce ? ', for one sign-in only' : ''}.</p>
<p class="tap-once-notice"><strong>This pass is shown once.</strong> The help desk cannot see it, and nobody can show it to you again:
write it down or copy it now, and do not tell it to anyone, including anyone who says they are from the help desk.</p>
<script src="${m.staticPath}/tap-once.js" defer></script>
</section>`;
}
