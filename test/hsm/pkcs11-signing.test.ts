import t from 'tap';
import { X509Certificate, createPublicKey, verify as cryptoVerify, type JsonWebKey } from 'node:crypto';
import pkcs11js from 'pkcs11js';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { createTestToken } from '../helpers/softhsm.js';
import { openHsmToken, openKeyRing } from '../../src/hsm/open-hsm.js';
import { Pkcs11SigningKey } from '../../src/hsm/pkcs11-signing-key.js';
import { rsaThumbprint } from '../../src/hsm/rsa-jwk.js';
import type { SigningKey } from '../../src/hsm/signing-key.js';

async function signJwt(key: SigningKey, claims: Record<string, unknown>): Promise<string> {
  const header = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: key.kid })).toString('base64url');
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const signature = await key.sign(Buffer.from(`${header}.${payload}`));
  return `${header}.${payload}.${signature.toString('base64url')}`;
}

const token = await createTestToken({ label: 'signing-test' });
t.teardown(token.cleanup);

t.test('first key: generated in the token, JWK + x5c for Entra, signatures verify', async (t) => {
  const hsm = openHsmToken(token.hsmConfig, token.dir);
  t.teardown(() => hsm.close());
  const ring = openKeyRing(hsm, token.hsmConfig);
  const { created, key } = await ring.ensureKey();
  t.equal(created, true);
  t.equal((await ring.ensureKey()).created, false, 'ensureKey is idempotent');

  const jwk = key.jwk();
  t.same(Object.keys(jwk).sort(), ['alg', 'e', 'kid', 'kty', 'n', 'use', 'x5c']);
  t.match(jwk, { kty: 'RSA', use: 'sig', alg: 'RS256', kid: key.kid, e: 'AQAB' });
  t.equal(Buffer.from(jwk.n!, 'base64url').length, 256, 'RSA-2048 modulus');
  t.equal(key.kid, rsaThumbprint({ n: Buffer.from(jwk.n!, 'base64url'), e: Buffer.from(jwk.e!, 'base64url') }), 'kid = RFC 7638 thumbprint');

  const cert = new X509Certificate(Buffer.from(jwk.x5c![0], 'base64'));
  const certJwk = cert.publicKey.export({ format: 'jwk' });
  t.equal(certJwk.n, jwk.n, 'x5c carries the same n');
  t.equal(certJwk.e, jwk.e, 'x5c carries the same e');
  t.ok(cert.checkIssued(cert), 'self-issued');
  t.ok(cert.verify(createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' })), 'certificate signature (made by the token) verifies');
  t.equal(cert.subject, 'CN=proofgate id_token signing');

  const data = Buffer.from('payload to sign');
  const signature = await key.sign(data);
  t.equal(signature.length, 256);
  t.ok(cryptoVerify('sha256', data, cert.publicKey, signature), 'node:crypto verifies the RS256 signature');
  const jwt = await signJwt(key, { sub: 'subject-1' });
  const { payload, protectedHeader } = await jwtVerify(jwt, createLocalJWKSet({ keys: (await ring.published()).map((k) => k.jwk()) }));
  t.equal(payload.sub, 'subject-1');
  t.equal(protectedHeader.kid, key.kid);
  await t.rejects(key.sign('not a buffer' as unknown as Buffer), { code: 'ERR_INTERNAL' });
});

t.test('private key attributes: sensitive, never extractable, sign only', async (t) => {
  const hsm = openHsmToken(token.hsmConfig, token.dir);
  t.teardown(() => hsm.close());
  const key = (await openKeyRing(hsm, token.hsmConfig).active()) as Pkcs11SigningKey;
  const attrs = await hsm.run('inspect', (ctx) => {
    const [priv] = ctx.findObjects([{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY }, { type: pkcs11js.CKA_ID, value: key.id }]);
    const bools = [pkcs11js.CKA_TOKEN, pkcs11js.CKA_PRIVATE, pkcs11js.CKA_SENSITIVE, pkcs11js.CKA_ALWAYS_SENSITIVE, pkcs11js.CKA_EXTRACTABLE,
      pkcs11js.CKA_NEVER_EXTRACTABLE, pkcs11js.CKA_SIGN, pkcs11js.CKA_DECRYPT, pkcs11js.CKA_UNWRAP, pkcs11js.CKA_DERIVE];
    const values = ctx.api.C_GetAttributeValue(ctx.session, priv, bools.map((type) => ({ type }))).map((a) => (a.value as Buffer)[0] === 1);
    let exponentError = '';
    try {
      ctx.api.C_GetAttributeValue(ctx.session, priv, [{ type: pkcs11js.CKA_PRIVATE_EXPONENT }]);
    } catch (e) {
      exponentError = (e as Error).message;
    }
    const certs = ctx.findObjects([{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_CERTIFICATE }, { type: pkcs11js.CKA_ID, value: key.id }]);
    return { values, exponentError, certs: certs.length };
  });
  t.same(attrs.values, [true, true, true, true, false, true, true, false, false, false],
    'TOKEN PRIVATE SENSITIVE ALWAYS_SENSITIVE !EXTRACTABLE NEVER_EXTRACTABLE SIGN !DECRYPT !UNWRAP !DERIVE');
  t.equal(attrs.exponentError, 'CKR_ATTRIBUTE_SENSITIVE', 'private exponent cannot be read');
  t.equal(attrs.certs, 1, 'certificate stored in the token beside the key');
});

t.test('keys and certificate survive a restart (new module session)', async (t) => {
  const first = openHsmToken(token.hsmConfig, token.dir);
  const before = (await openKeyRing(first, token.hsmConfig).active()).jwk();
  await first.close();
  const second = openHsmToken(token.hsmConfig, token.dir);
  t.teardown(() => second.close());
  const ring = openKeyRing(second, token.hsmConfig);
  const after = await ring.active();
  t.same(after.jwk(), before, 'same kid, n, e and certificate');
  const jwt = await signJwt(after, { sub: 'again' });
  await t.resolves(jwtVerify(jwt, createLocalJWKSet({ keys: [before] })));
});

t.test('concurrent signing over the session pool: every signature verifies', async (t) => {
  const hsm = openHsmToken({ ...token.hsmConfig, sessionPoolSize: 2 }, token.dir);
  t.teardown(() => hsm.close());
  const key = await openKeyRing(hsm, token.hsmConfig).active();
  const publicKey = createPublicKey({ key: key.jwk() as JsonWebKey, format: 'jwk' });
  const inputs = Array.from({ length: 64 }, (_, i) => Buffer.from(`message ${i}`));
  const signatures = await Promise.all(inputs.map((d) => key.sign(d)));
  t.equal(signatures.filter((s, i) => cryptoVerify('sha256', inputs[i], publicKey, s)).length, 64);
  t.equal(hsm.status().state, 'open');
});
