// Headless Chromium for the capture page: a browser whose fake camera plays an MJPEG file (Chromium's
// --use-file-for-fake-video-capture), and a "round" that starts at "Entra" (intercepted at its host:
// nothing leaves the machine), which auto-POSTs the EAM request to the appliance like the real one, and
// catches the form_post that comes back to Entra's redirect_uri.
import type { Test } from 'tap';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { escapeHtml } from '../../src/pages/html.js';
import type { VerificationTestApp } from './verification-test-app.js';

export const ENTRA = 'https://login.microsoftonline.com';
export const REDIRECT_PATH = '/common/federation/externalauthprovider';

export const LAPTOP = { width: 1366, height: 768 };
export const PHONE = { width: 390, height: 844 };

export interface Round {
  page: Page;
  request: Record<string, string>;
  /** Resolves with the form fields Entra's redirect endpoint received. */
  postBack: Promise<Record<string, string>>;
  /** Console errors seen so far (CSP violations show here). */
  consoleErrors: string[];
}

/** A browser whose camera plays `mjpeg` (a file's bytes); without one, Chromium's own fake pattern. */
export async function launchWithCamera(t: Test, mjpeg: Buffer | null): Promise<Browser> {
  return mjpeg ? (await launchWithCameraFile(t, mjpeg)).browser : launchChromium(t, null);
}

/**
 * A browser whose camera plays the file at `cameraFile`, holding `placeholder` until the test replaces
 * it. Chromium lists the camera (enumerateDevices) only if the file exists at launch, but reads the
 * file afresh each time capture starts (getUserMedia): a test can write the clip after the page has
 * loaded and before the person starts the camera (test/e2e/remote-liveness-browser.test.ts relies on it).
 */
export async function launchWithCameraFile(t: Test, placeholder: Buffer): Promise<{ browser: Browser; cameraFile: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'proofgate-e2e-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const cameraFile = path.join(dir, 'camera.mjpeg');
  writeFileSync(cameraFile, placeholder);
  return { browser: await launchChromium(t, cameraFile), cameraFile };
}

async function launchChromium(t: Test, cameraFile: string | null): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
      ...(cameraFile ? [`--use-file-for-fake-video-capture=${cameraFile}`] : []),
    ],
  });
  t.teardown(() => browser.close());
  return browser;
}

export interface RoundOptions extends BrowserContextOptions {
  /** Runs in the page before its scripts (e.g. to take the camera API away). */
  initScript?: string;
  /** Installs Playwright's fake clock before the page loads (to run the page's expiry timer). */
  fakeClock?: boolean;
  /** Runs on the new page before it goes to "Entra" (e.g. to expose functions its init script calls). */
  beforeLoad?: (page: Page) => Promise<void>;
}

/** Opens a page at "Entra", which auto-submits the EAM request to proofgate like the real one does. */
export async function startRound(browser: Browser, app: VerificationTestApp, opts: RoundOptions = {}): Promise<Round> {
  const { initScript, fakeClock, beforeLoad, ...contextOptions } = opts;
  const context = await browser.newContext({ viewport: { width: 900, height: 1100 }, ...contextOptions });
  const page = await context.newPage();
  if (beforeLoad) await beforeLoad(page);
  if (initScript) await page.addInitScript(initScript);
  if (fakeClock) await page.clock.install();
  const request = await app.entra.request();
  const consoleErrors: string[] = [];
  let deliver!: (fields: Record<string, string>) => void;
  let trail = '';
  // A broken flow fails here with a message instead of hanging until tap's file timeout.
  const postBack = new Promise<Record<string, string>>((resolve, reject) => {
    deliver = resolve;
    setTimeout(() => reject(new Error(`no form_post reached Entra within 90 s; page trail: ${trail}`)), 90_000).unref();
  });
  // Rounds that never go back to Entra (a page only looked at) must not fail the file later: only an
  // awaited post-back reports the timeout.
  postBack.catch(() => undefined);
  page.on('console', (m) => {
    if (m.type() === 'error') {
      consoleErrors.push(m.text());
      trail += ` [console: ${m.text()}]`;
    }
  });
  page.on('framenavigated', (f) => { if (f === page.mainFrame()) trail += ` [at ${f.url()}]`; });
  await routeSimulatedEntra(page, app, request, deliver);
  await page.goto(`${ENTRA}/eam-test/start`);
  await page.locator('#verify').waitFor();
  return { page, request, postBack, consoleErrors };
}

/** Whether the element's box lies wholly inside the viewport as the page first shows it (no scrolling). */
/**
 * "Entra" on the page's routes, nothing leaving the machine: its start page auto-posts `request` to the
 * app's /oidc/authorize as the real one does, and the form_post to the EAM redirect endpoint is handed to
 * `deliver` and answered with a "Back at Entra" page.
 */
export async function routeSimulatedEntra(page: Page, app: VerificationTestApp, request: Record<string, string>, deliver: (fields: Record<string, string>) => void): Promise<void> {
  await page.route(`${ENTRA}/**`, async (route) => {
    const url = new URL(route.request().url());
    if (route.request().method() === 'POST' && url.pathname === REDIRECT_PATH) {
      deliver(Object.fromEntries(new URLSearchParams(route.request().postData() ?? '')));
      await route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>Entra</title><p id="entra-done">Back at Entra</p>' });
      return;
    }
    const inputs = Object.entries(request).map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`).join('');
    await route.fulfill({
      status: 200, contentType: 'text/html',
      body: `<!doctype html><title>Entra</title><form id="f" method="post" action="${escapeHtml(`${app.issuer}/oidc/authorize`)}">${inputs}</form>
<script>document.getElementById('f').submit();</script>`,
    });
  });
}

export async function aboveTheFold(page: Page, selector: string): Promise<{ inside: boolean; box: string }> {
  const box = await page.locator(selector).boundingBox();
  const viewport = page.viewportSize()!;
  if (!box) return { inside: false, box: 'not visible' };
  const scrollY = await page.evaluate(() => window.scrollY);
  const top = box.y + scrollY;
  const inside = top >= 0 && top + box.height <= viewport.height && box.x >= 0 && box.x + box.width <= viewport.width;
  return { inside, box: `${Math.round(box.x)},${Math.round(top)} ${Math.round(box.width)}x${Math.round(box.height)} in ${viewport.width}x${viewport.height}` };
}
