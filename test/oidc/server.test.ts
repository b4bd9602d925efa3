// The express app around the provider: forwarded headers only from trusted proxies, a path prefix,
// security headers, /health, and the form_post page's own CSP.
import t from 'tap';
import { startOidcTestApp } from '../helpers/oidc-test-app.js';

const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'verify.example.org', 'x-forwarded-prefix': '/eam' };

t.test('X-Forwarded-Proto/Host/Prefix are honoured from a trusted proxy only', async (t) => {
  const trusted = await startOidcTestApp(t, { config: { server: { trustedProxies: ['127.0.0.1'] } } });
  await trusted.post('/oidc/authorize', new URLSearchParams(await trusted.entra.request()), forwarded);
  t.equal(trusted.uiStarts.at(-1)?.verifyUrl, 'https://verify.example.org/eam/verify', 'trusted peer: public URL from the proxy');

  const evilPrefix = await trusted.post('/oidc/authorize', new URLSearchParams(await trusted.entra.request()),
    { ...forwarded, 'x-forwarded-prefix': '/../"><script>' });
  t.equal(evilPrefix.status, 200);
  t.equal(trusted.uiStarts.at(-1)?.verifyUrl, 'https://verify.example.org/verify', 'an unsafe prefix is ignored');

  const untrusted = await startOidcTestApp(t, { config: { server: { trustedProxies: ['10.0.0.1'] } } });
  await untrusted.post('/oidc/authorize', new URLSearchParams(await untrusted.entra.request()), forwarded);
  t.equal(untrusted.uiStarts.at(-1)?.verifyUrl, `${untrusted.baseUrl}/verify`, 'untrusted peer: forwarded headers ignored');

  const none = await startOidcTestApp(t);
  await none.post('/oidc/authorize', new URLSearchParams(await none.entra.request()), forwarded);
  t.equal(none.uiStarts.at(-1)?.verifyUrl, `${none.baseUrl}/verify`, 'no trusted proxies: forwarded headers ignored');
});

t.test('under a path prefix: served at the prefix (proxy passes the path) and at the root (proxy strips it)', async (t) => {
  const app = await startOidcTestApp(t, { prefix: '/pg', config: { server: { trustedProxies: ['127.0.0.1'] } } });
  const doc = JSON.parse((await app.get('/pg/.well-known/openid-configuration')).text) as { issuer: string; authorization_endpoint: string };
  t.equal(doc.issuer, `${app.baseUrl}/pg`);
  t.equal(doc.authorization_endpoint, `${app.baseUrl}/pg/oidc/authorize`);
  const stripped = JSON.parse((await app.get('/.well-known/openid-configuration', { 'x-forwarded-prefix': '/pg' })).text) as { issuer: string };
  t.equal(stripped.issuer, doc.issuer, 'the same issuer whichever way the proxy forwards');

  await app.authorize(await app.entra.request());
  t.equal(app.uiStarts.at(-1)?.verifyUrl, `${app.baseUrl}/pg/verify`, 'links under the mount prefix');
  await app.post('/oidc/authorize', new URLSearchParams(await app.entra.request()), { 'x-forwarded-prefix': '/pg' });
  t.equal(app.uiStarts.at(-1)?.verifyUrl, `${app.baseUrl}/pg/verify`, 'links under the forwarded prefix');
});

t.test('security headers on every response; the form_post page has its own CSP', async (t) => {
  const app = await startOidcTestApp(t);
  for (const path of ['/.well-known/openid-configuration', '/oidc/jwks', '/oidc/authorize', '/missing']) {
    const res = await app.get(path);
    t.match(res.headers.get('content-security-policy'), /default-src 'self'/, `${path}: CSP`);
    t.match(res.headers.get('content-security-policy'), /frame-ancestors 'none'/);
    t.equal(res.headers.get('x-frame-options'), 'DENY');
    t.equal(res.headers.get('referrer-policy'), 'no-referrer');
    t.equal(res.headers.get('x-content-type-options'), 'nosniff');
    t.equal(res.headers.get('x-powered-by'), null);
  }
  const refused = await app.authorize(await app.entra.request({ fields: { nonce: null } }));
  const csp = refused.headers.get('content-security-policy') ?? '';
  const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
  t.ok(nonce, 'script allowed by nonce only');
  t.match(refused.text, new RegExp(`<script nonce="${nonce!.replace(/[+/=]/g, (c) => `\\${c}`)}">`), 'the autosubmit script carries the nonce');
  t.match(csp, /form-action https:\/\/login\.microsoftonline\.com/, 'the form may post only to Entra');
  t.match(csp, /default-src 'none'/);
  t.equal(refused.headers.get('cache-control'), 'no-store');
  t.match(refused.text, /<button type="submit">Continue<\/button>/, 'works without JavaScript');
  t.notMatch(refused.text, /(src|href)="http/, 'no external assets');
});

t.test('Strict-Transport-Security on every response when publicBaseUrl is https, not for http', async (t) => {
  const https = await startOidcTestApp(t, { config: { server: { publicBaseUrl: 'https://verify.example.org' } } });
  const http = await startOidcTestApp(t);
  for (const app of [https, http]) {
    const hsts = app === https ? 'max-age=31536000' : null;
    const responses = [
      ['discovery', await app.get('/.well-known/openid-configuration')],
      ['jwks', await app.get('/oidc/jwks')],
      ['health probe', await app.get('/oidc/authorize')],
      ['404', await app.get('/missing')],
      ['415 page', await app.post('/oidc/authorize', 'x', { 'content-type': 'text/plain' })],
      ['post-back', await app.authorize(await app.entra.request({ fields: { nonce: null } }))],
      ['verification page', await app.authorize(await app.entra.request())],
      ['health', await app.get('/health')],
    ] as const;
    for (const [name, res] of responses) {
      t.equal(res.headers.get('strict-transport-security'), hsts, `${app === https ? 'https' : 'http'}: ${name}`);
    }
  }
});

t.test('/health runs the registered checks', async (t) => {
  const healthy = await startOidcTestApp(t, { healthChecks: { hsm: () => ({ ok: true }), store: async () => ({ ok: true, detail: 'wal' }) } });
  const ok = await healthy.get('/health');
  t.equal(ok.status, 200);
  t.same(JSON.parse(ok.text), { status: 'ok', checks: { hsm: { ok: true }, store: { ok: true, detail: 'wal' } } });

  const sick = await startOidcTestApp(t, {
    healthChecks: {
      hsm: () => { throw Object.assign(new Error('gone'), { code: 'ERR_HSM_UNAVAILABLE' }); },
      biometrics: () => new Promise(() => undefined),
    },
  });
  const started = Date.now();
  const bad = await sick.get('/health');
  t.equal(bad.status, 503);
  t.same(JSON.parse(bad.text), {
    status: 'degraded',
    checks: { hsm: { ok: false, detail: 'ERR_HSM_UNAVAILABLE' }, biometrics: { ok: false, detail: 'no answer within 3000 ms' } },
  });
  t.ok(Date.now() - started < 5000, 'a hanging check is bounded');
});
