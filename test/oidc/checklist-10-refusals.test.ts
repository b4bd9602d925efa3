// §7.10: every refusal case. Each answers with error=access_denied posted back to Entra (with state),
// issues no id_token, never reaches the UI, and opens no session.
import t, { type Test } from 'tap';
import { randomUUID } from 'node:crypto';
import { startOidcTestApp, type OidcTestApp } from '../helpers/oidc-test-app.js';
import type { SimulatedEntra } from '../helpers/simulated-entra.js';

type Case = [name: string, build: (entra: SimulatedEntra) => Promise<Record<string, string>>, description: RegExp];
const now = () => Math.floor(Date.now() / 1000);

const cases: Case[] = [
  // the hint's signature and header
  ['bad signature', async (e) => {
    const hint = await e.mintHint();
    const [h, p, s] = hint.split('.');
    const flipped = Buffer.from(s, 'base64url');
    flipped[10] ^= 0xff;
    return e.request({ hint: `${h}.${p}.${flipped.toString('base64url')}` });
  }, /signature does not verify/],
  ['alg none', async (e) => e.request({ hint: await e.mintHint({ alg: 'none' }) }), /not a compact JWS|alg must be RS256/],
  ['alg HS256 keyed with the public key', async (e) => e.request({ hint: await e.mintHint({ alg: 'HS256' }) }), /alg must be RS256/],
  ['unknown kid', async (e) => e.request({ hint: await e.mintHint({ kid: 'no-such-kid' }) }), /kid is not a public Entra signing key/],
  ['no kid', async (e) => e.request({ hint: await e.mintHint({ kid: null }) }), /no kid/],
  ['tampered payload', async (e) => e.request({ hint: await e.mintHint({ tamperPayload: true }) }), /signature does not verify/],
  // issuer
  ['non-Microsoft iss', async (e) => e.request({ hint: await e.mintHint({ claims: { iss: `https://evil.example/${e.tid}/v2.0` } }) }), /iss is not/],
  ['iss from another cloud', async (e) => e.request({ hint: await e.mintHint({ claims: { iss: `https://login.microsoftonline.us/${e.tid}/v2.0` } }) }), /iss is not/],
  ['v1 iss', async (e) => e.request({ hint: await e.mintHint({ claims: { iss: `https://sts.windows.net/${e.tid}/` } }) }), /iss is not/],
  ['iss GUID differs from tid', async (e) => e.request({ hint: await e.mintHint({ claims: { iss: `https://login.microsoftonline.com/${randomUUID()}/v2.0` } }) }), /iss is not/],
  // tenant and audience
  ['tid not configured for this client', async (e) => {
    const tid = randomUUID();
    return e.request({ hint: await e.mintHint({ claims: { tid, iss: `https://login.microsoftonline.com/${tid}/v2.0` } }) });
  }, /tenant is not configured/],
  ['aud is the client id, not the App ID', async (e) => e.request({ hint: await e.mintHint({ claims: { aud: e.clientId } }) }), /aud is not/],
  ['aud is another app', async (e) => e.request({ hint: await e.mintHint({ claims: { aud: randomUUID() } }) }), /aud is not/],
  ['aud array with an extra audience', async (e) => e.request({ hint: await e.mintHint({ claims: { aud: [e.appId, randomUUID()] } }) }), /aud is not/],
  // age
  ['iat more than 5 min old', async (e) => e.request({ hint: await e.mintHint({ claims: { iat: now() - 301, exp: now() - 302 } }) }), /too long ago/],
  ['iat more than 60 s in the future', async (e) => e.request({ hint: await e.mintHint({ claims: { iat: now() + 90 } }) }), /in the future/],
  ['iat missing', async (e) => e.request({ hint: await e.mintHint({ claims: { iat: undefined } }) }), /iat claim missing/],
  // required claims
  ['sub missing', async (e) => e.request({ hint: await e.mintHint({ claims: { sub: undefined } }) }), /sub claim missing/],
  ['oid missing', async (e) => e.request({ hint: await e.mintHint({ claims: { oid: undefined } }) }), /oid claim missing/],
  ['tid missing', async (e) => e.request({ hint: await e.mintHint({ claims: { tid: undefined } }) }), /tid claim missing/],
  // oid and tid must be GUIDs (case-insensitive 8-4-4-4-12 hex): the account is tid+oid
  ['oid "admin"', async (e) => e.request({ hint: await e.mintHint({ claims: { oid: 'admin' } }) }), /^id_token_hint: oid is not a GUID$/],
  ['oid GUID with a trailing character', async (e) => e.request({ hint: await e.mintHint({ claims: { oid: `${e.oid}x` } }) }), /^id_token_hint: oid is not a GUID$/],
  ['oid GUID in braces', async (e) => e.request({ hint: await e.mintHint({ claims: { oid: `{${e.oid}}` } }) }), /^id_token_hint: oid is not a GUID$/],
  ['oid GUID without hyphens', async (e) => e.request({ hint: await e.mintHint({ claims: { oid: e.oid.replaceAll('-', '') } }) }), /^id_token_hint: oid is not a GUID$/],
  ['tid "admin"', async (e) => e.request({ hint: await e.mintHint({ claims: { tid: 'admin', iss: 'https://login.microsoftonline.com/admin/v2.0' } }) }), /^id_token_hint: tid is not a GUID$/],
  ['no hint at all', async (e) => e.request({ fields: { id_token_hint: null } }), /id_token_hint: missing/],
  // request parameters
  ['nonce missing', async (e) => e.request({ fields: { nonce: null } }), /nonce is required/],
  ['client_id unknown', async (e) => e.request({ clientId: 'someone-else' }), /client_id is not registered/],
  ['client_id missing', async (e) => e.request({ fields: { client_id: null } }), /client_id is not registered/],
  ['scope lacks openid', async (e) => e.request({ fields: { scope: 'profile email' } }), /scope must include openid/],
  ['scope openidx is not openid', async (e) => e.request({ fields: { scope: 'openidx' } }), /scope must include openid/],
  ['response_type code', async (e) => e.request({ fields: { response_type: 'code' } }), /response_type must be id_token/],
  ['response_type id_token token', async (e) => e.request({ fields: { response_type: 'id_token token' } }), /response_type must be id_token/],
  ['response_mode query', async (e) => e.request({ fields: { response_mode: 'query' } }), /response_mode must be form_post/],
  ['response_mode fragment', async (e) => e.request({ fields: { response_mode: 'fragment' } }), /response_mode must be form_post/],
];

