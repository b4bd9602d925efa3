// §7.1–7.2: discovery and JWKS, read with openid-client and node's X509Certificate, not proofgate's code.
import t from 'tap';
import { X509Certificate } from 'node:crypto';
import * as client from 'openid-client';
import { startOidcTestApp } from '../helpers/oidc-test-app.js';

t.test('checklist 1: discovery is 200 with Content-Length, every §4 field, and the exact issuer', async (t) => {
  for (const prefix of ['', '/tenant-a/eam']) {
    const app = await startOidcTestApp(t, { prefix });
    const res = await app.get(`${prefix}/.well-known/openid-configuration`);
    t.equal(res.status, 200, `${prefix || 'root'}: 200`);
    t.equal(Number(res.headers.get('content-length')), Buffer.byteLength(res.text), 'Content-Length present and right');
    t.match(res.headers.get('content-type'), /application\/json/);
    t.match(res.headers.get('cache-control'), /max-age=\d+/);
    const doc = JSON.parse(res.text) as Record<string, unknown>;
    t.equal(doc.issuer, app.issuer, 'issuer is publicBaseUrl, character for character');
    t.equal(doc.authorization_endpoint, `${app.issuer}/oidc/authorize`);
    t.equal(doc.jwks_uri, `${app.issuer}/oidc/jwks`);
    t.notMatch(String(doc.jwks_uri), /\?/, 'jwks_uri has no query');
    t.ok((doc.scopes_supported as string[]).includes('openid'));
    t.ok((doc.response_types_supported as string[]).includes('id_token'));
    t.same(doc.response_modes_supported, ['form_post']);
    t.same(doc.grant_types_supported, ['implicit']);
    t.ok(Array.isArray(doc.subject_types_supported) && (doc.subject_types_supported as string[]).length > 0);
    t.ok((doc.id_token_signing_alg_values_supported as string[]).includes('RS256'));
    t.ok((doc.claim_types_supported as string[]).includes('normal'));
    t.ok(['acr', 'amr', 'nonce', 'sub'].every((c) => (doc.claims_supported as string[]).includes(c)));
    t.same(doc.acr_values_supported, app.config.oidc.acrValues);

    // A real relying-party library accepts it (it checks the issuer match itself).
    const rp = await client.discovery(new URL(app.issuer), app.entra.clientId, undefined, undefined, { execute: [client.allowInsecureRequests] });
    t.equal(rp.serverMetadata().issuer, app.issuer, 'openid-client discovery accepts the document');
    // The authorization endpoint under the prefix answers Entra's probe too.
    t.equal((await app.get(`${prefix}/oidc/authorize`)).status, 200);
  }
});

t.test('checklist 2: every JWK is RSA/sig/RS256 with kid, n, e and an x5c certificate carrying the same key', async (t) => {
  const app = await startOidcTestApp(t);
  const res = await app.get('/oidc/jwks');
  t.equal(res.status, 200);
  t.match(res.headers.get('cache-control'), /max-age=\d+/);
  const { keys } = JSON.parse(res.text) as { keys: Array<Record<string, unknown>> };
  t.ok(keys.length >= 1);
  for (const jwk of keys) {
    t.equal(jwk.kty, 'RSA');
    t.equal(jwk.use, 'sig');
    t.equal(jwk.alg, 'RS256');
    t.match(jwk.kid, /^[A-Za-z0-9_-]+$/, 'kid is base64url');
    t.ok(typeof jwk.n === 'string' && typeof jwk.e === 'string');
    t.notOk('d' in jwk || 'p' in jwk, 'no private members');
    const x5c = jwk.x5c as string[];
    t.ok(Array.isArray(x5c) && x5c.length >= 1, 'x5c present');
    const cert = new X509Certificate(Buffer.from(x5c[0], 'base64'));
    const certJwk = cert.publicKey.export({ format: 'jwk' });
    t.equal(certJwk.n, jwk.n, 'certificate modulus = n');
    t.equal(certJwk.e, jwk.e, 'certificate exponent = e');
  }
});
