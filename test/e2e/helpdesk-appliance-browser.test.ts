// The help desk's "done when", on the running appliance (startAppliance: the real wiring, store, SoftHSM token,
// face engine), in headless Chromium. A staff member added with `proofgate staff add` registers a passkey in
// Chromium's DevTools virtual authenticator (real keys and signatures), signs out and signs in with it; the
// account is enrolled with `proofgate enrol` (the CLI, a child process on the same store and token). Account
// recovery is enabled against the simulated Graph (test/helpers/simulated-graph.ts), whose client certificate
// `proofgate recovery certificate` made in the test's token and the test uploaded. The agent opens the help desk
// from the staff home page, finds the account and creates a `recovery` request; the person opens the link on a
// phone (390x844, touch, the fake camera) and verifies with the remote liveness tier (the remote-liveness
// e2e's settings and clip timing); the done page shows
// the Temporary Access Pass; the console, following the status, shows the result and never the pass. Then a
// second enrolment of the same face on another account is held, and an admin finds it on /helpdesk/holds.
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
import { startSimulatedGraph } from '../helpers/simulated-graph.js';
import type { CDPSession, Page } from 'playwright-core';
import { fakeCameraClip } from '../../eval/synth2d/fake-camera-clip.js';
import { BROWSER_LIVENESS, CLIP_LEAD_IN_MS, writeChallengeClip } from '../helpers/browser-liveness-clip.js';
import { PORTRAIT_SUBJECTS, loadPortrait } from '../../eval/synth2d/portrait-subjects.js';

const execFileAsync = promisify(execFile);
const TID = '6f1c2a4e-0b7d-4c1e-9a55-1d2e3f4a5b6c';
const OID = '0a9b8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d';
const UPN = 'ada@contoso.example';
// The second account the same face is enrolled on (held), and the app registration in the simulated tenant.
const OID_TWIN = '5d4c3b2a-1f0e-4d9c-8b7a-6e5f4a3b2c1d';
const CLIENT_ID = '3c2b1a09-8f7e-4d6c-9b5a-4e3d2c1b0a9f';

/** A browser context with its own DevTools virtual authenticator (a platform passkey with user verification). */
async function withAuthenticator(page: Page): Promise<CDPSession> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
  return cdp;
}

const engine = await e2eFaceEngine();
const portrait = await loadPortrait(engine, PORTRAIT_SUBJECTS.find((s) => s.id === 's02')!);
const placeholder = fakeCameraClip({ species: 'bona-fide', portrait, steps: [], leadInMs: 34, tailMs: 0 });

