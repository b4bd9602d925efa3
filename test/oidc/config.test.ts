// Config section "oidc": defaults, and every bad value refused with a message naming the key.
import t from 'tap';
import { buildConfig } from '../../src/config/index.js';

const client = { clientId: 'contoso', appId: '11111111-2222-3333-4444-555555555555', tenants: ['AAAAAAAA-2222-3333-4444-555555555555'] };

t.test('defaults and a registered client', async (t) => {
  const config = buildConfig({ oidc: { clients: [client] } });
  t.equal(config.oidc.tokenLifetimeSeconds, 300);
  t.equal(config.oidc.hintMaxAgeSeconds, 300);
  t.equal(config.oidc.hintMaxFutureSeconds, 60);
  t.equal(config.oidc.entraKeys.source, 'fetch');
  t.equal(config.oidc.entraKeys.cacheSeconds, 86400);
  t.same(config.oidc.acrValues, ['possessionorinherence', 'knowledgeorinherence', 'knowledgeorpossessionorinherence', 'inherence']);
  t.same(config.oidc.clients, [{ ...client, tenants: ['aaaaaaaa-2222-3333-4444-555555555555'] }], 'GUIDs normalised to lower case');
  t.same(buildConfig({}).oidc.clients, [], 'no clients by default: every request is refused');
});

t.test('bad values name the key', async (t) => {
  const bad: Array<[unknown, RegExp]> = [
    [{ clients: {} }, /config\.oidc\.clients: expected an array/],
    [{ clients: [{ ...client, appId: 'not-a-guid' }] }, /config\.oidc\.clients\[0\].appId: expected a string matching/],
    [{ clients: [{ ...client, tenants: [] }] }, /config\.oidc\.clients\[0\].tenants: expected a non-empty array/],
    [{ clients: [{ ...client, tenant: ['x'] }] }, /config\.oidc\.clients\[0\].tenant: expected no such key/],
    [{ clients: [client, client] }, /config\.oidc\.clients\[1\].clientId: expected a clientId not used by another client/],
    [{ acrValues: ['possession'] }, /config\.oidc\.acrValues: expected only inherence-capable values/],
    [{ acrValues: [] }, /config\.oidc\.acrValues: expected a non-empty array/],
    [{ tokenLifetimeSeconds: 3600 }, /config\.oidc\.tokenLifetimeSeconds: expected an integer in 60..600/],
    [{ entraKeys: { source: 'file' } }, /config\.oidc\.entraKeys.source: expected one of fetch, pinned/],
    [{ entraKeys: { jwksUrls: { public: 'ftp://x' } } }, /config\.oidc\.entraKeys.jwksUrls.public/],
    [{ entraKeys: { jwksUrls: { mars: 'https://x' } } }, /config\.oidc\.entraKeys.jwksUrls.mars: expected no such key/],
    [{ signingTimeoutMs: '5000' }, /config\.oidc\.signingTimeoutMs: expected an integer/],
    [{ hintMaxAge: 300 }, /config\.oidc\.hintMaxAge: expected no such key \(misspelled\?\)/],
  ];
  for (const [oidc, message] of bad) t.throws(() => buildConfig({ oidc }), { code: 'ERR_CONFIG', message }, JSON.stringify(oidc));
});
