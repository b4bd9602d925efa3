// kiosk.json: documented defaults, and every refusal names the key, what was expected and what was received.
import t from 'tap';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadKioskConfig } from '../../src/kiosk/config/load-kiosk-config.js';

const ok = { applianceUrl: 'https://idv.contoso.example/verify' };

t.test('defaults: SoftHSM, loopback port 7480, the appliance\'s origin as the only CORS origin', (t) => {
  const c = loadKioskConfig(null, ok);
  t.match(c, {
    applianceUrl: 'https://idv.contoso.example/verify', allowedOrigin: 'https://idv.contoso.example', stationId: null,
    key: { module: '/usr/lib/softhsm/libsofthsm2.so', tokenLabel: 'proofgate-kiosk', keyLabel: 'station', pinFile: 'token/user.pin', softhsmConf: 'token/softhsm2.conf' },
    listen: { port: 7480, maxBodyBytes: 4096 }, clock: { maxSkewSeconds: 30 }, scanner: { irUv: 'auto', extraOptions: [] }, chip: { reader: null },
  });
  const tpm = loadKioskConfig(null, { ...ok, key: { module: '/usr/lib/x86_64-linux-gnu/libtpm2_pkcs11.so.1', softhsmConf: null, pinFile: null } });
  t.match(tpm.key, { module: '/usr/lib/x86_64-linux-gnu/libtpm2_pkcs11.so.1', softhsmConf: null, pinFile: null, pinEnv: 'PROOFGATE_KIOSK_PIN' });
  t.end();
});

t.test('refusals name the key', (t) => {
  const cases: [Record<string, unknown>, string][] = [
    [{}, 'config kiosk.applianceUrl: expected the appliance URL (https://…), received null'],
    [{ applianceUrl: 'http://idv.contoso.example' }, 'config kiosk.applianceUrl: expected an https URL (http only for a loopback appliance in development), received "http://idv.contoso.example"'],
    [{ ...ok, allowedOrigin: 'https://idv.contoso.example/path' }, 'config kiosk.allowedOrigin: expected an origin (scheme://host[:port], no path), received "https://idv.contoso.example/path"'],
    [{ ...ok, stationId: 'ABC' }, 'config kiosk.stationId: expected the 32 lowercase hex characters `proofgate station add` printed, or null, received "ABC"'],
    [{ ...ok, listen: { port: 70000 } }, 'config kiosk.listen.port: expected an integer in 0..65535, received 70000'],
    [{ ...ok, listen: { prot: 1 } }, 'config kiosk.listen.prot: expected no such key (misspelled?), received 1'],
    [{ ...ok, scanner: { extraOptions: ['--mode=Color; rm -rf /'] } }, 'config kiosk.scanner.extraOptions: expected an array of strings matching /^--[a-z][a-z0-9-]{0,40}=[A-Za-z0-9 ._:/-]{0,80}$/, received ["--mode=Color; rm -rf /"]'],
    [{ ...ok, scanner: { irUv: 'yes' } }, 'config kiosk.scanner.irUv: expected one of auto, off, received "yes"'],
    [{ ...ok, camera: { colour: { width: 1281, height: 720 } } }, 'config kiosk.camera.colour.width: expected an even width (YUYV packs two pixels), received 1281'],
    [{ ...ok, camera: { depthIntrinsics: { cx: 9000 } } }, 'config kiosk.camera.depthIntrinsics.cx: expected a number in 0..848, received 9000'],
    [{ ...ok, camera: { depthDevice: 'video0' } }, 'config kiosk.camera.depthDevice: expected a string matching /^\\/dev\\/[A-Za-z0-9._/-]{1,100}$/, received "video0"'],
    [{ ...ok, camera: { depthToColour: { rotation: [1, 0, 0] } } }, 'config kiosk.camera.depthToColour.rotation: expected an array of 9 numbers within ±1.0001, received [1,0,0]'],
    [{ ...ok, key: { module: 'libsofthsm2.so' } }, 'config kiosk.key.module: expected a string matching /^\\/[^\\0]{1,200}\\.so(\\.\\d+)*$/, received "libsofthsm2.so"'],
  ];
  for (const [over, message] of cases) t.throws(() => loadKioskConfig(null, over), { code: 'ERR_CONFIG', message }, message);
  t.end();
});

t.test('the file: unreadable, not JSON, too large', (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kiosk-config-'));
  t.throws(() => loadKioskConfig(path.join(dir, 'missing.json')), { message: `config kiosk: expected a readable configuration file at ${dir}/missing.json, received "ENOENT"` });
  writeFileSync(path.join(dir, 'bad.json'), '{');
  t.throws(() => loadKioskConfig(path.join(dir, 'bad.json')), { code: 'ERR_CONFIG', message: /^config kiosk: expected JSON in / });
  writeFileSync(path.join(dir, 'big.json'), ' '.repeat(70_000));
  t.throws(() => loadKioskConfig(path.join(dir, 'big.json')), { message: 'config kiosk: expected a configuration file of at most 65536 bytes, received "70000 bytes"' });
  writeFileSync(path.join(dir, 'kiosk.json'), JSON.stringify({ ...ok, stationId: 'ab'.repeat(16) }));
  t.equal(loadKioskConfig(path.join(dir, 'kiosk.json')).stationId, 'ab'.repeat(16));
  t.end();
});
