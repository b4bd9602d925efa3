// The station's kiosk UI in headless Chromium against a running appliance and a running kiosk agent: the
// agent's key made by its own `init` in a real SoftHSM token and registered as a station, the document on
// SANE's real `test` backend, the chip-reader double (the access key typed on the page's keypad), the
// simulated RGB-D camera. The first-time page finds the agent on loopback, walks scan → chip → selfie, posts
// the envelope the agent signed, and follows the decision back to "Entra" (form_post). The appliance learns
// that the evidence comes from a station only from the signature: the decision's audit record names it.
// Also: an idle page wipes the agent's captures (POST /reset) and returns to its start screen; a wrong
// access key is said in plain words and the chip step may be retried.
import t, { type Test } from 'tap';
import { chromium, type Browser } from 'playwright-core';
import { DocumentsInspector } from '../../src/verification/first-time/document-inspector.js';
import { buildConfig } from '../../src/config/index.js';
import { readStationPublicKey } from '../../src/verification/station/station-key.js';
import { RecordedFaceAnalyzer, embedding, oneFace } from '../helpers/recorded-face-analyzer.js';
import { startVerificationTestApp, type VerificationTestApp } from '../helpers/verification-test-app.js';
import { startKioskFixture, type KioskFixture } from '../helpers/kiosk/kiosk-fixture.js';
import { freePort } from '../helpers/free-port.js';
import { routeSimulatedEntra, ENTRA } from '../helpers/capture-browser.js';
import { HOLDER_CLAIMS } from '../helpers/first-time-fixtures.js';

const CONFIG = { documents: { mrz: { acceptSpecimens: true } }, verification: { maxCaptureAttempts: 1, assurance: { returningUser: 'none', firstTime: 'none' } } };

interface Harness { app: VerificationTestApp; kiosk: KioskFixture; stationId: string; browser: Browser }

async function harness(t: Test, kioskConfig: Record<string, unknown> = {}): Promise<Harness> {
  const agentPort = await freePort();
  const documents = await DocumentsInspector.load(buildConfig(CONFIG).documents);
  const app = await startVerificationTestApp(t, {
    faceEngine: new RecordedFaceAnalyzer([oneFace(embedding(1))]), documents,
    config: { ...CONFIG, verification: { ...CONFIG.verification, kiosk: { agentOrigin: `http://127.0.0.1:${agentPort}`, ...kioskConfig } } },
  });
  const origin = new URL(app.baseUrl).origin;
  const kiosk = await startKioskFixture(t, { applianceUrl: app.baseUrl, allowedOrigin: origin }, { port: agentPort });
  const key = readStationPublicKey(kiosk.publicKeyPem);
  const station = app.repository.addStation({ stationId: 'b2'.repeat(16), name: 'Reception kiosk 1', publicKey: key.publicKey, algorithm: key.algorithm, keySha256: key.keySha256, createdAt: Date.now() });
  kiosk.config.stationId = station.stationId;
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  t.teardown(() => browser.close());
  return { app, kiosk, stationId: station.stationId, browser };
}

async function openPage(h: Harness) {
  const page = await (await h.browser.newContext({ viewport: { width: 1080, height: 1920 } })).newPage();
  const consoleErrors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  const request = await h.app.entra.request({ hint: await h.app.entra.mintHint({ claims: HOLDER_CLAIMS }) });
  let deliver!: (fields: Record<string, string>) => void;
  const postBack = new Promise<Record<string, string>>((resolve, reject) => {
    deliver = resolve;
    setTimeout(() => reject(new Error('no form_post reached Entra within 90 s')), 90_000).unref();
  });
  postBack.catch(() => undefined);
  await routeSimulatedEntra(page, h.app, request, deliver);
  const pageResponse = page.waitForResponse((r) => r.url().startsWith(h.app.baseUrl) && r.request().resourceType() === 'document' && r.status() === 200);
  await page.goto(`${ENTRA}/eam-test/start`);
  const csp = (await (await pageResponse).allHeaders())['content-security-policy'] ?? '';
  await page.locator('#station').waitFor({ state: 'visible' });
  return { page, request, postBack, consoleErrors, csp };
}

const visibleScreen = (page: import('playwright-core').Page) =>
  page.evaluate(() => Array.from(document.querySelectorAll<HTMLElement>('#station .screen')).find((e) => !e.hidden)?.dataset.screen ?? null);

