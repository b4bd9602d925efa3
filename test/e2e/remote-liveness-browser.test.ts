// Remote liveness end to end in headless Chromium: a returning user on a laptop webcam performs the
// session's two challenge steps, and the server decides from the filmed frames alone (the active
// challenge and the 3D consistency of the motion). The "webcam" is Chromium's file-backed fake camera
// playing a clip from the 2D generator (eval/synth2d): a LIVE rendered head doing the steps verifies;
// a MOVED PRINT of the same face, moved through the steps as a print can be, a SCREEN showing a still
// photo of it held up to the camera, and the photo WARPED IN 2D to fake the steps (as a virtual camera
// would inject it) are each denied.
//
// The steps are drawn per session from its nonce, so the clip can only be made once the session
// exists. Chromium reads the camera file when capture starts (not at launch; it must merely exist at
// launch for the camera to be listed), and the page starts the camera only after the consent click:
// so the browser starts with a placeholder file, "Entra" opens the session, the test reads the steps
// from the session, writes the clip over the placeholder, then presses "I agree".
//
// A last round does the same from a phone with the shipped default policy: the laptop hands off with
// "Use your phone", the phone confirms the code and films the steps, the laptop posts to Entra.
//
// The live round also measures person time (page load → form_post at Entra) and prints its split.
// Real parts: Chromium, the capture page, SQLite on disk, SoftHSM, the native face engine.
import t, { type Test } from 'tap';
import type { Browser, Page } from 'playwright-core';
import { LAPTOP, PHONE, launchWithCameraFile, startRound } from '../helpers/capture-browser.js';
import { PersonTimer, personTimeRows, personTimeTable } from '../helpers/person-time.js';
import { startVerificationTestApp, type VerificationTestApp } from '../helpers/verification-test-app.js';
import { e2eFaceEngine } from '../helpers/e2e-face-engine.js';
import { createTestToken } from '../helpers/softhsm.js';
import { initHsm } from '../../src/hsm/init-token.js';
import { openApplianceHsm, type ApplianceHsm } from '../../src/hsm/open-hsm.js';
import { enrolFromReferencePhoto } from '../../src/verification/flow/enrol-from-reference-photo.js';
import { sessionChallenge } from '../../src/verification/capture/session-challenge.js';
import { buildConfig } from '../../src/config/index.js';
import { encodeJpeg } from '../../eval/lib/rgb-image.js';
import { fakeCameraClip, type FakeCameraClipRequest } from '../../eval/synth2d/fake-camera-clip.js';
import { BROWSER_LIVENESS, CLIP_LEAD_IN_MS, writeChallengeClip } from '../helpers/browser-liveness-clip.js';
import { PORTRAIT_SUBJECTS, loadPortrait, type Portrait } from '../../eval/synth2d/portrait-subjects.js';

const token = await createTestToken();
await initHsm(token.hsmConfig, token.dir);
const hsm: ApplianceHsm = await openApplianceHsm(token.hsmConfig, token.dir);
t.teardown(async () => {
  await hsm.close();
  await token.cleanup();
});

const engine = await e2eFaceEngine();
// A subject who faces the camera in the portrait (landmark yaw 0.3 deg): the challenge requires the
// head to start within liveness.challenge.maxStartYawDeg of frontal, and the renderer's rest pose is
// the portrait's own (s03, used elsewhere, rests at ~19 deg).
const portrait: Portrait = await loadPortrait(engine, PORTRAIT_SUBJECTS.find((s) => s.id === 's02')!);

async function startApp(t: Test): Promise<VerificationTestApp> {
  const app = await startVerificationTestApp(t, { faceEngine: engine, keyRing: hsm.keyRing, dataKeyWrapper: hsm.dataKeyWrapper, config: { liveness: BROWSER_LIVENESS } });
  // Enrolled from the portrait itself (the photo the desk would hold); the camera films a rendering of it.
  await enrolFromReferencePhoto(
    { repo: app.repository, audit: app.auditTrail, faceEngine: engine, quality: app.config.verification.quality, maxImageBytes: app.config.server.maxImageBytes },
    { tid: app.entra.tid, oid: app.entra.oid, upn: 'ada@contoso.example', photo: encodeJpeg(portrait.texture, 92), attestedBy: 'e2e-desk-officer' },
  );
  return app;
}

/** One frame facing the camera at the clip's size: what the camera file holds until the clip is written. */
const placeholder = fakeCameraClip({ species: 'bona-fide', portrait, steps: [], leadInMs: 34, tailMs: 0 });

interface RemoteRound {
  app: VerificationTestApp;
  request: Record<string, string>;
  fields: Record<string, string>;
  steps: string[];
  timer: PersonTimer;
  consoleErrors: string[];
  browser: Browser;
}

