import t from 'tap';
import { generateKeyPairSync, sign, constants } from 'node:crypto';
import { derContext, derInteger, derNull, derOid, derSequence, parseDer } from '../../src/documents/asn1/index.js';
import { importPublicKey, NAMED_CURVES, toExplicitSpki, verifySignature, CscaStore, verifyPassiveAuthentication } from '../../src/documents/emrtd/index.js';

const sha256Alg = derSequence(derOid('2.16.840.1.101.3.4.2.1'), derNull());
const sha384Alg = derSequence(derOid('2.16.840.1.101.3.4.2.2'), derNull());
const mgf1 = (h: Buffer) => derSequence(derOid('1.2.840.113549.1.1.8'), h);
const alg = (oid: string, params?: Buffer) => ({ oid, params: params ? parseDer(params) : undefined });

t.test('explicit curve parameters map to every named curve in the table, and only to it', async (t) => {
  for (const c of NAMED_CURVES) {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: c.name });
    const named = publicKey.export({ type: 'spki', format: 'der' });
    const k = importPublicKey(toExplicitSpki(named, c.name));
    t.equal(k.curve, c.name);
    t.equal(k.explicitParameters, true);
    t.same(k.key.export({ type: 'spki', format: 'der' }), named, `${c.name}: same key as the named form`);
  }
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'brainpoolP256r1' });
  const explicit = Buffer.from(toExplicitSpki(publicKey.export({ type: 'spki', format: 'der' }), 'brainpoolP256r1'));
  // Change one byte of the curve's b coefficient: same shape, unknown curve.
  const b = NAMED_CURVES.find((c) => c.name === 'brainpoolP256r1')!.b;
  const at = explicit.indexOf(Buffer.from(b, 'hex'));
  t.ok(at > 0);
  explicit[at + 5] ^= 1;
  t.throws(() => importPublicKey(explicit), { name: 'KeyImportError', message: 'explicit EC parameters match no supported named curve' });
  const { publicKey: k2 } = generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
  t.throws(() => importPublicKey(k2.export({ type: 'spki', format: 'der' })), { name: 'KeyImportError', message: /unsupported named curve 1\.3\.132\.0\.10/ });
});

t.test('RSASSA-PSS parameters: hash, MGF1 hash and salt length are honoured', async (t) => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const data = Buffer.from('signed attributes');
  const sig = sign('sha384', data, { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 48 });
  const params = (hash: Buffer, mgfHash: Buffer, salt: number) => derSequence(derContext(0, hash), derContext(1, mgf1(mgfHash)), derContext(2, derInteger(salt)));
  t.same(verifySignature(alg('1.2.840.113549.1.1.10', params(sha384Alg, sha384Alg, 48)), publicKey, data, sig), { ok: true, algorithm: 'rsa-pss-sha384' });
  t.equal(verifySignature(alg('1.2.840.113549.1.1.10', params(sha384Alg, sha384Alg, 32)), publicKey, data, sig).ok, false, 'wrong salt length');
  const mixed = verifySignature(alg('1.2.840.113549.1.1.10', params(sha384Alg, sha256Alg, 48)), publicKey, data, sig);
  t.same(mixed, { ok: false, unsupported: true, reason: 'RSASSA-PSS with MGF1-sha256 but sha384 message hash is not supported', algorithm: '1.2.840.113549.1.1.10' });
  const sha1Default = sign('sha1', data, { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 20 });
  t.equal(verifySignature(alg('1.2.840.113549.1.1.10'), publicKey, data, sha1Default).ok, true, 'absent parameters mean SHA-1, MGF1-SHA-1, salt 20');
});

t.test('algorithm and key mismatches are reported, not thrown', async (t) => {
  const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const data = Buffer.from('x');
  const ecSig = sign('sha256', data, ec.privateKey);
  t.same(verifySignature(alg('1.2.840.113549.1.1.11'), ec.publicKey, data, ecSig), { ok: false, unsupported: false, reason: 'rsa-pkcs1-sha256 signature with a ec key', algorithm: 'rsa-pkcs1-sha256' });
  t.equal(verifySignature(alg('1.2.840.10045.4.3.2'), rsa.publicKey, data, ecSig).ok, false);
  t.equal(verifySignature(alg('1.2.840.10045.4.3.2'), ec.publicKey, data, Buffer.from('3000', 'hex')).ok, false);
  t.equal(verifySignature(alg('1.2.3.4'), ec.publicKey, data, ecSig).ok, false);
  t.equal(verifySignature(alg('1.2.840.10045.2.1'), ec.publicKey, data, ecSig, 'sha256').ok, true, 'id-ecPublicKey with the SignerInfo digest');
  t.equal(verifySignature(alg('1.2.840.10045.2.1'), ec.publicKey, data, ecSig).ok, false, 'and without one it cannot say');
  const plain = sign('sha256', data, { key: ec.privateKey, dsaEncoding: 'ieee-p1363' });
  t.equal(verifySignature(alg('0.4.0.127.0.7.1.1.4.1.3'), ec.publicKey, data, plain).ok, true, 'BSI plain ECDSA');
  t.equal(verifySignature(alg('1.2.840.10045.4.3.3'), ec.publicKey, data, ecSig).ok, false, 'wrong hash');
});

t.test('hostile SODs give status error with the ASN.1 code', async (t) => {
  const store = new CscaStore();
  const deep = Buffer.concat([Buffer.from([0x77, 0x80]), Buffer.alloc(20_000).fill(Buffer.from([0x30, 0x80])), Buffer.alloc(20_004)]);
  const cases: Array<[string, Buffer, RegExp]> = [
    ['deep nesting', deep, /ASN1_TOO_DEEP/],
    ['huge length', Buffer.from('778400ffffff30', 'hex'), /ASN1_LENGTH_EXCEEDS_INPUT/],
    ['truncated', Buffer.from('7782070f308207', 'hex'), /ASN1_LENGTH_EXCEEDS_INPUT/],
    ['empty', Buffer.alloc(0), /ASN1_EMPTY/],
    ['not a SOD', Buffer.from('0403414243', 'hex'), /EF\.SOD must start with tag 0x77/],
    ['oversized', Buffer.alloc(70_000), /exceeds 64 KiB/],
  ];
  for (const [label, sod, reason] of cases) {
    const r = verifyPassiveAuthentication({ sod, store });
    t.equal(r.status, 'error', label);
    t.match(r.checks[0].reason, reason, label);
  }
});
