// The whole EAM round trip in headless Chromium: "Entra" (intercepted at login.microsoftonline.com)
// auto-POSTs its request to /oidc/authorize, the capture page opens the camera (Chromium's fake camera
// playing a face photo), the selfie goes to the capture API, and the form_post that comes back to
// Entra's redirect_uri is caught and its id_token verified with jose against our JWKS.
// Real parts: Chromium, SQLite on disk, SoftHSM (id_token signing key and evidence data-key wrapping),
// the evidence cipher and the face engine with the built models.
import t, { type Test } from 'tap';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { projectRoot } from '../../src/core/project-root.js';
import { escapeHtml } from '../../src/pages/html.js';
import { enrolFromReferencePhoto } from '../../src/verification/flow/enrol-from-reference-photo.js';
import { faceJpeg, mjpegOf, type DemoFace } from '../helpers/face-photos.js';
import { startVerificationTestApp, type VerificationTestApp } from '../helpers/verification-test-app.js';
import { e2eFaceEngine } from '../helpers/e2e-face-engine.js';
import { createTestToken } from '../helpers/softhsm.js';
import { initHsm } from '../../src/hsm/init-token.js';
import { openApplianceHsm, type ApplianceHsm } from '../../src/hsm/open-hsm.js';

// One SoftHSM token for the file: every app below signs and wraps with it.
const token = await createTestToken();
await initHsm(token.hsmConfig, token.dir);
const hsm: ApplianceHsm = await openApplianceHsm(token.hsmConfig, token.dir);
t.teardown(async () => {
  await hsm.close();
  await token.cleanup();
});

const ENTRA = 'https://login.microsoftonline.com';
const REDIRECT_PATH = '/common/federation/externalauthprovider';

interface Round {
  page: Page;
  request: Record<string, string>;
  /** Resolves with the form fields Entra's redirect endpoint received. */
  postBack: Promise<Record<string, string>>;
}

