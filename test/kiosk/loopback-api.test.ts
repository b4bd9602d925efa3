// The agent's loopback API as a hostile page would meet it: other origins get no CORS and a 403, a
// DNS-rebinding host name is refused, bodies are bounded JSON objects with named fields, and the session's
// captures live only in memory: a reset, a device pulled mid-flow or corrupt frames wipe them, so the
// station goes back to its start screen with nothing half-held. A wrong chip key keeps the session.
import t from 'tap';
import { request } from 'node:http';
import { startKioskFixture, APPLIANCE_ORIGIN } from '../helpers/kiosk/kiosk-fixture.js';

const ids = { sessionId: 'S'.repeat(43), nonce: 'n'.repeat(43) };

/** A raw request with the Host header as given (fetch() will not let a page set it; a rebinding page's browser does). */
function rawGet(port: number, host: string, origin: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/status', headers: { host, origin } }, (res) => {
      let body = '';
      res.on('data', (c) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

t.test('CORS: only the appliance origin, on requests and preflights (with Private Network Access)', async (t) => {
  const k = await startKioskFixture(t);
  const status = await k.call('/status');
  t.equal(status.status, 200);
  t.equal(status.headers.get('access-control-allow-origin'), APPLIANCE_ORIGIN);
  t.same(status.json.devices.map((d: { device: string }) => d.device), ['camera', 'scanner', 'chip']);
  t.match(status.json.devices[1], { device: 'scanner', ok: true, detail: /^SANE test:0 \(Noname frontend-tester virtual device\); lights: white \(no IR\/UV offered\)$/ });

  for (const origin of ['https://evil.example', 'null', 'https://idv.contoso.example.evil.example', 'http://idv.contoso.example']) {
    const res = await k.call('/status', undefined, { origin });
    t.equal(res.status, 403, `${origin}: 403`);
    t.equal(res.headers.get('access-control-allow-origin'), null, `${origin}: no CORS header`);
  }
  const noOrigin = await fetch(`${k.running.url}/status`);
  t.equal(noOrigin.status, 403, 'no Origin: refused');

  const preflight = await fetch(`${k.running.url}/scan`, {
    method: 'OPTIONS', headers: { origin: APPLIANCE_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-private-network': 'true' },
  });
  t.equal(preflight.status, 204);
  t.equal(preflight.headers.get('access-control-allow-private-network'), 'true');
  t.equal(preflight.headers.get('access-control-allow-methods'), 'GET, POST');
  const evilPreflight = await fetch(`${k.running.url}/scan`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
  t.equal(evilPreflight.status, 403);
  t.equal(evilPreflight.headers.get('access-control-allow-origin'), null);
});

t.test('Host: a DNS-rebinding name is refused; 127.0.0.1 and localhost on the agent\'s port are answered', async (t) => {
  const k = await startKioskFixture(t);
  for (const host of ['evil.example', `evil.example:${k.running.port}`, `127.0.0.1:${k.running.port + 1}`, '127.0.0.1', 'localhost']) {
    const res = await rawGet(k.running.port, host, APPLIANCE_ORIGIN);
    t.equal(res.status, 421, `Host "${host}": 421`);
    t.match(JSON.parse(res.body), { error: 'host-refused' });
  }
  t.equal((await rawGet(k.running.port, `localhost:${k.running.port}`, APPLIANCE_ORIGIN)).status, 200);
  t.equal((await rawGet(k.running.port, `127.0.0.1:${k.running.port}`, APPLIANCE_ORIGIN)).status, 200);
});

t.test('bodies: bounded JSON objects with named fields', async (t) => {
  const k = await startKioskFixture(t);
  t.match(await k.call('/scan', 'x'.repeat(5000)), { status: 413, json: { error: 'payload-too-large' } });
  t.match(await k.call('/scan', '{"sessionId":'), { status: 400, json: { error: 'bad-request', message: 'the body is not valid JSON' } });
  t.match(await k.call('/scan', '[1]'), { status: 400, json: { error: 'bad-request', message: 'the body must be a JSON object' } });
  t.match(await k.call('/scan', 'a=b', { 'content-type': 'application/x-www-form-urlencoded' }), { status: 415 });
  t.match(await k.call('/scan', { ...ids, sessionId: '../x' }), { status: 400, json: { message: 'sessionId must be the verification session id (16 to 128 of A-Z a-z 0-9 _ -)' } });
  t.match(await k.call('/scan', { ...ids, extra: 1 }), { status: 400, json: { message: 'unknown field "extra"' } });
  t.match(await k.call('/chip', { ...ids, accessKey: { documentNumber: 'L898902C3', dateOfBirth: '741312', dateOfExpiry: '120415' } }),
    { status: 400, json: { message: 'dateOfBirth must be a date as YYMMDD' } });
  t.match(await k.call('/chip', { ...ids, accessKey: { can: '12345' } }), { status: 400, json: { message: 'can must be the 6-digit card access number' } });
  t.match(await k.call('/nowhere', {}), { status: 404 });
  t.equal(k.agent.held.size, 0, 'no refusal holds anything');
  t.equal(k.camera.captures, 0, 'no refusal reaches a device');
});

t.test('captures are held per session and wiped by reset; the nonce a session started with is the only one it accepts', async (t) => {
  const k = await startKioskFixture(t);
  t.equal((await k.call('/selfie', ids)).status, 200);
  const held = k.agent.held.get(ids.sessionId)!;
  t.equal(held.captures.length, 16);
  const bytes = held.captures[0].bytes;
  t.match(await k.call('/reset', { sessionId: ids.sessionId }), { status: 200, json: { reset: true } });
  t.equal(k.agent.held.size, 0);
  t.ok(bytes.every((b) => b === 0), 'the held bytes are overwritten, not just dropped');

  t.equal((await k.call('/selfie', ids)).status, 200);
  const other = await k.call('/selfie', { ...ids, nonce: 'm'.repeat(43) });
  t.match(other, { status: 409, json: { error: 'nonce-mismatch', reset: true } });
  t.equal(k.agent.held.size, 0, 'a changed nonce wipes the session');

  t.equal((await k.call('/selfie', ids)).status, 200);
  t.equal((await k.call('/selfie', { sessionId: 'T'.repeat(43), nonce: ids.nonce })).status, 200);
  t.match(await k.call('/selfie', { sessionId: 'U'.repeat(43), nonce: ids.nonce }), { status: 409, json: { error: 'too-many-sessions' } });
  t.match(await k.call('/reset', {}), { status: 200 });
  t.equal(k.agent.held.size, 0, 'reset without a session wipes all');
  t.match(await k.call('/envelope', ids), { status: 503, json: { error: 'not-registered' } }, 'no stationId: nothing is signed');
});

t.test('a reset while the camera works wins: the late captures are not held', async (t) => {
  const k = await startKioskFixture(t);
  k.camera.duringCapture = async () => { t.equal((await k.call('/reset', {})).status, 200, 'reset answered during the capture'); };
  t.match(await k.call('/selfie', ids), { status: 409, json: { error: 'session-reset', reset: true } });
  t.equal(k.agent.held.size, 0);
});

t.test('a camera unplugged mid-flow or sending corrupt frames: a clear error, and the session\'s earlier captures are gone too', async (t) => {
  const k = await startKioskFixture(t);
  t.equal((await k.call('/chip', { ...ids, accessKey: k.chip.acceptedKey })).status, 200);
  t.equal((await k.call('/scan', ids)).status, 200);
  k.camera.unplug();
  const res = await k.call('/selfie', ids);
  t.same(res.json, { error: 'device-removed', device: 'camera', messageKey: 'kiosk.device.removed', message: 'the camera was unplugged during the capture (simulated)', reset: true });
  t.equal(res.status, 503);
  t.equal(k.agent.held.size, 0, 'nothing half-held: the scan and the chip read are wiped with it');

  const k2 = await startKioskFixture(t);
  k2.camera.corruptFrames();
  t.match(await k2.call('/selfie', ids), { status: 502, json: { error: 'device-corrupt', reset: true } });
  t.equal(k2.agent.held.size, 0);
});

t.test('a wrong chip access key is refused and keeps the session; a card pulled mid-read wipes it', async (t) => {
  const k = await startKioskFixture(t);
  t.equal((await k.call('/scan', ids)).status, 200);
  const wrong = await k.call('/chip', { ...ids, accessKey: { can: '123456' } });
  t.match(wrong, { status: 403, json: { error: 'device-access-denied', device: 'chip', reset: false } });
  t.ok(k.agent.held.has(ids.sessionId, 'documents'), 'the scan is still held');
  k.chip.removeCard();
  t.match(await k.call('/chip', { ...ids, accessKey: k.chip.acceptedKey }), { status: 503, json: { error: 'device-removed', reset: true } });
  t.equal(k.agent.held.size, 0);
});

t.test('a scan that SANE fails mid-page (I/O error) is an error, not a truncated image', async (t) => {
  const k = await startKioskFixture(t, { scanner: { device: 'test', resolutionDpi: 75, extraOptions: ['--read-return-value=SANE_STATUS_IO_ERROR'] } });
  t.equal((await k.call('/selfie', ids)).status, 200);
  const res = await k.call('/scan', ids);
  t.equal(res.status, 503);
  t.match(res.json, { error: 'device-removed', device: 'scanner', reset: true, message: /^scanning under white light failed: scanimage: sane_read: Error during device I\/O; check the scanner's cable and power/ });
  t.equal(k.agent.held.size, 0, 'the selfie taken before is wiped too');
});
