import t from 'tap';
import { execFileSync } from 'node:child_process';
import { X509Certificate, generateKeyPairSync, sign as cryptoSign } from 'node:crypto';
import { buildSelfSignedCertificate } from '../../src/hsm/certificate.js';
import { rotationView } from '../../src/hsm/rotation.js';

t.test('certificate: openssl and node parse it, signature and key match', async (t) => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = publicKey.export({ format: 'jwk' });
  const notBefore = new Date(Date.UTC(2026, 0, 1));
  const notAfter = new Date(Date.UTC(2051, 0, 1)); // crosses the UTCTime/GeneralizedTime boundary
  const certDer = await buildSelfSignedCertificate({
    publicKey: { n: Buffer.from(jwk.n!, 'base64url'), e: Buffer.from(jwk.e!, 'base64url') },
    commonName: 'proofgate test',
    notBefore,
    notAfter,
    serial: Buffer.from('0102030405060708', 'hex'),
    subjectKeyId: Buffer.from('aabbcc', 'hex'),
    sign: async (tbs) => cryptoSign('sha256', tbs, privateKey),
  });
  const cert = new X509Certificate(certDer);
  t.equal(cert.subject, 'CN=proofgate test');
  t.equal(cert.issuer, 'CN=proofgate test');
  t.equal(cert.serialNumber, '0102030405060708');
  t.equal(new Date(cert.validFrom).getTime(), notBefore.getTime());
  t.equal(new Date(cert.validTo).getTime(), notAfter.getTime());
  t.ok(cert.verify(publicKey));
  t.equal(cert.publicKey.export({ format: 'jwk' }).n, jwk.n);
  const text = execFileSync('openssl', ['x509', '-inform', 'der', '-noout', '-text'], { input: certDer, encoding: 'utf8' });
  t.match(text, /Version: 3 \(0x2\)/);
  t.match(text, /Signature Algorithm: sha256WithRSAEncryption/);
  t.match(text, /Key Usage: critical\s+Digital Signature, Certificate Sign/);
  t.match(text, /Subject Key Identifier:\s+AA:BB:CC/);
  await t.rejects(buildSelfSignedCertificate({ publicKey: { n: Buffer.alloc(1, 1), e: Buffer.alloc(1, 3) }, commonName: 'x', notBefore: notAfter, notAfter: notBefore, sign: async () => Buffer.alloc(0) }), RangeError);
});

t.test('rotation schedule: first key signs at once, later keys after the overlap', async (t) => {
  const overlap = 10;
  const keys = [{ kid: 'a', publishedAt: 0 }, { kid: 'b', publishedAt: 100 }, { kid: 'c', publishedAt: 105 }];
  const at = (now: number) => {
    const v = rotationView(keys, now, overlap);
    return { active: v.active.kid, published: v.published.map((k) => k.kid), retired: v.retired.map((k) => k.kid), pending: v.pending?.kid, next: v.nextSwitchAt };
  };
  t.same(at(0), { active: 'a', published: ['a', 'c', 'b'], retired: [], pending: 'c', next: 110 }, 'keys from the future (clock moved back) are published, not active');
  t.same(at(100).published, ['a', 'c', 'b']);
  t.same(at(109), { active: 'a', published: ['a', 'c', 'b'], retired: [], pending: 'c', next: 110 });
  t.same(at(110), { active: 'b', published: ['b', 'c', 'a'], retired: [], pending: 'c', next: 115 });
  t.same(at(115), { active: 'c', published: ['c', 'b', 'a'], retired: [], pending: undefined, next: undefined });
  t.same(at(120), { active: 'c', published: ['c', 'b'], retired: ['a'], pending: undefined, next: undefined });
  t.same(at(125), { active: 'c', published: ['c'], retired: ['a', 'b'], pending: undefined, next: undefined });
  t.throws(() => rotationView([], 0, overlap), RangeError);
});
