// The form_post page in headless Chromium: it submits itself under its CSP, and without JavaScript the
// visible button posts the same fields. Entra's host is intercepted, so nothing leaves the machine.
import t from 'tap';
import { chromium, type BrowserContext } from 'playwright-core';
import { startOidcTestApp } from '../helpers/oidc-test-app.js';

const ENTRA_REDIRECT = 'https://login.microsoftonline.com/common/federation/externalauthprovider';

async function catchPostBack(context: BrowserContext): Promise<{ received: Promise<Record<string, string>> }> {
  let deliver!: (fields: Record<string, string>) => void;
  const received = new Promise<Record<string, string>>((resolve) => { deliver = resolve; });
  await context.route('https://login.microsoftonline.com/**', async (route) => {
    if (route.request().method() === 'POST' && route.request().url() === ENTRA_REDIRECT) {
      deliver(Object.fromEntries(new URLSearchParams(route.request().postData() ?? '')));
    }
    await route.fulfill({ status: 200, contentType: 'text/html', body: '<p>entra</p>' });
  });
  return { received }; // wrapped: an async function returning a promise would wait for it
}

t.test('the post-back page submits itself (JS) or by its button (no JS) with the exact fields', async (t) => {
  const app = await startOidcTestApp(t);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  t.teardown(() => browser.close());
  const state = 'st"<ate>&\'';

  for (const javaScriptEnabled of [true, false]) {
    const context = await browser.newContext({ javaScriptEnabled });
    const violations: string[] = [];
    const { received } = await catchPostBack(context);
    const page = await context.newPage();
    page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) violations.push(m.text()); });
    const fields = await app.entra.request({ state, fields: { nonce: null } }); // refused → error posted back
    // Entra's request is a browser form POST; built on a blank page (an https page posting to this
    // plain-http test server would stop at Chromium's insecure-form warning).
    await page.setContent(`<form id="f" method="post" action="${app.baseUrl}/oidc/authorize">${Object.entries(fields).map(([k, v]) =>
      `<input type="hidden" name="${k}" value="${v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')}">`).join('')}<button>go</button></form>`);
    await page.click('button');
    if (!javaScriptEnabled) {
      await page.waitForURL(`${app.baseUrl}/oidc/authorize`, { timeout: 15_000 });
      t.ok(await page.isVisible('button[type=submit]'), 'no JS: the Continue button is visible');
      await page.click('button[type=submit]');
    }
    const posted = await Promise.race([received, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no post-back within 15 s')), 15_000))]);
    t.same(posted, { error: 'access_denied', error_description: 'nonce is required', state }, `${javaScriptEnabled ? 'JS' : 'no JS'}: exact fields posted to Entra`);
    t.same(violations, [], 'no CSP violation');
    await context.close();
  }
});
