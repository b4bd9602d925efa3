// The capture page in headless Chromium as a person first sees it: the status line and the primary action
// above the fold on a laptop (1366×768) and a phone (390×844), before and after the camera starts; the
// camera waits for consent; a device that cannot meet the policy is told so before any photo (no camera
// started, no upload where a still cannot pass); Accept-Language: de gives the German page. Screenshots
// go to out/. Real app, SQLite on disk; the face analyzer is scripted (no capture is judged here except
// where a test says so).
import t, { type Test } from 'tap';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { projectRoot } from '../../src/core/project-root.js';
import { enrolFromReferencePhoto } from '../../src/verification/flow/enrol-from-reference-photo.js';
import { RecordedFaceAnalyzer, embedding, oneFace } from '../helpers/recorded-face-analyzer.js';
import { startVerificationTestApp, type VerificationTestApp } from '../helpers/verification-test-app.js';
import { faceJpeg, mjpegOf } from '../helpers/face-photos.js';
import { LAPTOP, PHONE, aboveTheFold, launchWithCamera, startRound } from '../helpers/capture-browser.js';

const OUT = path.join(projectRoot, 'out');
mkdirSync(OUT, { recursive: true });
const VIEWPORTS = { laptop: LAPTOP, phone: PHONE } as const;
// Counts getUserMedia calls, so a test can say the camera was never asked for.
const COUNT_CAMERA_REQUESTS = `(() => {
  window.__cameraRequests = 0;
  const md = navigator.mediaDevices;
  if (!md || !md.getUserMedia) return;
  const original = md.getUserMedia.bind(md);
  md.getUserMedia = (c) => { window.__cameraRequests += 1; return original(c); };
})();`;
const NO_CAMERA_API = `Object.defineProperty(navigator, 'mediaDevices', { value: undefined, configurable: true });`;
const cameraRequests = (page: Page) => page.evaluate(() => (window as unknown as { __cameraRequests: number }).__cameraRequests);

async function appWithProfile(t: Test, config: Record<string, unknown>): Promise<VerificationTestApp> {
  const engine = new RecordedFaceAnalyzer([oneFace(embedding(1))]);
  const app = await startVerificationTestApp(t, { faceEngine: engine, config });
  await enrolFromReferencePhoto(
    { repo: app.repository, audit: app.auditTrail, faceEngine: engine, quality: app.config.verification.quality, maxImageBytes: app.config.server.maxImageBytes },
    { tid: app.entra.tid, oid: app.entra.oid, upn: 'ada@contoso.example', photo: faceJpeg('personA'), attestedBy: 'desk-officer-7' },
  );
  return app;
}

async function assertAboveTheFold(t: Test, page: Page, selectors: string[], what: string) {
  for (const s of selectors) {
    const r = await aboveTheFold(page, s);
    t.ok(r.inside, `${what}: ${s} above the fold (${r.box})`);
  }
}

// Chromium's own fake camera (no file) plays a moving test pattern: the picture never holds steady, and
// with no most-seconds limit (captureCountdownSeconds 0) nothing is taken, so the running camera can be looked at.
const CHALLENGE_NO_AUTO = { verification: { captureCountdownSeconds: 0 } };

