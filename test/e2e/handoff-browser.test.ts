// The phone hand-off in headless Chromium with two browser contexts: a laptop (1366×768) where "Entra"
// (intercepted at login.microsoftonline.com) opens the capture page, and a phone (390×844, mobile, touch)
// that opens the QR code's link, shows the same code, is confirmed, and takes the photo with Chromium's
// fake camera. The laptop follows over SSE and posts the form_post to "Entra" itself; its id_token is
// verified with jose against our JWKS. Real parts: Chromium, SQLite on disk, SoftHSM (signing and
// evidence wrapping), the evidence cipher and the face engine with the built models.
import t, { type Test } from 'tap';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { projectRoot } from '../../src/core/project-root.js';
import { enrolFromReferencePhoto } from '../../src/verification/flow/enrol-from-reference-photo.js';
import { faceJpeg, mjpegOf } from '../helpers/face-photos.js';
import { ENTRA, launchWithCamera as launchWithCameraOf, routeSimulatedEntra } from '../helpers/capture-browser.js';
import { startVerificationTestApp, type VerificationTestApp } from '../helpers/verification-test-app.js';
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

const OUT = path.join(projectRoot, 'out');

/** The laptop and the phone share one browser, so one fake camera: a 640x480 webcam view of personA. */
function launchWithCamera(t: Test): Promise<Browser> {
  return launchWithCameraOf(t, mjpegOf(faceJpeg('personA', { width: 640, height: 480, zoom: 1.5, dx: 12, dy: 8, quality: 85 }), 10));
}

// The fake camera plays a still photo, which no browser liveness can pass: the decision here runs the
// supervised-pilot setting (verification.assurance returningUser 'none'), as browser-flow.test.ts does.
const ACCEPT_RISK = { returningUser: 'none' };


interface LaptopRound {
  laptop: Page;
  request: Record<string, string>;
  postBack: Promise<Record<string, string>>;
  requests: string[];
}

/** Opens the laptop at "Entra", which auto-posts its request to /oidc/authorize, and catches the form_post. */
async function laptopAtEntra(browser: Browser, app: VerificationTestApp, beforeStart?: (page: Page) => Promise<unknown>): Promise<LaptopRound> {
  const context: BrowserContext = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  const laptop = await context.newPage();
  const request = await app.entra.request();
  let deliver!: (fields: Record<string, string>) => void;
  const postBack = new Promise<Record<string, string>>((resolve, reject) => {
    deliver = resolve;
    setTimeout(() => reject(new Error('no form_post reached Entra within 90 s')), 90_000).unref();
  });
  const requests: string[] = [];
  laptop.on('request', (r) => requests.push(`${r.method()} ${new URL(r.url()).pathname}`));
  await routeSimulatedEntra(laptop, app, request, deliver);
  if (beforeStart) await beforeStart(laptop);
  await laptop.goto(`${ENTRA}/eam-test/start`);
  return { laptop, request, postBack, requests };
}

/** Presses "Use your phone" and reads the link and code the server answered. */
async function askForCode(laptop: Page): Promise<{ link: string; code: string }> {
  const start = laptop.locator('#handoff-start');
  await start.waitFor({ state: 'visible' });
  const issued = laptop.waitForResponse((r) => r.request().method() === 'POST' && /\/handoff$/.test(new URL(r.url()).pathname));
  await start.click();
  const { url, code } = (await (await issued).json()) as { url: string; code: string };
  return { link: url, code };
}

async function phoneAt(browser: Browser, link: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 3 });
  const phone = await context.newPage();
  await phone.goto(link);
  return phone;
}

async function appWithAda(t: Test): Promise<VerificationTestApp> {
  const app = await startVerificationTestApp(t, {
    faceEngine: await e2eFaceEngine(), keyRing: hsm.keyRing, dataKeyWrapper: hsm.dataKeyWrapper,
    config: { verification: { captureCountdownSeconds: 1, assurance: ACCEPT_RISK } },
  });
  await enrolFromReferencePhoto(
    { repo: app.repository, audit: app.auditTrail, faceEngine: await e2eFaceEngine(), quality: app.config.verification.quality, maxImageBytes: app.config.server.maxImageBytes },
    { tid: app.entra.tid, oid: app.entra.oid, upn: 'ada@contoso.example', photo: faceJpeg('personA', { width: 480, height: 480 }), attestedBy: 'e2e-desk-officer' },
  );
  return app;
}

