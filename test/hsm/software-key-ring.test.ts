import t from 'tap';
import { X509Certificate, createPublicKey } from 'node:crypto';
import { SignJWT, createLocalJWKSet, jwtVerify, type JWK } from 'jose';
import { SoftwareKeyRing, SoftwareSigningKey } from '../../src/hsm/software-key-ring.js';
import { rsaThumbprint } from '../../src/hsm/rsa-jwk.js';
import type { SigningKey } from '../../src/hsm/signing-key.js';

/** Compact JWS through the SigningKey seam, exactly as the OIDC layer signs. */
async function signJwt(key: SigningKey, claims: Record<string, unknown>): Promise<string> {
  const header = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: key.kid })).toString('base64url');
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const signature = await key.sign(Buffer.from(`${header}.${payload}`));
  return `${header}.${payload}.${signature.toString('base64url')}`;
}

t.test('software key: JWK has Entra fields and x5c carries the same n/e', async (t) => {
  const key = await SoftwareSigningKey.generate();
  const jwk = key.jwk();
  t.same(Object.keys(jwk).sort(), ['alg', 'e', 'kid', 'kty', 'n', 'use', 'x5c']);
  t.equal(jwk.kty, 'RSA');
  t.equal(jwk.use, 'sig');
  t.equal(jwk.alg, 'RS256');
  t.equal(jwk.kid, key.kid);
  t.equal(key.kid, rsaThumbprint({ n: Buffer.from(jwk.n!, 'base64url'), e: Buffer.from(jwk.e!, 'base64url') }));
  t.match(key.kid, /^[A-Za-z0-9_-]{43}$/, 'kid is base64url SHA-256, no padding');
  const cert = new X509Certificate(Buffer.from(jwk.x5c![0], 'base64'));
  const certJwk = cert.publicKey.export({ format: 'jwk' });
  t.equal(certJwk.n, jwk.n);
  t.equal(certJwk.e, jwk.e);
  t.ok(cert.verify(cert.publicKey), 'self-signature verifies');
  t.ok(cert.checkIssued(cert), 'self-issued');
  const fromJwk = createPublicKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' });
  t.ok(cert.verify(fromJwk), 'certificate verifies with the JWK key');
});

t.test('software key: a token signed through the seam verifies with jose', async (t) => {
  const key = await SoftwareSigningKey.generate();
  const jwt = await signJwt(key, { sub: 'abc', iat: Math.floor(Date.now() / 1000) });
  const { payload, protectedHeader } = await jwtVerify(jwt, createLocalJWKSet({ keys: [key.jwk()] }));
  t.equal(payload.sub, 'abc');
  t.equal(protectedHeader.kid, key.kid);
  const tampered = `${jwt.slice(0, -4)}AAAA`;
  await t.rejects(jwtVerify(tampered, createLocalJWKSet({ keys: [key.jwk()] })), { code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
});

t.test('software ring: publish beside, switch after the overlap, retire after another', async (t) => {
  let now = Date.UTC(2026, 0, 1);
  const hour = 3_600_000;
  const ring = await SoftwareKeyRing.create({ now: () => now, overlapHours: 48 });
  const first = await ring.active();
  t.same((await ring.published()).map((k) => k.kid), [first.kid]);

  now += hour;
  const second = await ring.rotate();
  t.not(second.kid, first.kid);
  t.equal((await ring.rotate()).kid, second.kid, 'rotate during the overlap returns the pending key');
  t.equal((await ring.active()).kid, first.kid, 'old key still signs during the overlap');
  t.same((await ring.published()).map((k) => k.kid), [first.kid, second.kid], 'both published, active first');

  const jwks = createLocalJWKSet({ keys: (await ring.published()).map((k) => k.jwk() as JWK) });
  for (const key of [first, second]) {
    const jwt = await signJwt(key, { sub: key.kid });
    t.equal((await jwtVerify(jwt, jwks)).payload.sub, key.kid, 'either key verifies against the JWKS during the overlap');
  }

  now += 48 * hour - 1;
  t.equal((await ring.active()).kid, first.kid, 'one ms before the overlap ends: still the old key');
  now += 1;
  t.equal((await ring.active()).kid, second.kid, 'switch exactly when the overlap has passed');
  t.same((await ring.published()).map((k) => k.kid), [second.kid, first.kid], 'old key stays published');
  now += 48 * hour;
  t.same((await ring.published()).map((k) => k.kid), [second.kid], 'old key retired after another overlap');
  // Signed by the new active key and checked against the same JWKS Entra would fetch now.
  const jwt = await signJwt(await ring.active(), { sub: 'after' });
  await t.resolves(jwtVerify(jwt, createLocalJWKSet({ keys: (await ring.published()).map((k) => k.jwk()) })));
});

t.test('a rotation in the same millisecond as the first publication still waits out the overlap', async (t) => {
  const now = 1_800_000_000_000;
  const ring = await SoftwareKeyRing.create({ now: () => now, overlapHours: 48 });
  const first = await ring.active();
  for (let i = 0; i < 5; i++) {
    // Kids are random: repeat so an unlucky kid order could not hide a tie broken the wrong way.
    const next = await ring.rotate();
    t.not(next.kid, first.kid, 'a new key is published');
    t.equal((await ring.active()).kid, first.kid, 'the first key keeps signing during the overlap');
    t.same((await ring.published()).map((k) => k.kid).sort(), [first.kid, next.kid].sort(), 'both keys are published');
  }
});