t.test('before and after consent: status and primary action above the fold on a laptop and a phone', async (t) => {
  const app = await appWithProfile(t, CHALLENGE_NO_AUTO);
  const browser = await launchWithCamera(t, null);
  for (const [name, viewport] of Object.entries(VIEWPORTS)) {
    const { page, consoleErrors } = await startRound(browser, app, { viewport, initScript: COUNT_CAMERA_REQUESTS });
    t.equal(await page.locator('html').getAttribute('lang'), 'en');
    t.ok(await page.locator('#consent-notice').isVisible(), `${name}: the privacy notice is shown before the camera`);
    t.ok(await page.locator('#steps li.step').count() >= 1, `${name}: the challenge steps are said before the camera`);
    await assertAboveTheFold(t, page, ['#status', '#start-camera'], `${name}, before consent`);
    await page.screenshot({ path: path.join(OUT, `capture-page-${name}-consent.png`) });
    await page.waitForTimeout(500);
    t.equal(await cameraRequests(page), 0, `${name}: the camera is not asked for before consent`);
    await page.locator('#start-camera').click();
    await page.locator('#take-photo').waitFor({ state: 'visible', timeout: 20_000 });
    await page.waitForFunction(() => (document.getElementById('preview') as HTMLVideoElement).videoWidth > 0, null, { timeout: 20_000 });
    t.equal(await cameraRequests(page), 1, `${name}: the camera starts after consent`);
    t.match(await page.locator('#status').textContent(), /Look at the camera and hold still: the photo is taken by itself\./);
    await page.waitForTimeout(1500);
    t.equal(await page.locator('#cue').isHidden(), true, `${name}: a moving picture is not auto-captured`);
    await assertAboveTheFold(t, page, ['#status', '#take-photo', '.preview-frame'], `${name}, camera running`);
    await page.screenshot({ path: path.join(OUT, `capture-page-${name}-camera.png`) });
    t.same(consoleErrors, [], `${name}: no console errors (CSP included)`);
    await page.context().close();
  }
});

t.test('consent not required (verification.page.consentRequired false): the camera starts with the page, the notice shown', async (t) => {
  const app = await appWithProfile(t, { ...CHALLENGE_NO_AUTO, verification: { captureCountdownSeconds: 0, page: { consentRequired: false, consentNotice: 'Contoso keeps your photo for 30 days. Questions: privacy@contoso.example' } } });
  const browser = await launchWithCamera(t, null);
  const { page } = await startRound(browser, app, { initScript: COUNT_CAMERA_REQUESTS });
  t.equal(await page.locator('#consent-notice').textContent(), 'Contoso keeps your photo for 30 days. Questions: privacy@contoso.example', 'the configured notice');
  await page.locator('#take-photo').waitFor({ state: 'visible', timeout: 20_000 });
  t.equal(await cameraRequests(page), 1, 'no click needed');
});

t.test('the policy needs a kiosk (returningUser kiosk-depth): said before any photo, no camera, no upload, phone slot and cancel', async (t) => {
  const app = await appWithProfile(t, { verification: { assurance: { returningUser: 'kiosk-depth' } } });
  const browser = await launchWithCamera(t, null);
  for (const [name, viewport] of Object.entries(VIEWPORTS)) {
    const { page, request, postBack } = await startRound(browser, app, { viewport, initScript: COUNT_CAMERA_REQUESTS });
    t.equal(await page.locator('#status').textContent(), 'This device cannot be used for this check.');
    t.ok(await page.locator('#cannot-use').isVisible(), `${name}: the refusal section`);
    t.match(await page.locator('#cannot-use').textContent(), /requires a check this browser cannot do \(a verification kiosk with a depth camera\)\. No photo is taken here\.\s+Continue on your phone if it is offered below, or go to a verification kiosk/);
    t.equal(await page.locator('#handoff-slot').count(), 1, `${name}: the phone hand-off slot is there`);
    for (const id of ['#start-camera', '#take-photo', '#photo-file', '#preview']) t.equal(await page.locator(id).count(), 0, `${name}: no ${id}`);
    await page.waitForTimeout(300);
    t.equal(await cameraRequests(page), 0, `${name}: the camera was never asked for`);
    await assertAboveTheFold(t, page, ['#status', '#cancel'], `${name}, cannot meet the policy`);
    await page.screenshot({ path: path.join(OUT, `capture-page-${name}-kiosk-required.png`) });
    if (name === 'phone') {
      await page.locator('#cancel').click();
      t.same(await postBack, { error: 'access_denied', error_description: 'the person cancelled verification', state: request.state }, 'cancel returns to Entra');
    }
    await page.context().close();
  }
});

