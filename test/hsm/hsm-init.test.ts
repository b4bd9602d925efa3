import t from 'tap';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pkcs11js from 'pkcs11js';
import { buildConfig } from '../../src/config/index.js';
import { initHsm } from '../../src/hsm/init-token.js';
import { openApplianceHsm, openHsmToken, openKeyRing } from '../../src/hsm/open-hsm.js';
import { embeddedTokenDataDir } from '../helpers/softhsm.js';

const dataDir = embeddedTokenDataDir(t, 'proofgate-hsm-init-');
const cfg = buildConfig({ hsm: { tokenLabel: 'init-test' } }).hsm;

t.test('hsm init creates the embedded token, PIN files, first signing key and wrapping key', async (t) => {
  const report = await initHsm(cfg, dataDir);
  t.match(report, { tokenCreated: true, signingKeyCreated: true, wrappingKeyCreated: true, auditMacKeyCreated: true });
  t.match(report.auditMacKeyId, /^pkcs11-hmac:[A-Za-z0-9_-]{22}$/);
  t.same(report.filesWritten.map((f) => path.relative(dataDir, f)).sort(), ['hsm/so.pin', 'hsm/softhsm2.conf', 'hsm/user.pin']);
  for (const f of ['hsm/so.pin', 'hsm/user.pin', 'hsm/softhsm2.conf']) t.equal(statSync(path.join(dataDir, f)).mode & 0o777, 0o600, `${f} is 0600`);
  const userPin = readFileSync(path.join(dataDir, 'hsm/user.pin'), 'utf8').trim();
  t.match(userPin, /^[0-9a-f]{32}$/, '128-bit user PIN');
  t.not(readFileSync(path.join(dataDir, 'hsm/so.pin'), 'utf8').trim(), userPin, 'SO PIN differs');
  t.equal(process.env.SOFTHSM2_CONF, path.join(dataDir, 'hsm/softhsm2.conf'));

  // Cross-check with OpenSC's tool: the private key never leaves the token.
  const listing = execFileSync('pkcs11-tool', ['--module', cfg.module, '--token-label', 'init-test', '--login', '--pin', userPin, '--list-objects'],
    { encoding: 'utf8', env: process.env, stdio: ['ignore', 'pipe', 'ignore'] });
  t.match(listing, /Private Key Object; RSA[\s\S]*label:\s+proofgate\/sign\/[\s\S]*Access:\s+sensitive, always sensitive, never extractable/);
  t.match(listing, /Certificate Object; type = X\.509 cert/);
  t.match(listing, /Secret Key Object; AES length 32[\s\S]*label:\s+proofgate\/wrap/);
  t.match(listing, /Secret Key Object; Generic secret length 32[\s\S]*label:\s+proofgate\/audit-mac/);
});

t.test('hsm init is idempotent', async (t) => {
  const hsm = openHsmToken(cfg, dataDir);
  const first = await openKeyRing(hsm, cfg).active();
  await hsm.close();
  const again = await initHsm(cfg, dataDir);
  t.match(again, { tokenCreated: false, signingKeyCreated: false, wrappingKeyCreated: false, auditMacKeyCreated: false, kid: first.kid });
  t.same(again.filesWritten, []);
  const slots = execFileSync('softhsm2-util', ['--show-slots'], { encoding: 'utf8', env: process.env });
  t.equal(slots.match(/Label:\s+init-test\s*$/gm)?.length, 1, 'still exactly one token with the label');
});

t.test('init refuses, by name, an existing token whose user PIN file is missing (it never writes a PIN that cannot open it)', async (t) => {
  const pinFile = path.join(dataDir, 'hsm/user.pin');
  const pin = readFileSync(pinFile, 'utf8');
  rmSync(pinFile);
  t.teardown(() => writeFileSync(pinFile, pin, { mode: 0o600 }));
  await t.rejects(initHsm(cfg, dataDir), { code: 'ERR_HSM', message: /the token "init-test" exists but its user PIN file .*hsm\/user\.pin is missing: put the PIN there/ });
  t.notOk(existsSync(pinFile), 'no new random PIN was written');
});

t.test('the appliance opens what init made, from the config alone', async (t) => {
  const hsm = await openApplianceHsm(cfg, dataDir);
  t.teardown(() => hsm.close());
  const key = await hsm.keyRing.active();
  t.equal((await key.sign(Buffer.from('x'))).length, 256);
  const dataKey = Buffer.alloc(32, 9);
  t.same(await hsm.dataKeyWrapper.unwrap(await hsm.dataKeyWrapper.wrap(dataKey)), dataKey);
});

t.test('start-up without `hsm init` fails with a clear error', async (t) => {
  await t.rejects(openApplianceHsm({ ...cfg, keyLabelPrefix: 'never-initialised' }, dataDir), {
    code: 'ERR_HSM_UNAVAILABLE', message: 'HSM unavailable: no signing key in the token: run `proofgate hsm init`',
  });
});

t.test('a token initialised before the audit MAC existed: start-up names it, the next init adds it', async (t) => {
  const hsm = openHsmToken(cfg, dataDir);
  const removed = await hsm.run('remove audit MAC key', (ctx) => {
    const found = ctx.findObjects([{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY }, { type: pkcs11js.CKA_LABEL, value: 'proofgate/audit-mac' }]);
    for (const key of found) ctx.api.C_DestroyObject(ctx.session, key);
    return found.length;
  });
  await hsm.close();
  t.equal(removed, 1, 'the older token now has signing and wrapping keys only');
  await t.rejects(openApplianceHsm(cfg, dataDir), {
    code: 'ERR_HSM', message: 'no audit MAC key "proofgate/audit-mac" in the token: run `proofgate init`',
  });
  const report = await initHsm(cfg, dataDir);
  t.match(report, { tokenCreated: false, signingKeyCreated: false, wrappingKeyCreated: false, auditMacKeyCreated: true });
  const opened = await openApplianceHsm(cfg, dataDir);
  t.teardown(() => opened.close());
  t.equal(opened.auditMacKeys.macKeyId, report.auditMacKeyId);
  t.equal((await opened.auditMacKeys.positionKey(1)).length, 32);
});
