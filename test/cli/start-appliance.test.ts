// The composition root end to end: a SoftHSM token initialised in a temp data dir, startAppliance on a
// loopback port, the public endpoints answering, and close() releasing the listener. The models are
// pointed at a missing manifest so the degraded path (face engine unavailable, the rest serving) is the
// one checked, on every machine.
import t from 'tap';
import path from 'node:path';
import { buildConfig } from '../../src/config/index.js';
import { initHsm } from '../../src/hsm/init-token.js';
import { startAppliance } from '../../src/cli/start-appliance.js';
import { silentLogger } from '../../src/core/log.js';
import { embeddedTokenDataDir } from '../helpers/softhsm.js';

const dataDir = embeddedTokenDataDir(t, 'proofgate-appliance-');

t.test('starts from the configuration, serves, reports a missing face engine, closes', async (t) => {
  const config = buildConfig({
    server: { dataDir, port: 0, publicBaseUrl: 'http://127.0.0.1:8443' },
    hsm: { tokenLabel: 'appliance-test' },
    biometrics: { manifest: path.join(dataDir, 'no-such-manifest.json') },
  });
  await initHsm(config.hsm, dataDir);
  const appliance = await startAppliance(config, silentLogger);
  let closed = false;
  t.teardown(async () => { if (!closed) await appliance.close(); });

  const health = await fetch(`${appliance.listenUrl}/health`);
  const body = await health.json() as { status: string; checks: Record<string, { ok: boolean; detail?: string }> };
  t.equal(health.status, 503, 'degraded while the face engine is missing');
  t.match(body, {
    status: 'degraded',
    checks: { hsm: { ok: true, detail: 'open' }, store: { ok: true, detail: 'writable' }, disk: { ok: true }, entraKeys: { ok: true }, faceEngine: { ok: false, detail: 'not loaded' } },
  });
  t.same(Object.keys(body.checks).sort(), ['disk', 'entraKeys', 'faceEngine', 'hsm', 'store']);

  const jwks = await (await fetch(`${appliance.listenUrl}/oidc/jwks`)).json() as { keys: Array<{ kty: string; alg: string }> };
  t.equal(jwks.keys.length, 1, 'the token\'s signing key is published');
  t.match(jwks.keys[0], { kty: 'RSA', alg: 'RS256' });

  await appliance.close();
  closed = true;
  await t.rejects(fetch(`${appliance.listenUrl}/health`), TypeError, 'the listener is gone');
});