t.test('a browser without the camera API: told before any photo, the phone or a kiosk offered; upload only where a still can pass', async (t) => {
  const browser = await launchWithCamera(t, null);
  const challengeApp = await appWithProfile(t, CHALLENGE_NO_AUTO);
  const live = await startRound(browser, challengeApp, { viewport: PHONE, initScript: NO_CAMERA_API });
  await live.page.locator('#cannot-use').waitFor({ state: 'visible' });
  t.equal(await live.page.locator('#status').textContent(), 'This device cannot be used for this check. This browser cannot use a camera on this page.');
  t.match(await live.page.locator('#cannot-use').textContent(), /no camera this page can use[^]*Continue on your phone/);
  t.ok(await live.page.locator('#start-camera').isHidden(), 'no camera button');
  t.equal(await live.page.locator('#photo-file').count(), 0, 'no upload: the policy films a challenge');
  await assertAboveTheFold(t, live.page, ['#status', '#cancel'], 'phone without a camera API');
  await live.page.screenshot({ path: path.join(OUT, 'capture-page-phone-no-camera.png') });

  const stillApp = await appWithProfile(t, { verification: { assurance: { returningUser: 'none', firstTime: 'none' } } });
  const still = await startRound(browser, stillApp, { viewport: PHONE, initScript: NO_CAMERA_API });
  await still.page.waitForFunction(() => /Upload a photo/.test(document.getElementById('status')!.textContent ?? ''));
  t.ok(await still.page.locator('#photo-file').isVisible(), 'the policy accepts a still: upload offered');
});

t.test('Accept-Language: de gives the German page and German status lines from the script', async (t) => {
  const app = await appWithProfile(t, CHALLENGE_NO_AUTO);
  const browser = await launchWithCamera(t, null);
  const { page, consoleErrors } = await startRound(browser, app, { viewport: PHONE, extraHTTPHeaders: { 'Accept-Language': 'fr-CH;q=0.4, de-DE;q=0.9, en;q=0.8' } });
  t.equal(await page.locator('html').getAttribute('lang'), 'de');
  t.equal(await page.title(), 'Bestätigen Sie, dass Sie es sind');
  t.equal(await page.locator('h1').textContent(), 'Bestätigen Sie, dass Sie es sind');
  t.equal(await page.locator('#start-camera').textContent(), 'Einverstanden, Kamera starten');
  t.equal(await page.locator('#status').textContent(), 'Lesen Sie, was passiert, und drücken Sie dann „Einverstanden, Kamera starten“.');
  t.match(await page.locator('#steps li.step').first().textContent(), /^(Drehen Sie den Kopf nach (links|rechts)|Schauen Sie nach oben|Blinzeln Sie langsam)$/);
  await assertAboveTheFold(t, page, ['#status', '#start-camera'], 'German, phone');
  await page.screenshot({ path: path.join(OUT, 'capture-page-phone-de.png') });
  await page.locator('#start-camera').click();
  await page.waitForFunction(() => document.getElementById('status')!.textContent === 'Schauen Sie in die Kamera und halten Sie still: Das Foto wird von selbst aufgenommen.', null, { timeout: 20_000 });
  t.pass('the script speaks German too');
  t.same(consoleErrors, []);
});

t.test('a steady picture is taken by itself without a countdown (still camera, no click on "Take photo now")', async (t) => {
  const app = await appWithProfile(t, { verification: { assurance: { returningUser: 'none', firstTime: 'none' }, captureCountdownSeconds: 0 } });
  const browser = await launchWithCamera(t, mjpegOf(faceJpeg('personA', { width: 640, height: 480, zoom: 1.5 }), 10));
  const { page, postBack } = await startRound(browser, app);
  const sent = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/capture'), { timeout: 20_000 });
  await page.locator('#start-camera').click();
  const began = Date.now();
  await sent;
  // With no most-seconds limit only the steadiness check can have taken it.
  t.comment(`taken ${Date.now() - began} ms after the camera was asked for`);
  t.ok((await postBack).id_token, 'verified');
});
