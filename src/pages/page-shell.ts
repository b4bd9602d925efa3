// The shell every verification page shares: document head with the self-hosted stylesheet and script,
// and the response headers that lock the page down (CSP: scripts and styles from this origin only, no
// inline script, forms only to this origin and to Entra's redirect origin).
import type { Response } from 'express';
import { html, type SafeHtml } from './html.js';

export interface PageShell {
  title: string;
  /** The page's language (<html lang>), the one its messages were taken from. */
  language: string;
  /** Path under which src/pages/static is served, e.g. "/eam/static" (no trailing slash). */
  staticPath: string;
  /** Origin the page may post its result form to (the session's redirect_uri origin). */
  formTargetOrigin: string;
  /** Whether the page loads the capture script (pages without a camera need none). */
  withScript: boolean;
  /** Further scripts from staticPath, by file name (e.g. the phone hand-off's "handoff.js"). */
  extraScripts?: readonly string[];
  body: SafeHtml;
  /** Origins the page's scripts may call besides its own (the station's kiosk agent on loopback). */
  connectOrigins?: readonly string[];
}

export function renderPage(page: PageShell): string {
  return html`<!doctype html>
<html lang="${page.language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${page.title}</title>
<link rel="stylesheet" href="${page.staticPath}/verify.css">
${page.withScript ? html`<script src="${page.staticPath}/capture.js" defer></script>` : ''}
${(page.extraScripts ?? []).map((name) => html`<script src="${page.staticPath}/${name}" defer></script>`)}
</head>
<body>
${page.body}
</body>
</html>
`.value;
}

export function contentSecurityPolicy(formTargetOrigin: string, connectOrigins: readonly string[] = []): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' blob: data:",
    "media-src 'self' blob: mediastream:",
    ["connect-src 'self'", ...connectOrigins].join(' '),
    `form-action 'self' ${formTargetOrigin}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

/** Sends a rendered page with the headers above; nothing about a verification page may be cached. */
export function sendPage(res: Response, page: PageShell, status = 200): void {
  res.status(status);
  res.setHeader('Content-Security-Policy', contentSecurityPolicy(page.formTargetOrigin, page.connectOrigins));
  res.setHeader('Permissions-Policy', 'camera=(self), microphone=(), geolocation=()');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Pragma', 'no-cache');
  res.type('html').send(renderPage(page));
}
