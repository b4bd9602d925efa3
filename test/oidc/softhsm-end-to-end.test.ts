// End to end with the appliance's signer: a SoftHSM token through PKCS#11 (Pkcs11KeyRing), the real
// app on loopback, the simulated Entra, and the id_token checked with jose against our JWKS URL.
import t from 'tap';
import { renameSync } from 'node:fs';
import { createTestToken } from '../helpers/softhsm.js';
import { startOidcTestApp } from '../helpers/oidc-test-app.js';
import { openHsmToken, openKeyRing } from '../../src/hsm/open-hsm.js';

const HOUR = 3_600_000;
const token = await createTestToken({ label: 'oidc-e2e' });
t.teardown(token.cleanup);

t.test('SoftHSM: checklist 2, 4–8 with the token signing the id_token', async (t) => {
  const hsm = openHsmToken(token.hsmConfig, token.dir);
  t.teardown(() => hsm.close());
  const keyRing = openKeyRing(hsm, token.hsmConfig);
  await keyRing.ensureKey();
  const app = await startOidcTestApp(t, { keyRing });

  const jwks = JSON.parse((await app.get('/oidc/jwks')).text) as { keys: Array<Record<string, unknown>> };
  t.equal(jwks.keys.length, 1);
  t.match(jwks.keys[0], { kty: 'RSA', use: 'sig', alg: 'RS256', kid: String, n: String, e: 'AQAB', x5c: Array });

  const fields = await app.entra.request({ state: 'hsm-state' });
  const res = await app.authorize(fields);
  t.ok(res.session, 'the UI got the session');
  const done = await app.completeVerification(res.session!.sessionId, 'verified', { verifiedSubject: { tid: app.entra.tid, oid: app.entra.oid } });
  t.equal(done.outcome, 'verified');
  t.equal(done.fields.state, 'hsm-state');
  const { payload, header } = await app.verifyIdToken(done.fields.id_token);
  t.equal(header.kid, jwks.keys[0].kid, 'kid in the header matches the JWKS exactly');
  t.match(payload, { iss: app.issuer, aud: fields.client_id, sub: app.entra.sub, nonce: fields.nonce, acr: 'possessionorinherence', amr: ['face'] });
  t.equal(payload.exp! - payload.iat!, 300);
});

t.test('SoftHSM: checklist 17 with token keys: old and new key verify through the overlap', async (t) => {
  let clock = Date.now();
  const now = () => clock;
  const hsm = openHsmToken(token.hsmConfig, token.dir);
  t.teardown(() => hsm.close());
  const keyRing = openKeyRing(hsm, token.hsmConfig, { now, refreshMs: 0 });
  const first = (await keyRing.ensureKey()).key;
  const app = await startOidcTestApp(t, { keyRing, now });
  const issue = async () => {
    const hint = await app.entra.mintHint({ claims: { iat: Math.floor(clock / 1000) } });
    const res = await app.authorize(await app.entra.request({ hint }));
    return (await app.completeVerification(res.session!.sessionId, 'verified')).fields.id_token;
  };
  clock += HOUR;
  const second = (await keyRing.rotate()).key;
  const oldToken = await issue();
  t.equal((await app.verifyIdToken(oldToken, { atMs: clock })).header.kid, first.kid, 'signed by the current key during the overlap');
  clock += 48 * HOUR;
  const newToken = await issue();
  t.equal((await app.verifyIdToken(newToken, { atMs: clock })).header.kid, second.kid, 'signed by the new key after 48 h');
  t.ok(await app.verifyIdToken(oldToken, { atMs: clock - 48 * HOUR }), 'the old key is still published: its token verifies');
});

t.test('SoftHSM: token gone → temporarily_unavailable within a bounded time, no id_token', async (t) => {
  const hsm = openHsmToken({ ...token.hsmConfig, operationTimeoutMs: 500 }, token.dir);
  t.teardown(() => hsm.close());
  const keyRing = openKeyRing(hsm, token.hsmConfig);
  await keyRing.ensureKey();
  const app = await startOidcTestApp(t, { keyRing, config: { oidc: { signingTimeoutMs: 1500 } } });
  const res = await app.authorize(await app.entra.request({ state: 'gone' }));
  renameSync(token.tokenDir, `${token.tokenDir}.gone`);
  t.teardown(() => renameSync(`${token.tokenDir}.gone`, token.tokenDir));
  const started = Date.now();
  const done = await app.completeVerification(res.session!.sessionId, 'verified');
  const elapsed = Date.now() - started;
  t.equal(done.fields.error, 'temporarily_unavailable');
  t.equal(done.fields.state, 'gone');
  t.notOk('id_token' in done.fields);
  t.ok(elapsed < 2500, `answered in ${elapsed} ms`);
  t.equal((await app.get('/oidc/jwks')).status, 200, 'the JWKS is still served from cached public keys');
});
