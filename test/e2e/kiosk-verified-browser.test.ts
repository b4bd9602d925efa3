// A complete, verified first time at the kiosk in headless Chromium: a running appliance and a running
// kiosk agent (its key made by its own `init` in a real SoftHSM token, registered as a station), the
// scanner test double "scanning" a rendered passport data page, the agent's real PC/SC chip reader
// (the class the CLI builds) reading the virtual ePassport in a private pcscd over BAC with the key typed
// on the page's keypad, and the simulated RGB-D camera filming the same synthetic person whose face is
// printed on the page and stored in the chip's DG2. The chip's EF.SOD chains to a test CSCA in the
// appliance's CSCA store. The run ends verified: the profile is stored, the decision's audit record
// names the station and passes the chip's passive authentication, and form_post takes an id_token to Entra.
// Face analysis is scripted, as in the other kiosk tests: the depth frame is synthetic, so the real
// engine's landmarks on the colour photo would not lie on the synthetic face (recorded-face-analyzer.ts).
// The script answers by picture: the camera's selfie and challenge frames get the generator's landmarks for
// the challenge the session asked for; every face (selfie, printed portrait, DG2) the same embedding.
import t from 'tap';
import { chromium } from 'playwright-core';
import { DocumentsInspector } from '../../src/verification/first-time/document-inspector.js';
import { buildConfig } from '../../src/config/index.js';
import { readStationPublicKey } from '../../src/verification/station/station-key.js';
import { PcscChipReader } from '../../src/kiosk/devices/chip/pcsc-chip-reader.js';
import type { FaceAnalysisResult } from '../../src/verification/capture/ports.js';
import { sessionChallenge } from '../../src/verification/capture/session-challenge.js';
import { RecordedFaceAnalyzer, embedding, oneFace } from '../helpers/recorded-face-analyzer.js';
import { API_TEST_MOTION, challengeFrames, challengeLandmarks } from '../helpers/liveness-evidence.js';
import { startVerificationTestApp } from '../helpers/verification-test-app.js';
import { startKioskFixture } from '../helpers/kiosk/kiosk-fixture.js';
import { holderPassport } from '../helpers/kiosk/holder-passport.js';
import { PassportPageScanner } from '../helpers/kiosk/passport-page-scanner.js';
import { startVirtualEpassport, virtualEpassportUnavailable } from '../helpers/virtual-epassport.js';
import { freePort } from '../helpers/free-port.js';
import { routeSimulatedEntra, ENTRA } from '../helpers/capture-browser.js';
import { HOLDER_CLAIMS } from '../helpers/first-time-fixtures.js';

/** The scripted analyzer, answering by the picture's bytes where the test named them (else its script). */
class AnalyzerByPicture extends RecordedFaceAnalyzer {
  readonly byPicture = new Map<string, FaceAnalysisResult>();
  override async analyzeFace(image: Buffer): Promise<FaceAnalysisResult> {
    return this.byPicture.get(image.toString('base64')) ?? super.analyzeFace(image);
  }
}