async function typeOnKeypad(page: import('playwright-core').Page, fieldName: string, text: string) {
  await page.click(`.field[data-field="${fieldName}"]`);
  for (const c of text) await page.click(`.key[data-key="${c}"]`);
}

t.test('first time at the kiosk: scan → chip (keypad, a wrong key retried) → selfie → the station-signed envelope is judged and its form_post reaches Entra', async (t) => {
  const h = await harness(t);
  const { page, request, postBack, consoleErrors, csp } = await openPage(h);
  t.match(csp, new RegExp(`(^|; )connect-src 'self' ${h.kiosk.running.url.replace(/[.]/g, '\\.')}(;|$)`), 'CSP connect-src gains exactly the agent\'s origin');
  t.equal(await page.locator('#status').isHidden(), true, 'the "no document scanner" notice is gone on a station');
  t.equal(await visibleScreen(page), 'start');
  await page.click('[data-action="start"]');
  t.equal(await visibleScreen(page), 'scan');
  t.match(await page.locator('#station-progress').textContent(), /Step 1 of 3/);
  await page.click('[data-action="scan"]');
  await page.locator('[data-screen="chip"]').waitFor({ state: 'visible', timeout: 60_000 });
  t.match(await page.locator('#station-progress').textContent(), /Step 2 of 3/);

  // A wrong key first: said in plain words, the chip step kept.
  await typeOnKeypad(page, 'documentNumber', 'L898902C4');
  await typeOnKeypad(page, 'dateOfBirth', '740812');
  await typeOnKeypad(page, 'dateOfExpiry', '120415');
  await page.click('[data-action="chip"]');
  await page.locator('[data-screen="error"]').waitFor({ state: 'visible' });
  t.match(await page.locator('.station-error').textContent(), /The chip did not accept these details/);
  await page.click('[data-action="retry"]');
  t.equal(await visibleScreen(page), 'chip', 'retry returns to the chip step');
  await page.click('.field[data-field="documentNumber"]');
  await page.click('.key[data-key="back"]');
  await page.click('.key[data-key="3"]');
  await page.click('[data-action="chip"]');
  await page.locator('[data-screen="selfie"]').waitFor({ state: 'visible' });
  t.equal(h.kiosk.agent.held.size, 1, 'the agent holds this session\'s document and chip');

  await page.click('[data-action="selfie"]');
  const fields = await postBack;
  t.equal(fields.state, request.state, 'the form_post reached Entra with the session\'s state');
  t.equal(h.kiosk.agent.held.size, 0, 'the agent wiped the captures once it signed');
  const record = h.app.repository.lastAuditRecord()!;
  t.match(record, { flow: 'first-time' });
  t.match(record.checks.find((c) => c.name === 'station-attestation'), { outcome: 'pass', reason: new RegExp(`^evidence signed by station ${h.stationId} \\("Reception kiosk 1"\\); operator: none signed in$`) },
    'the appliance attributes the evidence to the station from its signature');
  // SANE's `test` backend scans a test pattern, not an identity document: the appliance judges it and says
  // no (a verified first time needs a scanner double that shows a rendered card whose chip matches).
  t.match(record, { decision: 'denied', checks: [{ name: 'document-found', outcome: 'fail' }] }, 'the scanned page was judged as a document');
  t.same(fields, { error: 'access_denied', error_description: 'the person was not verified', state: request.state });
  // The one failed request is the agent's 403 for the wrong access key; no CSP violation, nothing else.
  t.same(consoleErrors.filter((e) => !/status of 403/.test(e)), [], 'no other console errors (CSP connect-src admits the agent)');
  t.equal(consoleErrors.length, 1, 'only the refused access key');
});

t.test('an idle page wipes what the agent holds and returns to its start screen', async (t) => {
  const h = await harness(t, { idleSeconds: 15 });
  const { page } = await openPage(h);
  await page.click('[data-action="start"]');
  await page.click('[data-action="scan"]');
  await page.locator('[data-screen="chip"]').waitFor({ state: 'visible', timeout: 60_000 });
  t.equal(h.kiosk.agent.held.size, 1, 'the scan is held');
  await typeOnKeypad(page, 'documentNumber', 'L89');
  await page.locator('[data-screen="start"]').waitFor({ state: 'visible', timeout: 30_000 });
  t.equal(h.kiosk.agent.held.size, 0, 'POST /reset wiped the session');
  t.equal(await page.locator('.field[data-field="documentNumber"]').textContent(), '', 'what was typed is gone');
});
