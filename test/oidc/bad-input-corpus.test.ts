// Bad input of every shape gets a clear 4xx (or an access_denied post-back once redirect_uri is known),
// an escaped message, and writes nothing. Never a crash, a hang or a 500.
import t from 'tap';
import { startOidcTestApp } from '../helpers/oidc-test-app.js';

const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

t.test('malformed id_token_hint values are refused with access_denied and nothing written', async (t) => {
  const app = await startOidcTestApp(t);
  const realKid = app.entra.jwks().keys[0].kid as string;
  const corpus: Array<[string, string, RegExp]> = [
    ['garbage', 'this is not a jwt', /not a compact JWS/],
    ['two parts', `${b64({ alg: 'RS256' })}.${b64({ sub: 'x' })}`, /not a compact JWS/],
    ['four parts', 'a.b.c.d', /not a compact JWS/],
    ['empty parts', '..', /not a compact JWS/],
    ['bad base64 characters', 'ab$c.de!f.gh*i', /not a compact JWS/],
    ['header not JSON', `${b64('{nope')}.${b64({})}.${b64('sig')}`, /not a well-formed signed JWT/],
    ['header is an array', `${b64([1])}.${b64({})}.${b64('sig')}`, /not a well-formed signed JWT/],
    ['payload not JSON', `${b64({ alg: 'RS256', kid: realKid })}.${b64('{{')}.${b64('sig')}`, /signature does not verify/],
    ['huge header', `${b64({ alg: 'RS256', kid: 'k', pad: 'x'.repeat(20_000) })}.${b64({})}.${b64('s')}`, /longer than 16384 bytes/],
    ['alg RS512', `${b64({ alg: 'RS512', kid: realKid })}.${b64({})}.${b64('s')}`, /alg must be RS256/],
    ['crit header', `${b64({ alg: 'RS256', kid: realKid, crit: ['exp'] })}.${b64({})}.${b64('s')}`, /not a well-formed signed JWT|signature/],
    ['kid not a string', `${b64({ alg: 'RS256', kid: 42 })}.${b64({})}.${b64('s')}`, /no kid|not a well-formed/],
    ['unicode', 'ünïcødé.ü.ü', /not a compact JWS/],
    ['script', '<script>alert(1)</script>', /not a compact JWS/],
  ];
  for (const [name, hint, message] of corpus) {
    const before = app.rowCounts();
    const fields = await app.entra.request({ hint });
    const res = await app.authorize(fields);
    t.equal(res.status, 200, `${name}: answered`);
    t.equal(res.formPost?.fields.error, 'access_denied', `${name}: access_denied`);
    t.match(res.formPost?.fields.error_description, message, `${name}: clear message`);
    t.notMatch(res.text, /<script>alert/, `${name}: nothing unescaped`);
    t.same(app.rowCounts(), before, `${name}: nothing written`);
  }
  // Correctly signed by Entra's key, but the payload is not a claims object.
  for (const [payload, message] of [['[1,2]', /payload is not a JSON object/], ['not json', /payload is not JSON/], ['null', /payload is not a JSON object/]] as const) {
    const res = await app.authorize(await app.entra.request({ hint: await app.entra.signRaw(payload) }));
    t.match(res.formPost?.fields.error_description, message, `signed payload ${payload}`);
  }
});

t.test('malformed, oversized and odd HTTP requests get a clear 4xx and write nothing', async (t) => {
  const app = await startOidcTestApp(t);
  const before = app.rowCounts();
  const valid = new URLSearchParams(await app.entra.request()).toString();
  const cases: Array<[string, () => Promise<{ status: number; text: string; headers: Headers }>, number, RegExp]> = [
    ['oversized form body', () => app.post('/oidc/authorize', `${valid}&pad=${'x'.repeat(70 * 1024)}`), 413, /request body is larger than 65536 bytes/],
    ['too many parameters', () => app.post('/oidc/authorize', Array.from({ length: 200 }, (_, i) => `p${i}=1`).join('&')), 413, /too many form parameters/],
    ['JSON body to authorize', () => app.post('/oidc/authorize', '{"scope":"openid"}', { 'content-type': 'application/json' }), 415, /must be a form POST/],
    ['malformed JSON', () => app.post('/oidc/authorize', '{"scope":', { 'content-type': 'application/json' }), 400, /request body is not well-formed/],
    ['text/plain body', () => app.post('/oidc/authorize', valid, { 'content-type': 'text/plain' }), 415, /must be a form POST/],
    ['no body', () => app.post('/oidc/authorize', ''), 400, /redirect_uri is missing/],
    ['unsupported charset', () => app.post('/oidc/authorize', valid, { 'content-type': 'application/x-www-form-urlencoded; charset=utf-16' }), 415, /charset is not supported/],
    ['gzip content-encoding garbage', () => app.post('/oidc/authorize', 'not gzip', { 'content-encoding': 'gzip' }), 400, /could not be decompressed/],
    ['unknown content-encoding', () => app.post('/oidc/authorize', valid, { 'content-encoding': 'br2' }), 415, /content-encoding is not supported/],
    ['unknown route', () => app.get('/nope/<script>'), 404, /no such page/],
    ['malformed percent-encoding in form', () => app.post('/oidc/authorize', 'redirect_uri=%E0%A4%A&scope=%'), 400, /redirect_uri is missing/],
    ['PUT on authorize', () => app.post('/oidc/authorize', valid, { 'x-http-method-override': 'PUT' }), 200, /./],
  ];
  for (const [name, send, status, message] of cases) {
    const res = await send();
    t.equal(res.status, status, `${name}: ${status}`);
    t.match(res.text, message, `${name}: message`);
    t.notMatch(res.text, /<script>/, `${name}: escaped`);
  }
  // The bodies above were refused before any step that writes; the accepted one (method override is ignored) wrote one session.
  const after = app.rowCounts();
  t.equal(after.verification_sessions - before.verification_sessions, 1, 'only the one valid request opened a session');
  const del = await fetch(`${app.baseUrl}/oidc/authorize`, { method: 'DELETE' });
  t.equal(del.status, 404, 'DELETE on authorize: 404');
  const json = await fetch(`${app.baseUrl}/nope`, { headers: { accept: 'application/json' } });
  t.same(await json.json(), { error: 'ERR_NOT_FOUND', error_description: 'no such page: GET /nope' }, 'JSON clients get JSON errors');
});

t.test('a parameter given twice is refused (ambiguous), unknown ones are ignored', async (t) => {
  const app = await startOidcTestApp(t);
  const before = app.rowCounts();
  const fields = new URLSearchParams(await app.entra.request({ state: 'dup' }));
  fields.append('nonce', 'second');
  const res = await app.post('/oidc/authorize', fields);
  t.equal(res.formPost?.fields.error, 'access_denied');
  t.equal(res.formPost?.fields.error_description, 'parameter given more than once: nonce');
  const stateTwice = new URLSearchParams(await app.entra.request({ state: 'a' }));
  stateTwice.append('state', 'b');
  const res2 = await app.post('/oidc/authorize', stateTwice);
  t.notOk('state' in (res2.formPost?.fields ?? {}), 'an ambiguous state is not echoed');
  t.same(app.rowCounts(), before);
});