const unavailable = virtualEpassportUnavailable();
if (unavailable) {
  t.plan(0, `virtual ePassport: ${unavailable}`);
} else {
  t.test('first time at the kiosk, end to end: scanned passport page → chip over PC/SC (keypad) → selfie → verified, profile stored, id_token posted to Entra', async (t) => {
    const passport = await holderPassport(t);
    const card = await startVirtualEpassport(passport.files);
    t.teardown(() => card.close());

    const config = { liveness: { motion: API_TEST_MOTION }, documents: { emrtd: { cscaStorePath: passport.cscaStorePath } }, verification: { maxCaptureAttempts: 1 } } as const;
    const documents = await DocumentsInspector.load(buildConfig(config).documents);
    t.equal(documents.verifier.trustedCscaCount, 1, 'the appliance trusts the test CSCA');
    t.equal(buildConfig(config).verification.assurance.firstTime, 'kiosk-depth', 'the default first-time assurance: a station\'s depth camera');
    const agentPort = await freePort();
    const engine = new AnalyzerByPicture([oneFace(embedding(1))]);
    const app = await startVerificationTestApp(t, {
      faceEngine: engine, documents,
      config: { ...config, verification: { ...config.verification, kiosk: { agentOrigin: `http://127.0.0.1:${agentPort}` } } },
    });
    const scanner = new PassportPageScanner(passport.page);
    const chip = new PcscChipReader({ reader: 'Virtual PCD', timeoutMs: 30_000 });
    const kiosk = await startKioskFixture(t, { applianceUrl: app.baseUrl, allowedOrigin: new URL(app.baseUrl).origin }, { port: agentPort, devices: { scanner, chip } });
    t.match(await chip.selftest(), { ok: true, detail: /Virtual PCD/ }, 'the agent\'s chip reader sees the virtual ePassport\'s reader');
    const key = readStationPublicKey(kiosk.publicKeyPem);
    const station = app.repository.addStation({ stationId: 'c3'.repeat(16), name: 'Reception kiosk 2', publicKey: key.publicKey, algorithm: key.algorithm, keySha256: key.keySha256, createdAt: Date.now() });
    kiosk.config.stationId = station.stationId;

    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
    t.teardown(() => browser.close());
    const page = await (await browser.newContext({ viewport: { width: 1080, height: 1920 } })).newPage();
    const consoleErrors: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
    const request = await app.entra.request({ hint: await app.entra.mintHint({ claims: HOLDER_CLAIMS }) });
    let deliver!: (fields: Record<string, string>) => void;
    const postBack = new Promise<Record<string, string>>((resolve, reject) => {
      deliver = resolve;
      setTimeout(() => reject(new Error('no form_post reached Entra within 120 s')), 120_000).unref();
    });
    postBack.catch(() => undefined);
    await routeSimulatedEntra(page, app, request, deliver);
    await page.goto(`${ENTRA}/eam-test/start`);
    await page.locator('#station').waitFor({ state: 'visible' });
    t.equal(app.repository.getProfile(app.entra.tid, app.entra.oid), null, 'no profile before');

    await page.click('[data-action="start"]');
    await page.click('[data-action="scan"]');
    await page.locator('[data-screen="chip"]').waitFor({ state: 'visible', timeout: 60_000 });
    t.equal(scanner.scans, 1, 'the page was scanned once, under white light');
    const typeOnKeypad = async (field: string, text: string) => {
      await page.click(`.field[data-field="${field}"]`);
      for (const c of text) await page.click(`.key[data-key="${c}"]`);
    };
    await typeOnKeypad('documentNumber', passport.files.key.documentNumber);
    await typeOnKeypad('dateOfBirth', passport.files.key.dateOfBirth);
    await typeOnKeypad('dateOfExpiry', passport.files.key.dateOfExpiry);
    await page.click('[data-action="chip"]');
    await page.locator('[data-screen="selfie"]').waitFor({ state: 'visible', timeout: 60_000 });
    const sessionId = /\/verify\/([^/]+)\/capture/.exec(await page.locator('[data-capture-url]').getAttribute('data-capture-url') ?? '')?.[1] ?? '';
    t.same(kiosk.agent.held.get(sessionId)?.captures.map((c) => c.kind), ['document-front', 'document-chip'], 'the agent holds the page and the chip read over PC/SC');

    // The person in front of the camera acts out the challenge the session asked for.
    const { steps } = sessionChallenge(app.repository.getSession(sessionId)!, app.config.liveness.challenge);
    kiosk.camera.perform(steps);
    engine.byPicture.set(kiosk.camera.colour.toString('base64'), oneFace(embedding(1), {}, { landmarks468: kiosk.camera.evidence.landmarks }));
    const landmarks = challengeLandmarks(steps);
    challengeFrames(steps).forEach((jpeg, i) => engine.byPicture.set(jpeg.toString('base64'), oneFace(embedding(1), {}, { landmarks468: landmarks[i] })));
    await page.click('[data-action="selfie"]');
    const fields = await postBack;
    const record = app.repository.lastAuditRecord()!;
    t.match(record, { flow: 'first-time', decision: 'verified', upn: 'anna@contoso.example' }, `verified (failed checks: ${JSON.stringify(record.checks.filter((c) => c.outcome === 'fail'))})`);
    t.equal(fields.state, request.state, 'the form_post reached Entra with the session\'s state');
    t.notOk(fields.error, 'no error in the form_post');
    const claims = await app.verifyIdToken(fields.id_token);
    t.equal(claims.sub, app.entra.sub, 'the id_token names the account');
    const profile = app.repository.getProfile(app.entra.tid, app.entra.oid);
    t.ok(profile, 'the profile is stored for the account');
    t.match(profile?.enrolment, { method: 'document-verification', documentType: 'P', issuer: 'D', chip: { read: true, passiveAuthentication: 'valid' } }, 'enrolled from the passport, its chip read and authenticated');
    t.equal(record.profileId, profile?.profileId, 'the audit record names the profile it enrolled');
    t.match(record.checks.find((c) => c.name === 'station-attestation'), { outcome: 'pass', reason: new RegExp(`^evidence signed by station ${station.stationId} \\("Reception kiosk 2"\\); operator: none signed in$`) },
      'the audit record names the station');
    t.match(record.checks.find((c) => c.name === 'document-chip'), { outcome: 'pass', reason: /^passive authentication valid/ }, 'the chip\'s SOD chains to the trusted CSCA and DG1 is the printed MRZ');
    t.match(record.checks.find((c) => c.name === 'liveness-tier'), { outcome: 'pass', reason: /^tier reached: kiosk-depth/ }, 'the kiosk-depth tier is reached');
    for (const name of ['document-mrz-read', 'document-expiry', 'portrait-match', 'chip-portrait-match', 'holder-binding']) {
      t.match(record.checks.find((c) => c.name === name), { outcome: 'pass' }, `${name} passed`);
    }
    t.ok(record.checks.every((c) => c.outcome === 'pass' || c.outcome === 'skipped'), 'every check passed or did not apply');
    t.equal(kiosk.agent.held.size, 0, 'the agent wiped the captures once it signed');
    t.same(consoleErrors, [], 'no console errors');
  });
}