t.test('on the running appliance: passkey sign-in, a recovery request verified on a phone, the pass shown once, the console\'s result, a duplicate held for an admin', async (t) => {
  const dataDir = embeddedTokenDataDir(t, 'proofgate-helpdesk-e2e-');
  const port = await freePort();
  const base = `http://localhost:${port}`;
  const graph = await startSimulatedGraph(t, { tenantId: TID, clientId: CLIENT_ID, users: [OID, OID_TWIN] });
  const raw = {
    server: { dataDir, host: '127.0.0.1', port, publicBaseUrl: base }, hsm: { tokenLabel: 'helpdesk-e2e' }, liveness: BROWSER_LIVENESS,
    recovery: { tap: { enabled: true, tenantId: TID, clientId: CLIENT_ID, authorityBaseUrl: graph.authorityBaseUrl, graphBaseUrl: graph.graphBaseUrl } },
  };
  const configFile = path.join(dataDir, 'proofgate.json');
  writeFileSync(configFile, JSON.stringify(raw));
  const config = buildConfig(raw);
  await initHsm(config.hsm, dataDir);
  const run = (...args: string[]) => execFileAsync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args],
    { cwd: projectRoot, timeout: 120_000, env: { ...process.env, PROOFGATE_CONFIG: configFile } });
  const cli = async (...args: string[]) => (await run(...args)).stdout.trim().split('\n');

  // The Graph client certificate, made in the token by the CLI and uploaded to the app registration, before
  // start-up (an enabled recovery without it refuses to start).
  const certificate = (await cli('recovery', 'certificate', '--by', 'e2e-admin')).join('\n');
  const pem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(certificate)?.[0];
  t.ok(pem, 'recovery certificate prints the certificate');
  graph.uploadCertificate(pem!);
  const appliance = await startAppliance(config, silentLogger);
  t.teardown(() => appliance.close());

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
  await withAuthenticator(agent);
  await agent.goto(registration);
  await agent.locator('#passkey-start').click();
  await agent.waitForURL(`${base}/staff`);
  // Signs out, and in again with the passkey the authenticator now holds.
  await agent.locator('#sign-out').click();
  await agent.waitForURL(`${base}/staff/sign-in`);
  await agent.locator('#passkey-start').click();
  await agent.waitForURL(`${base}/staff`);
  t.equal(await agent.locator('#staff-role').textContent(), 'helpdesk', 'signed in with the passkey');
  t.equal(await agent.locator('#staff-places a[href="/helpdesk/holds"]').count(), 0, 'no held enrolments for a help-desk agent');
  await agent.locator('#staff-places a', { hasText: 'Help desk' }).click();
  await agent.waitForURL(`${base}/helpdesk`);
  await agent.locator('#upn').fill(UPN);
  await agent.locator('#find-by-upn button').click();
  await agent.locator(`section.account[data-oid="${OID}"] select[name="purpose"]`).selectOption('recovery');
  await agent.locator(`section.account[data-oid="${OID}"] button`).click();
  await agent.locator('#helpdesk-created').waitFor();
  const link = (await agent.locator('#request-link').getAttribute('href'))!;
  const requestId = (await agent.locator('#helpdesk-created').getAttribute('data-request-id'))!;
  t.match(link, new RegExp(`^${base}/r/`), 'the link is on the public URL');

  // ---- the person, on a phone
  const phoneContext = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true, deviceScaleFactor: 3 });
  const phone = await phoneContext.newPage();
  // How long the page took from opening the camera to its selfie (the clip keeps the steps after it either way).
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
  writeChallengeClip(cameraFile, { species: 'bona-fide', portrait, steps, stepMs: config.liveness.challenge.stepMs });
  await phone.locator('#start-camera').tap();
  await phone.locator('#request-done').waitFor({ timeout: 90_000 });
  t.comment(`phone: camera open → auto-capture ${timer.between('camera-open', 'auto-capture')} ms (the clip's still lead-in is ${CLIP_LEAD_IN_MS} ms; later, the steps are filmed late)`);
  const done = (await phone.locator('#request-done').textContent())?.replace(/\s+/g, ' ') ?? '';
  const tap = (await phone.locator('#tap-once-code').count()) === 1 ? (await phone.locator('#tap-once-code').textContent())!.trim() : '';
  t.equal(tap, graph.created[0]?.temporaryAccessPass,
    `the phone shows the Temporary Access Pass Graph created (page: ${done}; Graph calls ${JSON.stringify(graph.calls)}, refusals ${JSON.stringify(graph.refusals)})`);
  t.equal(graph.created[0]?.userId, OID, 'for the request\'s account');

  // ---- the console shows the result
  await agent.locator('#result').waitFor({ timeout: 30_000 });
  const decided = [...reader.auditRecords()].find((r) => r.sessionId === sessionId)!;
  const failed = decided.checks.filter((c) => c.outcome === 'fail').map((c) => `${c.name}: ${c.reason}`).join('; ');
  t.equal(await agent.locator('#result-decision').textContent(), 'verified', `verified (${failed || 'no failed check'})`);
  t.equal(await agent.locator('#result-tier').textContent(), 'remote-active');
  t.match(reader.requests.get(requestId)!, { status: 'verified', createdBy: { kind: 'staff', name: 'Hana Agent', role: 'helpdesk' } });
  const viewed = [...reader.auditRecords()].filter((r) => r.flow === 'helpdesk').map((r) => r.checks[0].name);
  t.same(viewed, ['helpdesk-account-search', 'helpdesk-request-created', 'helpdesk-result-viewed'], 'the agent\'s acts, each audited');
  t.equal(await agent.locator('#result-checks tr[data-check="face-match"]').count(), 1, 'each check is listed, with its score and outcome');
  await agent.reload();
  await agent.locator('#result').waitFor();
  t.notOk((await agent.content()).includes(tap), 'the console never shows the pass');
  const recoveryRecords = [...reader.auditRecords()].filter((r) => r.flow === 'recovery' && r.tid === TID);
  t.match(recoveryRecords, [{ checks: [{ name: 'tap-issue', outcome: 'pass' }] }], 'the issue is on the audit trail');
  t.notOk(JSON.stringify([...reader.auditRecords()]).includes(tap), 'and the pass is in no audit record');

  // ---- the same face enrolled on another account: held, not enrolled; an admin finds it in the console
  const second = await run('enrol', '--tid', TID, '--oid', OID_TWIN, '--upn', 'ada.twin@contoso.example', '--photo', photo, '--attested-by', 'e2e-desk-officer')
    .then(() => null, (e: { code?: number; stdout?: string; stderr?: string }) => e);
  t.ok(second && second.code !== 0, 'proofgate enrol exits non-zero');
  const [hold] = reader.enrolmentHolds.openForAccount(TID, OID_TWIN);
  t.match(hold, { state: 'held', matchedOid: OID }, 'the second enrolment is held against the first account');
  t.equal(reader.getProfile(TID, OID_TWIN), null, 'no profile for the second account');
  t.match(`${second?.stdout ?? ''}${second?.stderr ?? ''}`, new RegExp(hold?.holdId ?? 'no hold'), 'the CLI names the hold');

  const [, adminLink] = await cli('staff', 'add', 'Ari Admin', '--role', 'admin');
  const adminContext = await browser.newContext({ viewport: LAPTOP });
  const admin = await adminContext.newPage();
  watch('admin', admin);
  await withAuthenticator(admin);
  await admin.goto(adminLink);
  await admin.locator('#passkey-start').click();
  await admin.waitForURL(`${base}/staff`);
  await admin.locator('#staff-places a[href="/helpdesk/holds"]').click();
  await admin.waitForURL(`${base}/helpdesk/holds`);
  const row = admin.locator(`tr.hold[data-hold-id="${hold.holdId}"]`);
  t.match(await row.textContent(), /ada\.twin@contoso\.example/, 'the admin sees the held enrolment');
  t.equal(await row.getAttribute('data-state'), 'held');
  t.equal(await row.locator('form.hold-release button').count(), 1, 'with Release');
  t.equal(await row.locator('form.hold-reject button').count(), 1, 'and Reject');
  t.same(errors, [], 'no console errors (CSP included)');
  // Last: the refusal's own 403 would be a console error of the agent's page.
  const refused = await agent.goto(`${base}/helpdesk/holds`);
  t.equal(refused?.status(), 403, 'the help-desk agent is refused the held enrolments');
});
