// The first-time page in headless Chromium with document verification wired: what the person reads,
// keyboard-only Cancel (Tab to the one control, Enter), and the access_denied form_post that reaches
// "Entra" (intercepted at its host: nothing leaves the machine). The page has no script; the kiosk's
// software reads the data-* attributes and posts the envelope (first-time-flow.test.ts).
import t from 'tap';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { projectRoot } from '../../src/core/project-root.js';
import { escapeHtml } from '../../src/pages/html.js';
import { DocumentsInspector } from '../../src/verification/first-time/document-inspector.js';
import { buildConfig } from '../../src/config/index.js';
import { RecordedFaceAnalyzer, embedding, oneFace } from '../helpers/recorded-face-analyzer.js';
import { HOLDER_CLAIMS } from '../helpers/first-time-fixtures.js';
import { startVerificationTestApp } from '../helpers/verification-test-app.js';

const ENTRA = 'https://login.microsoftonline.com';
const REDIRECT_PATH = '/common/federation/externalauthprovider';

t.test('kiosk first-time page: readable steps, keyboard Cancel posts access_denied to Entra', async (t) => {
  // No capture is judged here: the face analyzer is never called.
  // No station path (verification.kiosk.agentOrigin null): the page as a browser without an agent shows it
  // (the station path is test/e2e/kiosk-browser.test.ts).
  const app = await startVerificationTestApp(t, {
    faceEngine: new RecordedFaceAnalyzer([oneFace(embedding(1))]), documents: await DocumentsInspector.load(buildConfig({}).documents),
    config: { verification: { kiosk: { agentOrigin: null } } },
  });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  t.teardown(() => browser.close());
  const page = await (await browser.newContext({ viewport: { width: 900, height: 1100 } })).newPage();
  const consoleErrors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  const request = await app.entra.request({ hint: await app.entra.mintHint({ claims: HOLDER_CLAIMS }) });
  let deliver!: (fields: Record<string, string>) => void;
  const postBack = new Promise<Record<string, string>>((resolve, reject) => {
    deliver = resolve;
    setTimeout(() => reject(new Error('no form_post reached Entra within 60 s')), 60_000).unref();
  });
  await page.route(`${ENTRA}/**`, async (route) => {
    const url = new URL(route.request().url());
    if (route.request().method() === 'POST' && url.pathname === REDIRECT_PATH) {
      deliver(Object.fromEntries(new URLSearchParams(route.request().postData() ?? '')));
      await route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>Entra</title><p>Back at Entra</p>' });
      return;
    }
    const inputs = Object.entries(request).map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`).join('');
    await route.fulfill({
      status: 200, contentType: 'text/html',
      body: `<!doctype html><title>Entra</title><form id="f" method="post" action="${escapeHtml(`${app.issuer}/oidc/authorize`)}">${inputs}</form><script>document.getElementById('f').submit();</script>`,
    });
  });
  await page.goto(`${ENTRA}/eam-test/start`);
  await page.locator('h1').waitFor();
  t.equal(await page.locator('h1').textContent(), 'Verify your identity with your identity document');
  t.equal(await page.title(), 'Verify your identity');
  t.equal(await page.locator('ol > li').count(), 2, 'two steps: document, then selfie');
  t.match(await page.locator('[role="status"]').textContent(), /This device has no document scanner/);
  t.equal(await page.locator('button, input:not([type="hidden"]), a[href]').count(), 1, 'Cancel is the only control');
  mkdirSync(path.join(projectRoot, 'out'), { recursive: true });
  await page.screenshot({ path: path.join(projectRoot, 'out', 'first-time-kiosk-page.png'), fullPage: true });

  await page.keyboard.press('Tab');
  t.equal(await page.evaluate(() => document.activeElement?.id), 'cancel', 'Tab reaches Cancel');
  await page.keyboard.press('Enter');
  const fields = await postBack;
  t.same(fields, { error: 'access_denied', error_description: 'the person cancelled verification', state: request.state });
  t.match(app.repository.lastAuditRecord(), { flow: 'first-time', decision: 'denied', checks: [{ name: 'user-cancel' }] });
  t.same(consoleErrors, [], 'no console errors (CSP included)');
});
