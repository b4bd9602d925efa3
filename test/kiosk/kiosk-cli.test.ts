// `proofgate-kiosk init`, `selftest` and `start` in process, on a throwaway SoftHSM token under a temporary
// data directory (the agent writes its own softhsm2.conf there and points SOFTHSM2_CONF at it), with the
// real adapters: SANE's `test` backend for the scanner, a V4L2 node that is not there for the camera, a
// PC/SC reader name no reader has. The appliance's clock is a real HTTP server whose Date header the test sets.
import t, { type Test } from 'tap';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runKioskCli, type KioskCliIo } from '../../src/kiosk/cli/main.js';
import { readStationPublicKey } from '../../src/verification/station/station-key.js';
import { V4l2RgbdCamera } from '../../src/kiosk/devices/camera/v4l2-rgbd-camera.js';
import { SaneScanner } from '../../src/kiosk/devices/scanner/sane-scanner.js';
import { PcscChipReader } from '../../src/kiosk/devices/chip/pcsc-chip-reader.js';
import { saneTestBackend } from '../helpers/kiosk/sane-test-backend.js';

/** An "appliance" that answers every request with its Date header offset by `offsetMs`. */
async function applianceClock(t: Test, offsetMs: number): Promise<string> {
  const server = createServer((_req, res) => { res.setHeader('Date', new Date(Date.now() + offsetMs).toUTCString()); res.end(); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function station(t: Test, applianceUrl: string, extra: Record<string, unknown> = {}) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'proofgate-kiosk-cli-'));
  const sane = saneTestBackend();
  const previousConf = process.env.SOFTHSM2_CONF;
  t.teardown(() => {
    rmSync(dataDir, { recursive: true, force: true });
    sane.cleanup();
    if (previousConf === undefined) delete process.env.SOFTHSM2_CONF;
    else process.env.SOFTHSM2_CONF = previousConf;
  });
  const config = path.join(dataDir, 'kiosk.json');
  writeFileSync(config, JSON.stringify({ applianceUrl, dataDir, camera: { depthDevice: '/dev/video-absent-0', colourDevice: '/dev/video-absent-1' }, chip: { reader: 'No Such Reader 9' }, listen: { port: 0 }, ...extra }));
  const run = async (...argv: string[]) => {
    let out = '', err = '';
    let started: { url: string; close: () => Promise<void> } | undefined;
    const io: KioskCliIo = {
      out: (s) => { out += s; }, err: (s) => { err += s; },
      devices: (c) => ({ camera: new V4l2RgbdCamera(c.camera), scanner: new SaneScanner(c.scanner, { env: sane.env }), chip: new PcscChipReader({ reader: c.chip.reader, timeoutMs: c.chip.timeoutMs }) }),
      onStarted: (url, close) => { started = { url, close }; },
    };
    const code = await runKioskCli([...argv, '--config', config], io);
    return { code, out, err, started };
  };
  return { dataDir, config, run };
}

t.test('init creates the token and a non-extractable P-256 key once and prints the key `station add` accepts', async (t) => {
  const s = station(t, await applianceClock(t, 0));
  const first = await s.run('init');
  t.equal(first.code, 0, first.err);
  t.match(first.err, /^token "proofgate-kiosk": created; station key "station": created \(ECDSA P-256, non-extractable\)\n/);
  const key = readStationPublicKey(first.out);
  t.match(key, { algorithm: 'ES256', description: 'ECDSA P-256' });
  for (const f of ['token/user.pin', 'token/so.pin', 'token/softhsm2.conf']) t.equal(statSync(path.join(s.dataDir, f)).mode & 0o777, 0o600, `${f} is 0600`);
  const again = await s.run('init');
  t.equal(again.code, 0);
  t.match(again.err, /token "proofgate-kiosk": present; station key "station": present/);
  t.equal(again.out, first.out, 'the same key, not a new one');
});

t.test('selftest reports each device, the key (a test signature), the registration and the clock', async (t) => {
  const s = station(t, await applianceClock(t, 0));
  const before = await s.run('selftest', '--json');
  t.equal(before.code, 1);
  t.match(JSON.parse(before.out).checks[0], { name: 'station key', ok: false, remedy: 'run `proofgate-kiosk init`' }, 'no token yet');

  t.equal((await s.run('init')).code, 0);
  const res = await s.run('selftest', '--json');
  t.equal(res.code, 1, 'not all is well: no camera, no such chip reader, not registered');
  const report = JSON.parse(res.out);
  t.same(report.devices.map((d: { device: string; ok: boolean }) => [d.device, d.ok]), [['camera', false], ['scanner', true], ['chip', false]]);
  t.match(report.devices[0], { detail: 'depth node /dev/video-absent-0: cannot open /dev/video-absent-0: No such file or directory', remedy: /^plug the RGB-D camera into a USB 3 port/ });
  t.match(report.devices[1], { detail: /^SANE test:0 \(Noname frontend-tester virtual device\); lights: white/ });
  t.match(report.devices[2], { ok: false, remedy: /pcscd/ }, 'the PC/SC reader named is not there (or pcscd is not running)');
  t.match(report.checks, [
    { name: 'station key', ok: true, detail: 'ECDSA P-256 "station" in token "proofgate-kiosk" (/usr/lib/softhsm/libsofthsm2.so); non-extractable; test signature verified' },
    { name: 'registration', ok: false, detail: 'kiosk.json has no stationId' },
    { name: 'clock', ok: true, detail: /^the station's clock is [01] s (ahead of|behind) the appliance's/ },
  ]);
  const text = await s.run('selftest');
  t.match(text.out, /^FAIL camera: depth node .*\n     → plug the RGB-D camera/);
  t.match(text.out, /\nok   scanner: SANE test:0/);
});

t.test('selftest names a clock that is off and which way', async (t) => {
  const s = station(t, await applianceClock(t, -90_000), { stationId: 'ab'.repeat(16) });
  t.equal((await s.run('init')).code, 0);
  const report = JSON.parse((await s.run('selftest', '--json')).out);
  t.match(report.checks[1], { name: 'registration', ok: true });
  t.match(report.checks[2], { name: 'clock', ok: false, detail: /^the station's clock is (89|90|91) s ahead of the appliance's/, remedy: 'set up NTP on the station (and the appliance)' });
});

t.test('start serves the loopback API; usage and configuration errors are refused with their message', async (t) => {
  const s = station(t, await applianceClock(t, 0));
  t.match(await s.run('start'), { code: 1, err: /^proofgate-kiosk start: .*run `proofgate-kiosk init`/ }, 'no key: start refuses');
  t.equal((await s.run('init')).code, 0);
  const started = await s.run('start');
  t.equal(started.code, 0, started.err);
  const origin = new URL(JSON.parse((await import('node:fs')).readFileSync(s.config, 'utf8')).applianceUrl).origin;
  const status = await fetch(`${started.started!.url}/status`, { headers: { origin } });
  t.equal(status.status, 200);
  t.equal((await fetch(`${started.started!.url}/status`, { headers: { origin: 'https://evil.example' } })).status, 403);
  await started.started!.close();

  t.match(await runKioskCli(['launch'], { out: () => {}, err: () => {} }), 2);
  t.match(await runKioskCli(['init', '--bogus'], { out: () => {}, err: () => {} }), 2);
  let err = '';
  t.equal(await runKioskCli(['selftest', '--config', '/nonexistent/kiosk.json'], { out: () => {}, err: (x) => { err += x; } }), 1);
  t.equal(err, 'proofgate-kiosk selftest: config kiosk: expected a readable configuration file at /nonexistent/kiosk.json, received "ENOENT"\n');
});
