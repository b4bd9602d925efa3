// §7.3–7.8: probe, a valid request reaching the UI, and the id_token that comes back, checked with jose
// against our published JWKS.
import t from 'tap';
import { decodeProtectedHeader } from 'jose';
import { startOidcTestApp } from '../helpers/oidc-test-app.js';
import { entraRedirectUri } from '../../src/oidc/clouds.js';

t.test('checklist 3: a bare GET on the authorization endpoint is 200; a valid POST renders the UI', async (t) => {
  const app = await startOidcTestApp(t);
  const probe = await app.get('/oidc/authorize');
  t.equal(probe.status, 200);
  t.match(probe.headers.get('content-type'), /text\/html/);
  const res = await app.authorize(await app.entra.request());
  t.equal(res.status, 200);
  t.match(res.text, /verification page/);
  t.ok(res.session, 'the UI received a session');
  t.equal(res.session!.tid, app.entra.tid);
  t.equal(res.session!.oid, app.entra.oid);
  t.equal(res.session!.status, 'open');
  t.equal(res.session!.expiresAt - res.session!.createdAt, 300_000, '5-minute session');
  t.ok(res.session!.csrfToken.length >= 32, 'CSRF token');
  t.ok(typeof res.session!.challenge.nonce === 'string', 'per-session challenge nonce');
  t.same(app.repository.getSession(res.session!.sessionId)?.sessionId, res.session!.sessionId, 'session stored');
});

t.test('checklist 4: success posts to the exact redirect_uri with id_token and the same state; no state if none came', async (t) => {
  const app = await startOidcTestApp(t);
  const withState = await app.authorize(await app.entra.request({ state: 'st<&>"ate' }));
  const done = await app.completeVerification(withState.session!.sessionId, 'verified');
  t.equal(done.redirectUri, entraRedirectUri('public'));
  t.same(Object.keys(done.fields).sort(), ['id_token', 'state']);
  t.equal(done.fields.state, 'st<&>"ate');

  const noState = await app.authorize(await app.entra.request({ state: null }));
  const done2 = await app.completeVerification(noState.session!.sessionId, 'verified');
  t.same(Object.keys(done2.fields), ['id_token'], 'no state field when none was sent');
});

t.test('checklist 5-8: the id_token is RS256 with a published kid and carries the right claims', async (t) => {
  const app = await startOidcTestApp(t);
  const fields = await app.entra.request();
  const res = await app.authorize(fields);
  const done = await app.completeVerification(res.session!.sessionId, 'verified');
  const token = done.fields.id_token;
  const header = decodeProtectedHeader(token);
  t.equal(header.alg, 'RS256', '5: alg RS256');
  const jwks = JSON.parse((await app.get('/oidc/jwks')).text) as { keys: Array<{ kid: string }> };
  t.ok(jwks.keys.some((k) => k.kid === header.kid), '5: kid is in the JWKS');
  const { payload } = await app.verifyIdToken(token);
  t.equal(payload.iss, app.issuer, '6: iss');
  t.equal(payload.aud, fields.client_id, '6: aud = client_id');
  t.equal(payload.sub, app.entra.sub, '6: sub = hint sub');
  t.equal(payload.nonce, fields.nonce, '6: nonce');
  const now = Math.floor(Date.now() / 1000);
  t.ok(Math.abs(payload.iat! - now) <= 5, '7: iat about now');
  t.ok(payload.iat! < payload.exp! && payload.exp! <= payload.iat! + 600, '7: iat < exp <= iat + 10 min');
  t.equal(payload.acr, 'possessionorinherence', '8: acr is the requested value');
  t.same(payload.amr, ['face'], '8: one inherence amr');
});