/** Entra → capture page; the clip of `species` doing this session's steps; consent; the answer at Entra. */
async function remoteRound(t: Test, species: FakeCameraClipRequest['species']): Promise<RemoteRound> {
  const app = await startApp(t);
  const { browser, cameraFile } = await launchWithCameraFile(t, placeholder);
  const timer = new PersonTimer();
  const { page, request, postBack, consoleErrors } = await startRound(browser, app, { viewport: { width: 1366, height: 768 }, initScript: timer.script, beforeLoad: timer.attach });

  const captureUrl = (await page.locator('#verify').getAttribute('data-capture-url'))!;
  const sessionId = decodeURIComponent(/\/verify\/([^/]+)\/capture$/.exec(captureUrl)![1]);
  const session = app.repository.getSession(sessionId)!;
  const { steps } = sessionChallenge(session, app.config.liveness.challenge);
  const listed = await page.locator('#steps li.step').evaluateAll((els) => els.map((el) => (el as HTMLElement).dataset.kind!));
  t.same(listed, steps, `the page lists the session's steps (${steps.join(' then ')})`);
  t.ok(await page.locator('#stage').isHidden(), 'the camera waits for consent');

  writeChallengeClip(cameraFile, { species, portrait, steps, stepMs: app.config.liveness.challenge.stepMs });
  await page.locator('#start-camera').click();

  if (species !== 'bona-fide') {
    // A denial shows the reference first; the person (here at once) returns to sign-in.
    await page.locator('#return-to-sign-in').waitFor({ state: 'visible', timeout: 60_000 });
    await page.locator('#return-to-sign-in').click();
  }
  const fields = await postBack;
  return { app, request, fields, steps, timer, consoleErrors, browser };
}

const check = (app: VerificationTestApp, name: string) => app.repository.lastAuditRecord()!.checks.find((c) => c.name === name);

t.test('a live head performing the session\'s two steps verifies: id_token at Entra, challenge and motion parallax passed', async (t) => {
  const { app, request, fields, steps, timer, consoleErrors } = await remoteRound(t, 'bona-fide');
  t.same(Object.keys(fields).sort(), ['id_token', 'state'], `id_token and state posted to Entra (got ${JSON.stringify(Object.keys(fields))}${fields.error ? `: ${fields.error_description}` : ''})`);
  t.equal(fields.state, request.state);
  if (fields.id_token) {
    const claims = await app.verifyIdToken(fields.id_token);
    t.equal(claims.sub, app.entra.sub, 'sub is the hint sub');
    t.equal(claims.nonce, request.nonce, 'nonce echoed');
  }
  const audit = app.repository.lastAuditRecord()!;
  t.match(audit, { flow: 'returning', decision: 'verified' });
  t.match(check(app, 'face-match'), { outcome: 'pass' });
  t.match(check(app, 'liveness-challenge'), { outcome: 'pass', score: steps.length, threshold: steps.length }, `${steps.join(' then ')} seen in order`);
  t.match(check(app, 'liveness-challenge-same-person'), { outcome: 'pass' });
  const parallax = check(app, 'liveness-motion-parallax');
  t.match(parallax, { outcome: 'pass' }, 'the landmarks moved like a 3D head');
  const occlusion = check(app, 'liveness-motion-occlusion');
  t.match(occlusion, { outcome: 'pass', threshold: 0.05 }, `part of the face went out of view at the turn (${occlusion?.score})`);
  t.match(check(app, 'liveness'), { outcome: 'pass', reason: /^evidence: challenge; verdict: remote-active / });
  t.match(check(app, 'liveness-tier'), { outcome: 'pass', reason: /^tier reached: remote-active; tier required: remote-active/ }, 'the audit records the tier: remote-active, as the default policy requires');
  const injection = audit.checks.filter((c) => c.name.startsWith('liveness-injection-'));
  t.ok(injection.length > 0 && injection.every((c) => c.outcome !== 'fail'), `injection signals measured, none refused (${injection.map((c) => `${c.name} ${c.outcome}`).join(', ')})`);
  t.same(consoleErrors, [], 'no console errors (CSP included)');

  if (check(app, 'liveness-challenge')?.outcome !== 'pass') t.comment(`liveness-challenge: ${check(app, 'liveness-challenge')?.reason}`);
  const rows = personTimeRows(timer);
  const lag = timer.between('camera-open', 'auto-capture');
  t.comment(`steps ${steps.join(' then ')}; parallax ${parallax?.score} (threshold ${parallax?.threshold}, shipped ${buildConfig({}).liveness.motion.tracking.minParallax}): ${parallax?.reason}; clip lead-in ${CLIP_LEAD_IN_MS} ms, camera open → auto-capture ${lag} ms`);
  t.comment(`person time, live round (headless Chromium, fake camera, loopback server):\n${personTimeTable(rows)}`);
  t.ok(lag < CLIP_LEAD_IN_MS, `the selfie was taken during the clip's still lead-in (${lag} < ${CLIP_LEAD_IN_MS} ms): the steps were filmed from their start`);
});

