// The response_mode=form_post page: an HTML form that POSTs the result to Entra's redirect_uri. It
// submits itself through a CSP-nonced script and still works without JavaScript (a visible button).
import { randomBytes } from 'node:crypto';
import type { Response } from 'express';
import { escapeHtml, htmlPage } from '../pages/escape-html.js';

/** What goes back to Entra: the redirect_uri and the form fields (id_token or error, state when sent). */
export interface PostBack {
  redirectUri: string;
  fields: Record<string, string>;
}

/** Renders the auto-submitting page. Returns the HTML and the script nonce its CSP must allow. */
export function renderFormPost(postBack: PostBack): { html: string; scriptNonce: string } {
  const scriptNonce = randomBytes(16).toString('base64url');
  const inputs = Object.entries(postBack.fields)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n');
  const body = `<form method="post" action="${escapeHtml(postBack.redirectUri)}" id="post-back">
${inputs}
<p>Returning you to Microsoft sign-in.</p>
<button type="submit">Continue</button>
</form>`;
  const script = "document.getElementById('post-back').submit();";
  return { html: htmlPage('Returning to sign-in', body, { scriptNonce, script }), scriptNonce };
}

/** Sends the post-back page with a CSP that allows only its own script and a POST to the redirect_uri's origin. */
export function sendFormPost(res: Response, postBack: PostBack): void {
  const { html, scriptNonce } = renderFormPost(postBack);
  const target = new URL(postBack.redirectUri).origin;
  res.status(200);
  res.setHeader('Content-Security-Policy',
    `default-src 'none'; script-src 'nonce-${scriptNonce}'; form-action ${target}; frame-ancestors 'none'; base-uri 'none'`);
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Pragma', 'no-cache');
  res.type('html').send(html);
}
