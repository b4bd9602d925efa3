// Staff passkeys end to end, in headless Chromium with its DevTools virtual authenticator (a CTAP2 platform
// authenticator with resident keys and user verification: real keys, real signatures) against a running
// appliance reached as http://localhost (a secure context, and a host name WebAuthn accepts as RP ID).
// Staff are added with the real CLI (a child process on the same store and HSM token); each registers a
// passkey from the printed link, signs out, signs in again and reaches the pages of their role; another
// role is refused; an admin revokes a member from the admin page and the member's session and passkey stop
// working at once. Every act is one audit record naming the staff member.
import t from 'tap';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { writeFileSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildConfig } from '../../src/config/index.js';
import { initHsm } from '../../src/hsm/init-token.js';
import { startAppliance } from '../../src/cli/start-appliance.js';
import { silentLogger } from '../../src/core/log.js';
import { openConfiguredRepository } from '../../src/store/open-store.js';
import { projectRoot } from '../../src/core/project-root.js';
import { embeddedTokenDataDir } from '../helpers/softhsm.js';
import { freePort } from '../helpers/free-port.js';

const execFileAsync = promisify(execFile);

async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A fresh browser profile holding one virtual passkey authenticator. */
async function staffBrowser(browser: Browser): Promise<{ page: Page; credentials: () => Promise<number>; consoleErrors: string[] }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
  const credentials = async () => (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials.length;
  return { page, credentials, consoleErrors };
}

t.test('register, sign out, sign in, roles enforced, revocation ends everything: in Chromium with a virtual authenticator', async (t) => {
  const dataDir = embeddedTokenDataDir(t, 'proofgate-staff-e2e-');
  const port = await freePort();
  const base = `http://localhost:${port}`;
  const raw = {
    server: { dataDir, host: '127.0.0.1', port, publicBaseUrl: base },
    hsm: { tokenLabel: 'staff-e2e' },
    biometrics: { manifest: path.join(dataDir, 'no-such-manifest.json') },
  };
  const configFile = path.join(dataDir, 'proofgate.json');
  writeFileSync(configFile, JSON.stringify(raw));
  const config = buildConfig(raw);
  await initHsm(config.hsm, dataDir);
  const appliance = await startAppliance(config, silentLogger);
  t.teardown(() => appliance.close());

  const cli = async (...args: string[]) => (await execFileAsync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'staff', ...args],
    { cwd: projectRoot, timeout: 60_000, env: { ...process.env, PROOFGATE_CONFIG: configFile } })).stdout.trim().split('\n');
  const add = async (name: string, role: string) => {
    const [added, link] = await cli('add', name, '--role', role);
    const id = /^staff ([0-9a-f]{32}) added/.exec(added)?.[1];
    t.ok(id, `${name}: the id is printed (${added})`);
    t.match(link, new RegExp(`^${base}/staff/register/[A-Za-z0-9_-]{43}$`), 'then the one-time link under the public URL');
    return { id: id!, link };
  };
  const desk = await add('Dana Desk', 'helpdesk');
  const admin = await add('Ada Admin', 'admin');

  const browser = await launch();
  t.teardown(() => browser.close());

  // The help-desk member registers from the link and lands on the home page, signed in.
  const a = await staffBrowser(browser);
  await a.page.goto(desk.link);
  await a.page.locator('#passkey-start').click();
  await a.page.waitForURL(`${base}/staff`);
  t.equal(await a.page.locator('#staff-name').textContent(), 'Dana Desk');
  t.equal(await a.page.locator('#staff-role').textContent(), 'helpdesk');
  t.equal(await a.page.locator(`a[href="/staff/admin"]`).count(), 0, 'the home page does not offer the admin page to a help-desk member');
  t.equal(await a.credentials(), 1, 'a resident passkey now lives in the authenticator');
  const cookie = (await a.page.context().cookies()).find((c) => c.name === '__Host-proofgate-staff');
  t.match(cookie, { httpOnly: true, secure: true, sameSite: 'Strict', path: '/' }, 'the session cookie is locked down');

  // The link worked once.
  const again = await a.page.goto(desk.link);
  t.equal(again?.status(), 404, 'a used registration link is refused');

  // Sign out, and the home page is gone; sign in again with the same passkey (no name typed).
  await a.page.goto(`${base}/staff`);
  await a.page.locator('#sign-out').click();
  await a.page.waitForURL(`${base}/staff/sign-in`);
  await a.page.goto(`${base}/staff`);
  t.equal(new URL(a.page.url()).pathname, '/staff/sign-in', 'signed out: the home page sends to sign-in');
  await a.page.locator('#passkey-start').click();
  await a.page.waitForURL(`${base}/staff`);
  t.equal(await a.page.locator('#staff-role').textContent(), 'helpdesk', 'signed in again with the passkey');

  // Another role's page is refused.
  const adminPageForDesk = await a.page.goto(`${base}/staff/admin`);
  t.equal(adminPageForDesk?.status(), 403, 'a help-desk member cannot open the admin page');
  t.match(await a.page.content(), /your role \(helpdesk\) cannot use this page/);

  // The admin registers and revokes the help-desk member from the admin page.
  const b = await staffBrowser(browser);
  await b.page.goto(admin.link);
  await b.page.locator('#passkey-start').click();
  await b.page.waitForURL(`${base}/staff`);
  await b.page.locator('#staff-places a', { hasText: 'Staff accounts' }).click();
  await b.page.waitForURL(`${base}/staff/admin`);
  await b.page.locator(`tr[data-staff-id="${desk.id}"] button`).click();
  await b.page.locator('#staff-admin-notice').waitFor();
  t.match(await b.page.locator(`tr[data-staff-id="${desk.id}"]`).textContent(), /revoked/);

  // The revoked member's session and passkey end at once.
  await a.page.goto(`${base}/staff`);
  t.equal(new URL(a.page.url()).pathname, '/staff/sign-in', 'the revoked member\'s session is gone');
  await a.page.locator('#passkey-start').click();
  await t.resolves(a.page.locator('#passkey-status', { hasText: 'Sign-in failed: sign-in refused' }).waitFor(), 'and the passkey no longer signs in');

  t.same([...a.consoleErrors.filter((e) => !/status of 40[34]/.test(e)), ...b.consoleErrors], [], 'no CSP violation or script error');

  // `staff list` sees it all; the audit trail names each act and who did it.
  const listed = JSON.parse((await cli('list', '--json'))[0]) as { staff: Array<{ id: string; status: string; passkeys: number; lastSignInAt: string | null }> };
  t.match(listed.staff.find((s) => s.id === desk.id), { status: 'revoked', passkeys: 0, lastSignInAt: /^\d{4}-\d\d-\d\dT/ });
  t.match(listed.staff.find((s) => s.id === admin.id), { status: 'active', passkeys: 1 });
  const repo = openConfiguredRepository(config);
  t.teardown(() => repo.close());
  const acts = [...repo.auditRecords()].filter((r) => r.flow === 'staff').map((r) => [r.checks[0].name, r.oid, r.actor?.id ?? null]);
  t.same(acts, [
    ['staff-add', desk.id, null],
    ['staff-add', admin.id, null],
    ['staff-passkey-register', desk.id, desk.id],
    ['staff-sign-out', desk.id, desk.id],
    ['staff-sign-in', desk.id, desk.id],
    ['staff-passkey-register', admin.id, admin.id],
    ['staff-revoke', desk.id, admin.id],
  ], 'one record per act, with the actor when a signed-in member acted');
});
