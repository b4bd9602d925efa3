// A help-desk verification request on the running appliance (startAppliance: the real wiring, store, SoftHSM
// token, face engine), in headless Chromium, with real staff sign-in: the agent is added with `proofgate staff
// add` and registers a passkey in Chromium's DevTools virtual authenticator (real keys and signatures), the
// account is enrolled with `proofgate enrol` (the CLI, a child process on the same store and token). The agent
// opens the help desk from the staff home page, finds the account by UPN and creates a request; the person
// opens the link on a phone (phone-sized, touch, the fake camera) and verifies with the remote liveness tier
// (the remote-liveness e2e's settings); the console, following the status, shows the result.
// Reached as http://localhost (a secure context, and a host name WebAuthn accepts as RP ID).
import t from 'tap';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { writeFileSync } from 'node:fs';
import { buildConfig } from '../../src/config/index.js';
import { initHsm } from '../../src/hsm/init-token.js';
import { startAppliance } from '../../src/cli/start-appliance.js';
import { silentLogger } from '../../src/core/log.js';
import { projectRoot } from '../../src/core/project-root.js';
import { openConfiguredRepository } from '../../src/store/open-store.js';
import { sessionChallenge } from '../../src/verification/capture/session-challenge.js';
import { embeddedTokenDataDir } from '../helpers/softhsm.js';
import { freePort } from '../helpers/free-port.js';
import { LAPTOP, PHONE, launchWithCameraFile } from '../helpers/capture-browser.js';
import { PersonTimer } from '../helpers/person-time.js';
import { e2eFaceEngine } from '../helpers/e2e-face-engine.js';
import { encodeJpeg } from '../../eval/lib/rgb-image.js';
import { fakeCameraClip, type FakeCameraClipRequest } from '../../eval/synth2d/fake-camera-clip.js';
import { PORTRAIT_SUBJECTS, loadPortrait } from '../../eval/synth2d/portrait-subjects.js';

const execFileAsync = promisify(execFile);
const LIVENESS = { challenge: { kinds: ['turn-left', 'turn-right', 'look-up'], steps: 2 }, motion: { tracking: { minParallax: 0.015 } } };
const LEAD_IN_MS = 1200;
const TAIL_MS = 1500;
const TID = '6f1c2a4e-0b7d-4c1e-9a55-1d2e3f4a5b6c';
const OID = '0a9b8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d';
const UPN = 'ada@contoso.example';

const engine = await e2eFaceEngine();
const portrait = await loadPortrait(engine, PORTRAIT_SUBJECTS.find((s) => s.id === 's02')!);
const placeholder = fakeCameraClip({ species: 'bona-fide', portrait, steps: [], leadInMs: 34, tailMs: 0 });