/**
 * A presentation attack of `species` filmed doing this session's steps (as far as it can): denied at
 * Entra, with the enrolled face matched, so liveness alone refuses it and the audit names the check(s).
 */
function attackIsDenied(species: Exclude<FakeCameraClipRequest['species'], 'bona-fide'>, what: string): void {
  t.test(`${what} is denied: access_denied at Entra, the audit names the failing check`, async (t) => {
    const { app, request, fields, steps, timer } = await remoteRound(t, species);
    t.equal(fields.error, 'access_denied');
    t.equal(fields.state, request.state);
    t.notOk('id_token' in fields, 'no id_token');
    const audit = app.repository.lastAuditRecord()!;
    t.match(audit, { flow: 'returning', decision: 'denied' });
    t.match(check(app, 'face-match'), { outcome: 'pass' }, `the ${species} shows the enrolled face: only liveness can refuse it`);
    const challenge = check(app, 'liveness-challenge');
    const parallax = check(app, 'liveness-motion-parallax');
    const scores = `liveness-challenge ${challenge?.outcome} (${challenge?.score}/${challenge?.threshold}); `
      + `liveness-motion-parallax ${parallax?.outcome ?? 'absent'} (${parallax?.score} vs ${parallax?.threshold}): ${parallax?.reason?.split(';')[0]}`;
    const failing = [challenge, parallax].filter((c) => c?.outcome === 'fail').map((c) => c!.name);
    t.ok(failing.length > 0, `the audit names the failing check(s): ${failing.join(', ') || 'none'} (${scores})`);
    t.match(check(app, 'liveness'), { outcome: 'fail', reason: /^evidence: challenge; verdict: (challenge|motion)-failed / });
    t.match(check(app, 'liveness-tier'), { outcome: 'fail', reason: /^tier reached: none; tier required: remote-active/ }, `the ${species} reached no tier`);
    // Filmed from the first step, so the denial is the attack's and not a late selfie's.
    const lag = timer.between('camera-open', 'auto-capture');
    t.ok(lag < CLIP_LEAD_IN_MS, `the selfie was taken during the clip's still lead-in (${lag} < ${CLIP_LEAD_IN_MS} ms)`);
    if (species === 'warp-2d') {
      // A one-to-one map of a picture hides nothing: the warp keeps its points in view.
      const occlusion = check(app, 'liveness-motion-occlusion');
      t.match(occlusion, { outcome: 'fail', threshold: 0.05 }, `the warp kept its points in view (${occlusion?.score} lost)`);
    }
    t.comment(`${species}: steps ${steps.join(' then ')}; camera open → auto-capture ${lag} ms; liveness-challenge: ${challenge?.reason}; liveness-motion-parallax: ${parallax?.reason}`);
  });
}

attackIsDenied('print-moved', 'a moved print performing the same kind of steps');
attackIsDenied('screen-still', 'a screen showing a still photo of the person, held up to the camera');
attackIsDenied('warp-2d', 'a photo animated by 2D warps to fake the steps, injected as the camera');

/** Presses "Use your phone" on the laptop and reads the link (the QR code's) and code the server answered. */
async function askForPhone(laptop: Page): Promise<{ link: string; code: string }> {
  const start = laptop.locator('#handoff-start');
  await start.waitFor({ state: 'visible', timeout: 30_000 });
  const issued = laptop.waitForResponse((r) => r.request().method() === 'POST' && /\/handoff$/.test(new URL(r.url()).pathname), { timeout: 30_000 });
  await start.click();
  const { url, code } = (await (await issued).json()) as { url: string; code: string };
  return { link: url, code };
}

