// A station and an appliance set up for a first time that ends verified, and the walk through the kiosk
// UI in headless Chromium, shared by test/e2e/kiosk-verified-browser.test.ts (which checks the outcome)
// and bench/kiosk/person-time.ts (which times the waits): the passport-page scanner double, the agent's
// real PC/SC reader in front of the virtual ePassport (started by the caller: one per process), the
// simulated RGB-D camera, and face analysis scripted by picture (the depth and challenge frames are
// synthetic, so the real engine's landmarks on a photo would not lie on the synthetic face).
import { chromium, type Browser } from 'playwright-core';
import { performance } from 'node:perf_hooks';
import { DocumentsInspector } from '../../../src/verification/first-time/document-inspector.js';
import { buildConfig } from '../../../src/config/index.js';
import { readStationPublicKey } from '../../../src/verification/station/station-key.js';
import { PcscChipReader } from '../../../src/kiosk/devices/chip/pcsc-chip-reader.js';
import type { FaceAnalysisResult } from '../../../src/verification/capture/ports.js';
import { sessionChallenge } from '../../../src/verification/capture/session-challenge.js';
import type { Station } from '../../../src/store/repository.js';
import { RecordedFaceAnalyzer, embedding, oneFace } from '../recorded-face-analyzer.js';
import { API_TEST_MOTION, challengeFrames, challengeLandmarks } from '../liveness-evidence.js';
import { startVerificationTestApp, type VerificationTestApp } from '../verification-test-app.js';
import { startKioskFixture, type KioskFixture } from './kiosk-fixture.js';
import type { HolderPassport } from './holder-passport.js';
import { PassportPageScanner } from './passport-page-scanner.js';
import { freePort } from '../free-port.js';
import { routeSimulatedEntra, ENTRA } from '../capture-browser.js';
import { HOLDER_CLAIMS } from '../first-time-fixtures.js';
import type { Teardown } from '../loopback-app.js';

/** The scripted analyzer, answering by the picture's bytes where the test named them (else its script). */
class AnalyzerByPicture extends RecordedFaceAnalyzer {
  readonly byPicture = new Map<string, FaceAnalysisResult>();
  override async analyzeFace(image: Buffer): Promise<FaceAnalysisResult> {
    return this.byPicture.get(image.toString('base64')) ?? super.analyzeFace(image);
  }
}

export interface VerifiedKiosk {
  passport: HolderPassport;
  documents: DocumentsInspector;
  app: VerificationTestApp;
  kiosk: KioskFixture;
  scanner: PassportPageScanner;
  chip: PcscChipReader;
  station: Station;
  browser: Browser;
  engine: AnalyzerByPicture;
}

/** The appliance (default kiosk-depth assurance, the passport's CSCA trusted), the agent with its devices, the station registered, Chromium. */
export async function startVerifiedKiosk(t: Teardown, passport: HolderPassport): Promise<VerifiedKiosk> {
  const config = { liveness: { motion: API_TEST_MOTION }, documents: { emrtd: { cscaStorePath: passport.cscaStorePath } }, verification: { maxCaptureAttempts: 1 } } as const;
  const documents = await DocumentsInspector.load(buildConfig(config).documents);
  const agentPort = await freePort();
  const engine = new AnalyzerByPicture([oneFace(embedding(1))]);
  const app = await startVerificationTestApp(t, {
    faceEngine: engine, documents,
    config: { ...config, verification: { ...config.verification, kiosk: { agentOrigin: `http://127.0.0.1:${agentPort}` } } },
  });
  const scanner = new PassportPageScanner(passport.page);
  const chip = new PcscChipReader({ reader: 'Virtual PCD', timeoutMs: 30_000 });
  const kiosk = await startKioskFixture(t, { applianceUrl: app.baseUrl, allowedOrigin: new URL(app.baseUrl).origin }, { port: agentPort, devices: { scanner, chip } });
  const key = readStationPublicKey(kiosk.publicKeyPem);
  const station = app.repository.addStation({ stationId: 'c3'.repeat(16), name: 'Reception kiosk 2', publicKey: key.publicKey, algorithm: key.algorithm, keySha256: key.keySha256, createdAt: Date.now() });
  kiosk.config.stationId = station.stationId;
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  t.teardown(() => browser.close());
  return { passport, documents, app, kiosk, scanner, chip, station, browser, engine };
}

export interface FirstTimeWalk {
  state: string;
  fields: Record<string, string>;
  sessionId: string;
  consoleErrors: string[];
  scansAtChipScreen: number;
  heldAtSelfieScreen: string[] | undefined;
  /** What the person waits for, ms, from the tap to the next screen (the scripted typing excluded). */
  waitsMs: { scan: number; chip: number; selfieToEntra: number };
}

/** A person's first time: Start → scan → the access key on the keypad → chip → selfie → Entra's form_post. */
export async function walkFirstTime(k: VerifiedKiosk): Promise<FirstTimeWalk> {
  const { app, kiosk, passport, engine } = k;
  const context = await k.browser.newContext({ viewport: { width: 1080, height: 1920 } });
  try {
    const page = await context.newPage();
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

    await page.click('[data-action="start"]');
    let start = performance.now();
    await page.click('[data-action="scan"]');
    await page.locator('[data-screen="chip"]').waitFor({ state: 'visible', timeout: 60_000 });
    const scan = performance.now() - start;
    const scansAtChipScreen = k.scanner.scans;
    const typeOnKeypad = async (field: string, text: string) => {
      await page.click(`.field[data-field="${field}"]`);
      for (const c of text) await page.click(`.key[data-key="${c}"]`);
    };
    await typeOnKeypad('documentNumber', passport.files.key.documentNumber);
    await typeOnKeypad('dateOfBirth', passport.files.key.dateOfBirth);
    await typeOnKeypad('dateOfExpiry', passport.files.key.dateOfExpiry);
    start = performance.now();
    await page.click('[data-action="chip"]');
    await page.locator('[data-screen="selfie"]').waitFor({ state: 'visible', timeout: 60_000 });
    const chip = performance.now() - start;
    const sessionId = /\/verify\/([^/]+)\/capture/.exec(await page.locator('[data-capture-url]').getAttribute('data-capture-url') ?? '')?.[1] ?? '';
    const heldAtSelfieScreen = kiosk.agent.held.get(sessionId)?.captures.map((c) => c.kind);

    // The person in front of the camera acts out the challenge the session asked for.
    const { steps } = sessionChallenge(app.repository.getSession(sessionId)!, app.config.liveness.challenge);
    kiosk.camera.perform(steps);
    engine.byPicture.set(kiosk.camera.colour.toString('base64'), oneFace(embedding(1), {}, { landmarks468: kiosk.camera.evidence.landmarks }));
    const landmarks = challengeLandmarks(steps);
    challengeFrames(steps).forEach((jpeg, i) => engine.byPicture.set(jpeg.toString('base64'), oneFace(embedding(1), {}, { landmarks468: landmarks[i] })));
    start = performance.now();
    await page.click('[data-action="selfie"]');
    const fields = await postBack;
    const selfieToEntra = performance.now() - start;
    return { state: request.state, fields, sessionId, consoleErrors, scansAtChipScreen, heldAtSelfieScreen, waitsMs: { scan, chip, selfieToEntra } };
  } finally {
    await context.close();
  }
}
