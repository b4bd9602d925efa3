// The phone hand-off in headless Chromium with two browser contexts: a laptop (1366×768) where "Entra"
// (intercepted at login.microsoftonline.com) opens the capture page, and a phone (390×844, mobile, touch)
// that opens the QR code's link, shows the same code, is confirmed, and takes the photo with Chromium's
// fake camera. The laptop follows over SSE and posts the form_post to "Entra" itself; its id_token is
// verified with jose against our JWKS. Real parts: Chromium, SQLite on disk, SoftHSM (signing and
// evidence wrapping), the evidence cipher and the face engine with the built models.
import t, { type Test } from 'tap';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { projectRoot } from '../../src/core/project-root.js';
import { escapeHtml } from '../../src/pages/html.js';
import { enrolFromReferencePhoto } from '../../src/verification/flow/enrol-from-reference-photo.js';
import { faceJpeg, mjpegOf } from '../helpers/face-photos.js';
import { startVerificationTestApp } from '../helpers/verification-test-app.js';
import { e2eFaceEngine } from '../helpers/e2e-face-engine.js';
import { createTestToken } from '../helpers/softhsm.js';
import { initHsm } from '../../src/hsm/init-token.js';
import { openApplianceHsm } from '../../src/hsm/open-hsm.js';

const token = await createTestToken();
await initHsm(token.hsmConfig, token.dir);
const hsm = await openApplianceHsm(token.hsmConfig, token.dir);
t.teardown(async () => {
  await hsm.close();
  await token.cleanup();
});

const ENTRA = 'https://login.microsoftonline.com';
const REDIRECT_PATH = '/common/federation/externalauthprovider';
const OUT = path.join(projectRoot, 'out');