// The shipped default configuration does not exempt the phone: a returning user who hands off to a
// phone must reach remote-active there too. The laptop never starts its camera in this flow; the
// phone's page films the session's steps with the browser's (shared) fake camera, so the clip is
// written after the session exists and before the phone's consent tap.
t.test('from a phone with the default policy: the phone films the two steps, the laptop posts a verified id_token to Entra', async (t) => {
  const app = await startApp(t);
  const { browser, cameraFile } = await launchWithCameraFile(t, placeholder);
  const { page: laptop, request, postBack, consoleErrors } = await startRound(browser, app, { viewport: LAPTOP });

  const captureUrl = (await laptop.locator('#verify').getAttribute('data-capture-url'))!;
  const session = app.repository.getSession(decodeURIComponent(/\/verify\/([^/]+)\/capture$/.exec(captureUrl)![1]))!;
  const { steps } = sessionChallenge(session, app.config.liveness.challenge);
  const { link, code } = await askForPhone(laptop);
  t.equal(await laptop.locator('#handoff-code').textContent(), code, 'the laptop shows the code');

  // ---- the phone opens the link (as scanning the QR code would) and confirms the code
  const phoneContext = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true, deviceScaleFactor: 3 });
  const phone = await phoneContext.newPage();
  const timer = new PersonTimer();
  await timer.attach(phone);
  await phone.addInitScript(timer.script);
  const phoneErrors: string[] = [];
  // The phone's browser asks the appliance's origin for /favicon.ico by itself (the laptop came from
  // "Entra" and never does): that 404 is the browser's, not the page's.
  phone.on('console', (m) => { if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) phoneErrors.push(`${m.text()} ${m.location().url}`); });
  await phone.goto(link);
  t.equal(await phone.locator('#handoff-phone-code').textContent(), code, 'the phone shows the same code');
  await phone.locator('#handoff-confirm-yes').tap();
  await laptop.waitForFunction(() => document.getElementById('handoff')!.dataset.state === 'confirmed', null, { timeout: 30_000 });
  await phone.locator('#start-camera').waitFor({ state: 'visible', timeout: 30_000 });
  const listed = await phone.locator('#steps li.step').evaluateAll((els) => els.map((el) => (el as HTMLElement).dataset.kind!));
  t.same(listed, steps, `the phone lists the session's steps (${steps.join(' then ')})`);

  // The same clip (seed included) as the laptop's live round: only the device and the hand-off differ.
  writeChallengeClip(cameraFile, { species: 'bona-fide', portrait, steps, stepMs: app.config.liveness.challenge.stepMs });
  await phone.locator('#start-camera').tap();

  // ---- the laptop, following over SSE, posts the decision to Entra
  const fields = await postBack;
  t.same(Object.keys(fields).sort(), ['id_token', 'state'], `the laptop posted id_token and state to Entra (got ${JSON.stringify(Object.keys(fields))}${fields.error ? `: ${fields.error_description}` : ''})`);
  t.equal(fields.state, request.state);
  if (fields.id_token) {
    const claims = await app.verifyIdToken(fields.id_token);
    t.equal(claims.sub, app.entra.sub, 'the id_token verifies: sub is the hint sub');
    t.equal(claims.nonce, request.nonce, 'nonce echoed');
  }
  const audit = app.repository.lastAuditRecord()!;
  t.match(audit, { flow: 'returning', decision: 'verified' });
  t.match(check(app, 'phone-handoff'), { outcome: 'pass' }, 'the audit records the phone hand-off');
  t.match(check(app, 'face-match'), { outcome: 'pass' });
  t.match(check(app, 'liveness-challenge'), { outcome: 'pass', score: steps.length, threshold: steps.length }, `${steps.join(' then ')} seen in order on the phone`);
  t.match(check(app, 'liveness-motion-parallax'), { outcome: 'pass' }, 'the landmarks moved like a 3D head');
  t.match(check(app, 'liveness-tier'), { outcome: 'pass', reason: /^tier reached: remote-active; tier required: remote-active/ }, 'remote-active reached on the phone, as the default policy requires');
  const injection = audit.checks.filter((c) => c.name.startsWith('liveness-injection-'));
  t.ok(injection.length > 0 && injection.every((c) => c.outcome !== 'fail'), `injection signals measured, none refused (${injection.map((c) => `${c.name} ${c.outcome}`).join(', ')})`);
  await phone.waitForFunction(() => /Go back to your computer/.test(document.body.textContent ?? ''), null, { timeout: 30_000 });
  t.pass('the phone says go back to the computer');
  t.same([...consoleErrors, ...phoneErrors], [], 'no console errors on either device (CSP included)');
  const parallax = check(app, 'liveness-motion-parallax');
  t.comment(`steps ${steps.join(' then ')}; parallax ${parallax?.outcome} ${parallax?.score} (threshold ${parallax?.threshold}): ${parallax?.reason}`);
  t.comment(`phone: camera open → auto-capture ${timer.between('camera-open', 'auto-capture')} ms; filming ${timer.between('filming-start', 'filming-end')} ms`);
  if (check(app, 'liveness-challenge')?.outcome !== 'pass') t.comment(`liveness-challenge: ${check(app, 'liveness-challenge')?.reason}`);
});
