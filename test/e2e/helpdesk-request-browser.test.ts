// A help-desk verification request end to end in headless Chromium. The agent, signed in to the console
// (through the StaffAuth test double), finds the account by its UPN and creates a request; the console
// shows the link, the code and the QR code. The person opens the link on a phone (phone-sized, touch, the
// fake camera), presses Start, and verifies as a returning user with the remote liveness tier: the session's
// two challenge steps filmed by the fake camera from the 2D generator (as test/e2e/remote-liveness-browser.test.ts
// does, with its liveness settings). The phone ends on "done — you can tell the agent"; the agent's console,
// following the status, shows the result: verified, the tier, each check. The signed result verifies.
// Real parts: Chromium, the console and capture pages, SQLite on disk, SoftHSM, the native face engine.
import t from 'tap';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { LAPTOP, PHONE, launchWithCameraFile } from '../helpers/capture-browser.js';
import { PersonTimer } from '../helpers/person-time.js';
import { startHelpdeskTestApp } from '../helpers/helpdesk-test-app.js';
import { TEST_STAFF_COOKIE } from '../helpers/test-staff-auth.js';
import { e2eFaceEngine } from '../helpers/e2e-face-engine.js';
import { createTestToken } from '../helpers/softhsm.js';
import { initHsm } from '../../src/hsm/init-token.js';
import { openApplianceHsm, type ApplianceHsm } from '../../src/hsm/open-hsm.js';
import { enrolFromReferencePhoto } from '../../src/verification/flow/enrol-from-reference-photo.js';
import { sessionChallenge } from '../../src/verification/capture/session-challenge.js';
import { RESULT_JWS_TYPE } from '../../src/helpdesk/result-jws.js';
import { encodeJpeg } from '../../eval/lib/rgb-image.js';
import { fakeCameraClip } from '../../eval/synth2d/fake-camera-clip.js';
import { BROWSER_LIVENESS, CLIP_LEAD_IN_MS, writeChallengeClip } from '../helpers/browser-liveness-clip.js';
import { PORTRAIT_SUBJECTS, loadPortrait } from '../../eval/synth2d/portrait-subjects.js';

const token = await createTestToken();
await initHsm(token.hsmConfig, token.dir);
const hsm: ApplianceHsm = await openApplianceHsm(token.hsmConfig, token.dir);
t.teardown(async () => {
  await hsm.close();
  await token.cleanup();
});

const UPN = 'ada@contoso.example';

const engine = await e2eFaceEngine();
const portrait = await loadPortrait(engine, PORTRAIT_SUBJECTS.find((s) => s.id === 's02')!);
const placeholder = fakeCameraClip({ species: 'bona-fide', portrait, steps: [], leadInMs: 34, tailMs: 0 });