async function launchWithCamera(t: Test): Promise<Browser> {
  const dir = mkdtempSync(path.join(tmpdir(), 'proofgate-handoff-e2e-'));
  const camera = path.join(dir, 'camera.mjpeg');
  writeFileSync(camera, mjpegOf(faceJpeg('personA', { width: 640, height: 480, zoom: 1.5, dx: 12, dy: 8, quality: 85 }), 10));
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
      `--use-file-for-fake-video-capture=${camera}`,
    ],
  });
  t.teardown(async () => {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return browser;
}

// The fake camera plays a still photo, which no browser liveness can pass: the decision here runs the
// supervised-pilot setting (liveness.policy.withoutDepth 'accept-risk'), as browser-flow.test.ts does.
const ACCEPT_RISK = { policy: { withoutDepth: 'accept-risk' } };

t.test('the phone takes the photo, the laptop posts the verified id_token to Entra', async (t) => {
  const app = await startVerificationTestApp(t, {
    faceEngine: await e2eFaceEngine(), keyRing: hsm.keyRing, dataKeyWrapper: hsm.dataKeyWrapper,
    config: { verification: { captureCountdownSeconds: 1 }, liveness: ACCEPT_RISK },
  });
  await enrolFromReferencePhoto(
    { repo: app.repository, audit: app.auditTrail, faceEngine: await e2eFaceEngine(), quality: app.config.verification.quality, maxImageBytes: app.config.server.maxImageBytes },
    { tid: app.entra.tid, oid: app.entra.oid, upn: 'ada@contoso.example', photo: faceJpeg('personA', { width: 480, height: 480 }), attestedBy: 'e2e-desk-officer' },
  );
  const browser = await launchWithCamera(t);
  mkdirSync(OUT, { recursive: true });

  // ---- the laptop, at "Entra", which auto-posts its request to /oidc/authorize
  const laptopContext: BrowserContext = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  const laptop = await laptopContext.newPage();
  const request = await app.entra.request();
  let deliver!: (fields: Record<string, string>) => void;
  const postBack = new Promise<Record<string, string>>((resolve, reject) => {
    deliver = resolve;
    setTimeout(() => reject(new Error('no form_post reached Entra within 90 s')), 90_000).unref();
  });
  const laptopRequests: string[] = [];
  laptop.on('request', (r) => laptopRequests.push(`${r.method()} ${new URL(r.url()).pathname}`));
  await laptop.route(`${ENTRA}/**`, async (route) => {
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
  await laptop.goto(`${ENTRA}/eam-test/start`);
  const start = laptop.locator('#handoff-start');
  await start.waitFor({ state: 'visible' });
  const issued = laptop.waitForResponse((r) => r.request().method() === 'POST' && /\/handoff$/.test(new URL(r.url()).pathname));
  await start.click();
  const { url: link, code } = (await (await issued).json()) as { url: string; code: string };
  await laptop.waitForFunction(() => (document.getElementById('handoff-qr') as HTMLImageElement).naturalWidth > 0);
  t.pass('the QR code image renders under the page\'s CSP');
  const laptopCode = await laptop.locator('#handoff-code').textContent();
  t.equal(laptopCode, code, 'the laptop shows the code');
  t.match(await laptop.locator('#handoff-status').textContent(), /Scan the QR code/);
  await laptop.screenshot({ path: path.join(OUT, 'handoff-laptop.png'), fullPage: true });

  // ---- the phone opens the link (as scanning the QR code would)
  const phoneContext = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 3 });
  const phone = await phoneContext.newPage();
  await phone.goto(link);
  t.equal(await phone.locator('#handoff-phone-code').textContent(), laptopCode, 'the phone shows the same code');
  t.match(await phone.locator('main').textContent(), /ada@contoso\.example/, 'and the account');
  t.equal(await phone.locator('#take-photo').count(), 0, 'no camera before the code is confirmed');
  await laptop.waitForFunction(() => document.getElementById('handoff')!.dataset.state === 'opened');
  t.pass('the laptop sees the phone open the link');
  await phone.screenshot({ path: path.join(OUT, 'handoff-phone-confirm.png'), fullPage: true });

  // A second phone with the same link is refused.
  const otherPhone = await (await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })).newPage();
  const second = await otherPhone.goto(link);
  t.equal(second?.status(), 404, 'a second phone is refused');
  t.match(await otherPhone.locator('h1').textContent(), /This link cannot be used/);

  await phone.locator('#handoff-confirm-yes').tap();
  await phone.waitForFunction(() => !(document.getElementById('take-photo') as HTMLButtonElement | null)?.disabled, null, { timeout: 20_000 });
  await phone.waitForFunction(() => (document.getElementById('preview') as HTMLVideoElement).videoWidth > 0);
  await laptop.waitForFunction(() => document.getElementById('handoff')!.dataset.state === 'confirmed');
  await phone.screenshot({ path: path.join(OUT, 'handoff-phone-capture.png'), fullPage: true });
  await phone.locator('#take-photo').tap();

  const fields = await postBack;
  t.same(Object.keys(fields).sort(), ['id_token', 'state'], 'the laptop posted id_token and state to Entra');
  t.equal(fields.state, request.state);
  const claims = await app.verifyIdToken(fields.id_token);
  t.equal(claims.sub, app.entra.sub, 'the id_token verifies: sub is the hint sub');
  t.equal(claims.nonce, request.nonce);
  await laptop.locator('#entra-done').waitFor();
  await phone.waitForFunction(() => /Go back to your computer/.test(document.body.textContent ?? ''), null, { timeout: 10_000 });
  t.pass('the phone says go back to the computer');
  await phone.screenshot({ path: path.join(OUT, 'handoff-phone-done.png'), fullPage: true });
  t.ok(laptopRequests.some((r) => /^GET \/verify\/[^/]+\/handoff\/[^/]+\/events$/.test(r)), 'the laptop followed over SSE');
  const audit = app.repository.lastAuditRecord()!;
  t.match(audit, { flow: 'returning', decision: 'verified' });
  t.match(audit.checks.find((c) => c.name === 'face-match'), { outcome: 'pass' });
  t.match(audit.checks.find((c) => c.name === 'phone-handoff'), { outcome: 'pass' });
});