t.test('on the running appliance, with a passkey-signed-in agent: create, verify on a phone, the console shows verified', async (t) => {
  const dataDir = embeddedTokenDataDir(t, 'proofgate-helpdesk-e2e-');
  const port = await freePort();
  const base = `http://localhost:${port}`;
  const raw = { server: { dataDir, host: '127.0.0.1', port, publicBaseUrl: base }, hsm: { tokenLabel: 'helpdesk-e2e' }, liveness: LIVENESS };
  const configFile = path.join(dataDir, 'proofgate.json');
  writeFileSync(configFile, JSON.stringify(raw));
  const config = buildConfig(raw);
  await initHsm(config.hsm, dataDir);
  const appliance = await startAppliance(config, silentLogger);
  t.teardown(() => appliance.close());

  const cli = async (...args: string[]) => (await execFileAsync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args],
    { cwd: projectRoot, timeout: 120_000, env: { ...process.env, PROOFGATE_CONFIG: configFile } })).stdout.trim().split('\n');
  const photo = path.join(dataDir, 'reference.jpg');
  writeFileSync(photo, encodeJpeg(portrait.texture, 92));
  await cli('enrol', '--tid', TID, '--oid', OID, '--upn', UPN, '--photo', photo, '--attested-by', 'e2e-desk-officer');
  const [, registration] = await cli('staff', 'add', 'Hana Agent', '--role', 'helpdesk');
  t.match(registration, new RegExp(`^${base}/staff/register/`));

  const { browser, cameraFile } = await launchWithCameraFile(t, placeholder);
  const errors: string[] = [];
  const watch = (who: string, page: import('playwright-core').Page) => page.on('console', (m) => {
    if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) errors.push(`${who}: ${m.text()}`);
  });

  // ---- the agent registers a passkey, lands on the staff home page and opens the help desk
  const agentContext = await browser.newContext({ viewport: LAPTOP });
  const agent = await agentContext.newPage();
  watch('agent', agent);
  const cdp = await agentContext.newCDPSession(agent);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
  await agent.goto(registration);
  await agent.locator('#passkey-start').click();
  await agent.waitForURL(`${base}/staff`);
  await agent.locator('#staff-places a', { hasText: 'Help desk' }).click();
  await agent.waitForURL(`${base}/helpdesk`);
  await agent.locator('#upn').fill(UPN);
  await agent.locator('#find-by-upn button').click();
  await agent.locator(`section.account[data-oid="${OID}"] button`).click();
  await agent.locator('#helpdesk-created').waitFor();
  const link = (await agent.locator('#request-link').getAttribute('href'))!;
  const requestId = (await agent.locator('#helpdesk-created').getAttribute('data-request-id'))!;
  t.match(link, new RegExp(`^${base}/r/`), 'the link is on the public URL');

  // ---- the person, on a phone
  const phoneContext = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true, deviceScaleFactor: 3 });
  const phone = await phoneContext.newPage();
  // When the page took the selfie after the clip's still lead-in (a loaded machine), the steps were filmed late: say so.
  const timer = new PersonTimer();
  await timer.attach(phone);
  await phone.addInitScript(timer.script);
  watch('phone', phone);
  await phone.goto(link);
  await phone.locator('#request-start').tap();
  await phone.locator('#verify').waitFor();
  const captureUrl = (await phone.locator('#verify').getAttribute('data-capture-url'))!;
  const sessionId = decodeURIComponent(/\/verify\/([^/]+)\/capture$/.exec(captureUrl)![1]);
  const reader = openConfiguredRepository(config);
  t.teardown(() => reader.close());
  const session = reader.getSession(sessionId)!;
  const { steps } = sessionChallenge(session, config.liveness.challenge);
  writeFileSync(cameraFile, fakeCameraClip({
    species: 'bona-fide', portrait, steps: steps as FakeCameraClipRequest['steps'], seed: 'helpdesk-appliance-e2e',
    leadInMs: LEAD_IN_MS, stepMs: config.liveness.challenge.stepMs, tailMs: TAIL_MS,
  }));
  await phone.locator('#start-camera').tap();
  await phone.locator('#request-done').waitFor({ timeout: 90_000 });
  t.comment(`phone: camera open → auto-capture ${timer.between('camera-open', 'auto-capture')} ms (the clip's still lead-in is ${LEAD_IN_MS} ms)`);

  // ---- the console shows the result
  await agent.locator('#result').waitFor({ timeout: 30_000 });
  const decided = [...reader.auditRecords()].find((r) => r.sessionId === sessionId)!;
  const failed = decided.checks.filter((c) => c.outcome === 'fail').map((c) => `${c.name}: ${c.reason}`).join('; ');
  t.equal(await agent.locator('#result-decision').textContent(), 'verified', `verified (${failed || 'no failed check'})`);
  t.equal(await agent.locator('#result-tier').textContent(), 'remote-active');
  t.match(reader.requests.get(requestId)!, { status: 'verified', createdBy: { kind: 'staff', name: 'Hana Agent', role: 'helpdesk' } });
  const viewed = [...reader.auditRecords()].filter((r) => r.flow === 'helpdesk').map((r) => r.checks[0].name);
  t.same(viewed, ['helpdesk-account-search', 'helpdesk-request-created', 'helpdesk-result-viewed'], 'the agent\'s acts, each audited');
  t.same(errors, [], 'no console errors (CSP included)');
});