t.test('the agent creates a request, the person verifies on a phone, the console shows the result', async (t) => {
  const app = await startHelpdeskTestApp(t, { faceEngine: engine, keyRing: hsm.keyRing, dataKeyWrapper: hsm.dataKeyWrapper, config: { liveness: BROWSER_LIVENESS } });
  const tid = app.entra.tid.toLowerCase();
  const oid = app.entra.oid.toLowerCase();
  await enrolFromReferencePhoto(
    { repo: app.repository, audit: app.auditTrail, faceEngine: engine, quality: app.config.verification.quality, maxImageBytes: app.config.server.maxImageBytes },
    { tid, oid, upn: UPN, photo: encodeJpeg(portrait.texture, 92), attestedBy: 'e2e-desk-officer' },
  );
  const { browser, cameraFile } = await launchWithCameraFile(t, placeholder);
  const errors: string[] = [];

  // ---- the agent, at the console on a laptop
  const { cookie } = app.staffAuth.signIn({ id: 'staff-agent-1', name: 'Hana Agent', role: 'helpdesk' });
  const agentContext = await browser.newContext({ viewport: LAPTOP });
  await agentContext.addCookies([{ name: TEST_STAFF_COOKIE, value: cookie.split('=')[1], url: app.issuer }]);
  const agent = await agentContext.newPage();
  agent.on('console', (m) => { if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) errors.push(`agent: ${m.text()}`); });
  await agent.goto(`${app.issuer}/helpdesk`);
  await agent.locator('#upn').fill(UPN);
  await agent.locator('#find-by-upn button').click();
  await agent.locator(`section.account[data-oid="${oid}"] button`).click();
  await agent.locator('#helpdesk-created').waitFor();
  const link = (await agent.locator('#request-link').getAttribute('href'))!;
  const code = (await agent.locator('#request-code').textContent())!;
  t.match(code, /^\d{6}$/, 'the console shows the code');
  t.ok(await agent.locator('#request-qr').isVisible(), 'and the QR code of the link');
  const requestId = (await agent.locator('#helpdesk-created').getAttribute('data-request-id'))!;

  // ---- the person, on a phone
  const phoneContext = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true, deviceScaleFactor: 3 });
  const phone = await phoneContext.newPage();
  // When the page took the selfie after the clip's still lead-in (a loaded machine), the steps were filmed late: say so.
  const timer = new PersonTimer();
  await timer.attach(phone);
  await phone.addInitScript(timer.script);
  phone.on('console', (m) => { if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) errors.push(`phone: ${m.text()}`); });
  await phone.goto(link);
  await phone.locator('#request-start').tap();
  await phone.locator('#verify').waitFor();
  const captureUrl = (await phone.locator('#verify').getAttribute('data-capture-url'))!;
  const session = app.repository.getSession(decodeURIComponent(/\/verify\/([^/]+)\/capture$/.exec(captureUrl)![1]))!;
  t.equal(session.clientRequestId, requestId, 'the session belongs to the request');
  const { steps } = sessionChallenge(session, app.config.liveness.challenge);
  writeChallengeClip(cameraFile, { species: 'bona-fide', portrait, steps, stepMs: app.config.liveness.challenge.stepMs });
  await phone.locator('#start-camera').tap();
  await phone.locator('#request-done').waitFor({ timeout: 90_000 });
  t.comment(`phone: camera open → auto-capture ${timer.between('camera-open', 'auto-capture')} ms (the clip's still lead-in is ${CLIP_LEAD_IN_MS} ms; later, the steps are filmed late)`);
  t.match(await phone.locator('#request-done').textContent(), /you can tell the agent/, 'the phone says: done, tell the agent');

  // ---- the agent's console follows the status and shows the result
  await agent.locator('#result').waitFor({ timeout: 30_000 });
  const decision = await agent.locator('#result-decision').textContent();
  // The decision's own record (the console's view of it was recorded after it).
  const audit = [...app.repository.auditRecords()].find((r) => r.sessionId === session.sessionId && r.flow === 'returning')!;
  const record = app.repository.requests.get(requestId)!;
  t.equal(decision, 'verified', `the console shows verified (audit: ${audit.checks.filter((c) => c.outcome === 'fail').map((c) => `${c.name}: ${c.reason}`).join('; ') || 'no failed check'})`);
  t.equal(await agent.locator('#result-tier').textContent(), 'remote-active', 'the tier reached');
  const shown = await agent.locator('#result-checks tr[data-check]').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.check));
  t.ok(shown.includes('face-match') && shown.includes('liveness-challenge') && shown.includes('liveness-tier'), `each check with its score, threshold and outcome (${shown.join(', ')})`);
  t.equal(await agent.locator('#result-reference').textContent(), session.sessionId.slice(0, 10), 'the reference id');
  t.ok(await agent.locator('#images-hidden').isVisible(), 'no images for the helpdesk role');
  t.match(record, { status: 'verified', decision: 'verified', sessionId: session.sessionId });
  t.match(app.repository.getSubject(tid, oid), { upn: UPN });

  await app.helpdesk.results.settled();
  const jws = app.repository.requests.get(requestId)!.resultJws!;
  const { payload } = await jwtVerify(jws, createRemoteJWKSet(new URL(`${app.issuer}/oidc/jwks`)), { issuer: app.issuer, typ: RESULT_JWS_TYPE });
  t.match(payload, { request_id: requestId, decision: 'verified', tier: 'remote-active', tid, oid });
  t.same(errors, [], 'no console errors on either device (CSP included)');
});