async function expectRefused(t: Test, app: OidcTestApp, fields: Record<string, string>, description: RegExp): Promise<void> {
  const before = app.rowCounts();
  const res = await app.authorize(fields);
  t.equal(res.status, 200, 'answered with the form_post page');
  t.equal(res.session, null, 'the UI was not reached');
  t.ok(res.formPost, 'an auto-submitting form');
  t.equal(res.formPost?.action, fields.redirect_uri, 'posted back to the request redirect_uri');
  t.equal(res.formPost?.fields.error, 'access_denied');
  t.match(res.formPost?.fields.error_description, description);
  t.equal(res.formPost?.fields.state, fields.state, 'state echoed');
  t.notOk('id_token' in (res.formPost?.fields ?? {}), 'no id_token');
  t.same(app.rowCounts(), before, 'nothing written');
}

t.test('checklist 10: refusals issue no id_token', async (t) => {
  const app = await startOidcTestApp(t);
  for (const [name, build, description] of cases) {
    await t.test(name, async (t) => expectRefused(t, app, await build(app.entra), description));
  }
});

t.test('checklist 10: a fresh hint that Entra issued already expired (exp < iat) passes', async (t) => {
  const app = await startOidcTestApp(t);
  const hint = await app.entra.mintHint({ claims: { iat: now(), exp: now() - 1, nbf: now() + 30 } });
  const res = await app.authorize(await app.entra.request({ hint }));
  t.ok(res.session, 'accepted');
  t.match(res.session, { tid: app.entra.tid, oid: app.entra.oid, status: 'open' }, 'the session is for the hint\'s account');
  t.equal(res.formPost, null, 'no error posted back');
});

t.test('checklist 10: the age limits are inclusive at their edges', async (t) => {
  const app = await startOidcTestApp(t);
  const old = await app.authorize(await app.entra.request({ hint: await app.entra.mintHint({ claims: { iat: now() - 290 } }) }));
  t.ok(old.session, 'iat 290 s old passes');
  const future = await app.authorize(await app.entra.request({ hint: await app.entra.mintHint({ claims: { iat: now() + 50 } }) }));
  t.ok(future.session, 'iat 50 s ahead passes');
  t.not(old.session?.sessionId, future.session?.sessionId, 'two sessions');
});

t.test('checklist 10: the hint audience comparison tolerates GUID case', async (t) => {
  const app = await startOidcTestApp(t);
  const res = await app.authorize(await app.entra.request({ hint: await app.entra.mintHint({ claims: { aud: app.entra.appId.toUpperCase() } }) }));
  t.ok(res.session);
  t.match(res.session, { tid: app.entra.tid, oid: app.entra.oid, status: 'open' });
});

t.test('checklist 10: an oid GUID in upper case is the same account', async (t) => {
  const app = await startOidcTestApp(t);
  const res = await app.authorize(await app.entra.request({ hint: await app.entra.mintHint({ claims: { oid: app.entra.oid.toUpperCase() } }) }));
  t.ok(res.session, 'accepted');
  t.equal(res.session?.oid, app.entra.oid, 'stored in lower case');
});