t.test('the phone takes the photo, the laptop posts the verified id_token to Entra', async (t) => {
  const app = await appWithAda(t);
  const browser = await launchWithCamera(t);
  mkdirSync(OUT, { recursive: true });
  const { laptop, request, postBack, requests: laptopRequests } = await laptopAtEntra(browser, app);
  const { link, code } = await askForCode(laptop);
  await laptop.waitForFunction(() => (document.getElementById('handoff-qr') as HTMLImageElement).naturalWidth > 0);
  t.pass('the QR code image renders under the page\'s CSP');
  const laptopCode = await laptop.locator('#handoff-code').textContent();
  t.equal(laptopCode, code, 'the laptop shows the code');
  t.match(await laptop.locator('#handoff-status').textContent(), /Scan the QR code/);
  await laptop.screenshot({ path: path.join(OUT, 'handoff-laptop.png'), fullPage: true });

  // ---- the phone opens the link (as scanning the QR code would)
  const phone = await phoneAt(browser, link);
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
  await laptop.waitForFunction(() => document.getElementById('handoff')!.dataset.state === 'confirmed');
  // The capture page: consent starts the camera, and the page takes the photo once the picture is steady.
  await phone.locator('#start-camera').tap();
  await phone.waitForFunction(() => (document.getElementById('preview') as HTMLVideoElement).videoWidth > 0, null, { timeout: 20_000 });
  await phone.screenshot({ path: path.join(OUT, 'handoff-phone-capture.png'), fullPage: true });

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

t.test('EventSource blocked: the laptop polls; the phone says the codes do not match; the laptop posts access_denied', async (t) => {
  const app = await appWithAda(t);
  const browser = await launchWithCamera(t);
  // A proxy that breaks event streams: every /events request fails, so the page must poll /status.
  const { laptop, request, postBack, requests } = await laptopAtEntra(browser, app, (page) => page.route('**/handoff/*/events', (route) => route.abort()));
  const { link } = await askForCode(laptop);
  const phone = await phoneAt(browser, link);
  await laptop.waitForFunction(() => document.getElementById('handoff')!.dataset.state === 'opened', null, { timeout: 10_000 });
  t.ok(requests.some((r) => /^GET \/verify\/[^/]+\/handoff\/[^/]+\/status$/.test(r)), 'the laptop polled the status URL');
  await phone.locator('#handoff-confirm-no').tap();
  await phone.locator('#handoff-end').waitFor();
  t.match(await phone.locator('#handoff-end').textContent(), /Nothing was verified/);
  const fields = await postBack;
  t.same(fields, { error: 'access_denied', error_description: 'the person cancelled verification', state: request.state }, 'the laptop posted the denial to Entra');
  t.match(app.repository.lastAuditRecord()!.checks.find((c) => c.name === 'phone-handoff'), { outcome: 'fail' });
});

t.test('the laptop cancels while the phone shows the camera: the phone stops its camera and says it ended', async (t) => {
  const app = await appWithAda(t);
  const browser = await launchWithCamera(t);
  const { laptop, postBack } = await laptopAtEntra(browser, app);
  const { link } = await askForCode(laptop);
  const phone = await phoneAt(browser, link);
  await phone.locator('#handoff-confirm-yes').tap();
  // The page takes the photo by itself once the picture is steady: hold its capture request so the
  // laptop's cancel is what ends the verification, with the phone's camera still on.
  await phone.route(/\/capture$/, () => undefined);
  await phone.locator('#start-camera').tap();
  await phone.waitForFunction(() => (document.getElementById('preview') as HTMLVideoElement | null)?.videoWidth! > 0, null, { timeout: 20_000 });
  await laptop.locator('#cancel').click();
  t.equal((await postBack).error, 'access_denied');
  await phone.waitForFunction(() => document.getElementById('handoff-phone')!.dataset.state === 'ended', null, { timeout: 10_000 });
  t.equal(await phone.locator('#handoff-phone-heading').textContent(), 'Ended');
  t.equal(await phone.evaluate(() => {
    const stream = (document.getElementById('preview') as HTMLVideoElement).srcObject as MediaStream | null;
    return stream ? stream.getTracks().filter((track) => track.readyState === 'live').length : 0;
  }), 0, 'the camera is off');
  t.equal(await phone.locator('#verify').isVisible(), false, 'the capture page is gone');
});
