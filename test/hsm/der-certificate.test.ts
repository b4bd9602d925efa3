import t from 'tap';
import { execFileSync } from 'node:child_process';
import { X509Certificate, generateKeyPairSync, sign as cryptoSign } from 'node:crypto';
import * as der from '../../src/hsm/der.js';
import { buildSelfSignedCertificate } from '../../src/hsm/certificate.js';
import { rotationView } from '../../src/hsm/rotation.js';

t.test('DER writer: known encodings', async (t) => {
  t.equal(der.oid('1.2.840.113549.1.1.11').toString('hex'), '06092a864886f70d01010b', 'sha256WithRSAEncryption (RFC 4055)');
  t.equal(der.oid('2.5.4.3').toString('hex'), '0603550403', 'id-at-commonName');
  t.equal(der.unsignedInteger(Buffer.from([0x80])).toString('hex'), '02020080', 'sign padding for a high first bit');
  t.equal(der.unsignedInteger(Buffer.from([0, 0, 0x7f])).toString('hex'), '02017f', 'leading zeros dropped');
  t.equal(der.smallInteger(0).toString('hex'), '020100');
  t.equal(der.smallInteger(2).toString('hex'), '020102');
  t.equal(der.tlv(0x04, Buffer.alloc(127)).subarray(0, 2).toString('hex'), '047f', 'short length');
  t.equal(der.tlv(0x04, Buffer.alloc(128)).subarray(0, 3).toString('hex'), '048180', 'long length, one byte');
  t.equal(der.tlv(0x04, Buffer.alloc(300)).subarray(0, 4).toString('hex'), '0482012c', 'long length, two bytes');
  t.equal(der.time(new Date(Date.UTC(2049, 11, 31, 23, 59, 59))).toString('ascii', 2), '491231235959Z', 'UTCTime through 2049');
  t.equal(der.time(new Date(Date.UTC(2050, 0, 1))).toString('ascii', 2), '20500101000000Z', 'GeneralizedTime from 2050');
  t.equal(der.time(new Date(Date.UTC(2050, 0, 1)))[0], 0x18);
  t.throws(() => der.oid('1'), RangeError);
});

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