async function launchWithCamera(t: Test, who: DemoFace): Promise<Browser> {
  const dir = mkdtempSync(path.join(tmpdir(), 'proofgate-e2e-'));
  const camera = path.join(dir, 'camera.mjpeg');
  // A 640x480 "webcam" view of the person: wider than the enrolment crop, so the pictures differ.
  writeFileSync(camera, mjpegOf(faceJpeg(who, { width: 640, height: 480, zoom: 1.5, dx: 12, dy: 8, quality: 85 }), 10));
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

/** Opens a page at "Entra", which auto-submits the EAM request to proofgate like the real one does. */
async function startRound(browser: Browser, app: VerificationTestApp): Promise<Round> {
  const context = await browser.newContext({ viewport: { width: 900, height: 1100 } });
  const page = await context.newPage();
  const request = await app.entra.request();
  let deliver!: (fields: Record<string, string>) => void;
  // A broken flow fails here with a message instead of hanging until tap's file timeout.
  const postBack = new Promise<Record<string, string>>((resolve, reject) => {
    deliver = resolve;
    setTimeout(() => reject(new Error(`no form_post reached Entra within 90 s; page status: ${statusText}`)), 90_000).unref();
  });
  let statusText = '';
  page.on('console', (m) => { if (m.type() === 'error') statusText += ` [console: ${m.text()}]`; });
  page.on('framenavigated', async (f) => {
    if (f === page.mainFrame()) statusText += ` [at ${f.url()}]`;
  });
  // Nothing leaves the machine: every request to Entra's host is answered here.
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
  await page.goto(`${ENTRA}/eam-test/start`);
  return { page, request, postBack };
}

async function enrol(app: VerificationTestApp, who: DemoFace) {
  return enrolFromReferencePhoto(
    { repo: app.repository, audit: app.auditTrail, faceEngine: await e2eFaceEngine(), quality: app.config.verification.quality, maxImageBytes: app.config.server.maxImageBytes },
    { tid: app.entra.tid, oid: app.entra.oid, upn: 'ada@contoso.example', photo: faceJpeg(who, { width: 480, height: 480 }), attestedBy: 'e2e-desk-officer' },
  );
}

// Chromium's fake camera plays a still photo: it has no depth and cannot turn a head or blink, so it
// cannot honestly pass liveness. The "verified" rounds therefore run the supervised-pilot setting
// (verification.assurance returningUser 'none', recorded as liveness 'skipped'); the remote-active round
// (the default) shows that the same still photo, filmed for the active challenge, is refused.
const ACCEPT_RISK = { returningUser: 'none' };

async function startApp(t: Test, assurance: Record<string, unknown> = ACCEPT_RISK): Promise<VerificationTestApp> {
  return startVerificationTestApp(t, {
    faceEngine: await e2eFaceEngine(),
    keyRing: hsm.keyRing,
    dataKeyWrapper: hsm.dataKeyWrapper,
    config: { verification: { captureCountdownSeconds: 1, assurance } },
  });
}

t.test('camera capture of the enrolled person: verified id_token at Entra', async (t) => {
  const app = await startApp(t);
  await enrol(app, 'personA');
  const browser = await launchWithCamera(t, 'personA');
  const { page, request, postBack } = await startRound(browser, app);

  const take = page.locator('#take-photo');
  await take.waitFor({ state: 'visible' });
  await page.waitForFunction(() => !(document.getElementById('take-photo') as HTMLButtonElement).disabled, null, { timeout: 20_000 });
  t.match(await page.locator('#status').textContent(), /Camera ready/);
  await page.waitForFunction(() => (document.getElementById('preview') as HTMLVideoElement).videoWidth > 0);
  await page.waitForTimeout(300);
  mkdirSync(path.join(projectRoot, 'out'), { recursive: true });
  await page.screenshot({ path: path.join(projectRoot, 'out', 'capture-page.png'), fullPage: true });

  await take.click();
  const fields = await postBack;
  t.same(Object.keys(fields).sort(), ['id_token', 'state'], 'id_token and state posted to Entra');
  t.equal(fields.state, request.state);
  const claims = await app.verifyIdToken(fields.id_token);
  t.equal(claims.sub, app.entra.sub, 'sub is the hint sub');
  t.equal(claims.nonce, request.nonce, 'nonce echoed');
  t.same(claims.amr, ['face']);
  await page.locator('#entra-done').waitFor();
  const audit = app.repository.lastAuditRecord()!;
  t.match(audit, { flow: 'returning', decision: 'verified' });
  const match = audit.checks.find((c) => c.name === 'face-match')!;
  t.match(match, { outcome: 'pass' });
  t.match(audit.checks.find((c) => c.name === 'liveness'), { outcome: 'skipped', reason: /^evidence: none; verdict: no-evidence-risk-accepted/ }, 'liveness skipped, never passed');
  t.comment(`same person: embedding distance ${match.score} (threshold ${match.threshold})`);
  t.equal(audit.evidenceSha256.length, 1, 'the camera still is hashed into the audit');
});

t.test('challenge-only: the page shows the challenge, films it, and a still photo fails it', async (t) => {
  const app = await startApp(t, {});
  await enrol(app, 'personA');
  const browser = await launchWithCamera(t, 'personA');
  const { page, request, postBack } = await startRound(browser, app);
  await page.waitForFunction(() => !(document.getElementById('take-photo') as HTMLButtonElement).disabled, null, { timeout: 20_000 });
  const instruction = (await page.locator('#challenge-instruction strong').textContent())!;
  t.match(instruction, /^(Turn your head to the (left|right)|Blink slowly)$/, 'the session challenge is shown');
  t.match(await page.locator('#status').textContent(), new RegExp(`Right after the photo you will be asked: ${instruction}\\.`), 'and announced in the status line');
  t.equal(await page.locator('#photo-file').count(), 0, 'no upload fallback');
  await page.screenshot({ path: path.join(projectRoot, 'out', 'capture-page-challenge.png'), fullPage: true });
  await page.locator('#take-photo').click();
  await page.waitForFunction((text) => document.getElementById('status')!.textContent === `${text} now.`, instruction, { timeout: 20_000 });
  t.pass('the status line reads the instruction out while the sequence is filmed');
  const fields = await postBack;
  t.equal(fields.error, 'access_denied', 'the fake camera plays a still photo: it cannot perform the challenge');
  t.equal(fields.state, request.state);
  const audit = app.repository.lastAuditRecord()!;
  t.match(audit.checks.find((c) => c.name === 'face-match'), { outcome: 'pass' }, 'the face matched');
  t.match(audit.checks.find((c) => c.name === 'liveness-challenge-same-person'), { outcome: 'pass' });
  t.match(audit.checks.find((c) => c.name === 'liveness-challenge'), { outcome: 'fail' });
  t.match(audit.checks.find((c) => c.name === 'liveness'), { outcome: 'fail', reason: /^evidence: challenge; verdict: challenge-failed/ });
  const frames = app.repository.listEvidence([...app.repository.auditRecords()].at(-1)!.sessionId!).filter((e) => e.kind === 'challenge-frame');
  t.equal(frames.length, app.config.verification.challengeFrames, 'every filmed frame is kept as evidence');
});

t.test("a different person's face is denied: access_denied at Entra", async (t) => {
  const app = await startApp(t);
  await enrol(app, 'personB');
  const browser = await launchWithCamera(t, 'personA');
  const { page, request, postBack } = await startRound(browser, app);
  await page.waitForFunction(() => !(document.getElementById('take-photo') as HTMLButtonElement).disabled, null, { timeout: 20_000 });
  await page.locator('#take-photo').click();
  const fields = await postBack;
  t.equal(fields.error, 'access_denied');
  t.equal(fields.state, request.state);
  t.notOk('id_token' in fields, 'no id_token');
  const match = app.repository.lastAuditRecord()!.checks.find((c) => c.name === 'face-match')!;
  t.match(match, { outcome: 'fail' });
  t.comment(`different person: embedding distance ${match.score} (threshold ${match.threshold})`);
});

t.test('upload fallback: a photo file of the enrolled person is verified', async (t) => {
  const app = await startApp(t);
  await enrol(app, 'personA');
  const browser = await launchWithCamera(t, 'personB');
  const { page, request, postBack } = await startRound(browser, app);
  await page.locator('#photo-file').setInputFiles({ name: 'me.jpg', mimeType: 'image/jpeg', buffer: faceJpeg('personA', { width: 500, height: 500, zoom: 1.2 }) });
  await page.locator('#send-photo').click();
  const fields = await postBack;
  t.ok(fields.id_token, 'id_token posted');
  t.equal((await app.verifyIdToken(fields.id_token)).nonce, request.nonce);
});

t.test("keyboard only: tab order with visible focus, and cancel posts access_denied", async (t) => {
  const app = await startApp(t);
  await enrol(app, 'personA');
  const browser = await launchWithCamera(t, 'personA');
  const { page, request, postBack } = await startRound(browser, app);
  await page.waitForFunction(() => !(document.getElementById('take-photo') as HTMLButtonElement).disabled, null, { timeout: 20_000 });
  // Keyboard only: Tab walks the controls in reading order, each with a visible focus outline.
  const order: string[] = [];
  for (let i = 0; i < 4; i++) {
    await page.keyboard.press('Tab');
    order.push(await page.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      const style = getComputedStyle(el);
      return `${el.id}:${style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2 ? 'outlined' : 'no-outline'}`;
    }));
  }
  t.same(order.map((o) => o.split(':')[0]), ['take-photo', 'photo-file', 'send-photo', 'cancel'], 'tab order');
  t.same(order.filter((o) => o.endsWith('no-outline')), [], 'visible focus on every control');
  await page.keyboard.press('Enter');
  const fields = await postBack;
  t.same(fields, { error: 'access_denied', error_description: 'the person cancelled verification', state: request.state });
});

t.test('an account without a profile: the page explains, cancel posts access_denied', async (t) => {
  const app = await startApp(t);
  const browser = await launchWithCamera(t, 'personA');
  const { page, request, postBack } = await startRound(browser, app);
  await page.locator('h1').waitFor();
  t.equal(await page.locator('h1').textContent(), 'Identity verification is not set up for this account');
  t.match(await page.locator('#status').textContent(), /First-time verification with an identity document is not available on this\s+appliance/);
  t.equal(await page.locator('#take-photo').count(), 0, 'no camera controls');
  await page.screenshot({ path: path.join(projectRoot, 'out', 'first-time-page.png'), fullPage: true });
  await page.locator('#cancel').click();
  const fields = await postBack;
  t.equal(fields.error, 'access_denied');
  t.equal(fields.state, request.state);
  t.match(app.repository.lastAuditRecord(), { flow: 'first-time', decision: 'denied', checks: [{ name: 'document-verification', outcome: 'skipped' }, { name: 'user-cancel' }] });
});
