import t from 'tap';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { derApplication, derBitString, derInteger, derOid, derSequence, derSetOf } from '../../src/documents/asn1/index.js';
import {
  chipAuthenticationSecret, deriveBacKeys, deriveSessionKeys, NAMED_CURVES, parseDg14, startChipAuthentication, toExplicitSpki,
} from '../../src/documents/emrtd/index.js';

const OID = {
  pkEcdh: '0.4.0.127.0.7.2.2.1.2', pkDh: '0.4.0.127.0.7.2.2.1.1', caEcdhAes128: '0.4.0.127.0.7.2.2.3.2.2', caDh3des: '0.4.0.127.0.7.2.2.3.1.1',
  ta: '0.4.0.127.0.7.2.2.2', aa: '2.23.136.1.1.5', ecdsaPlainSha256: '0.4.0.127.0.7.1.1.4.1.3', pace: '0.4.0.127.0.7.2.2.4.2.4',
  ecPublicKey: '1.2.840.10045.2.1',
};

const chip = generateKeyPairSync('ec', { namedCurve: 'brainpoolP256r1' });
const chipSpki = Buffer.from(toExplicitSpki(chip.publicKey.export({ type: 'spki', format: 'der' }), 'brainpoolP256r1'));
const dg14 = derApplication(14, derSetOf(
  derSequence(derOid(OID.pkEcdh), chipSpki),
  derSequence(derOid(OID.caEcdhAes128), derInteger(1)),
  derSequence(derOid(OID.ta), derInteger(1)),
  derSequence(derOid(OID.aa), derInteger(1), derOid(OID.ecdsaPlainSha256)),
  derSequence(derOid(OID.pace), derInteger(2), derInteger(16)),
  derSequence(derOid('1.2.3.4'), derInteger(1)),
));

t.test('DG14 SecurityInfos', async (t) => {
  const d = parseDg14(dg14);
  t.equal(d.chipAuthenticationKeys.length, 1);
  t.equal(d.chipAuthenticationKeys[0].protocol, OID.pkEcdh);
  t.same(d.chipAuthentication, [{ protocol: OID.caEcdhAes128, version: 1, keyId: null }]);
  t.same(d.paceProtocols, [OID.pace]);
  t.equal(d.terminalAuthentication, true);
  t.equal(d.activeAuthenticationAlgorithm, OID.ecdsaPlainSha256);
  t.same(d.otherProtocols, ['1.2.3.4']);
  t.throws(() => parseDg14(Buffer.from('6f00', 'hex')), { code: 'ASN1_UNEXPECTED' });
  t.throws(() => parseDg14(Buffer.from('6e0531033002', 'hex')), { name: 'Asn1Error' });
});

t.test('terminal and chip derive the same Chip Authentication session keys', async (t) => {
  const session = startChipAuthentication(parseDg14(dg14));
  t.equal(session.curve, 'brainpoolP256r1');
  t.equal(session.cipher, 'AES-128');
  t.equal(session.terminalPublicKey.length, 65);
  t.equal(session.terminalPublicKey[0], 0x04);
  // The chip's side: ECDH with its private key and the terminal's point.
  const curveOid = NAMED_CURVES.find((c) => c.name === 'brainpoolP256r1')!.oid;
  const terminalKey = createPublicKey({ key: derSequence(derSequence(derOid(OID.ecPublicKey), derOid(curveOid)), derBitString(session.terminalPublicKey)), format: 'der', type: 'spki' });
  const chipSecret = chipAuthenticationSecret(chip.privateKey, terminalKey);
  t.same(chipSecret, session.sharedSecret);
  t.same(deriveSessionKeys(chipSecret, 'AES-128'), { kEnc: session.kEnc, kMac: session.kMac });
  t.equal(session.kEnc.length, 16);
  t.not(startChipAuthentication(parseDg14(dg14)).sharedSecret.toString('hex'), session.sharedSecret.toString('hex'), 'fresh ephemeral key each time');
});

t.test('session key derivation: the 3DES KDF is BAC\'s (9303-11 App. D.1 vector), AES sizes', async (t) => {
  const bac = deriveBacKeys('L898902C<369080619406236');
  const k = deriveSessionKeys(bac.kseed, '3DES');
  t.equal(k.kEnc.toString('hex').toUpperCase(), 'AB94FDECF2674FDFB9B391F85D7F76F2');
  t.equal(k.kMac.toString('hex').toUpperCase(), '7962D9ECE03D1ACD4C76089DCE131543');
  t.equal(deriveSessionKeys(Buffer.alloc(32, 1), 'AES-192').kEnc.length, 24);
  t.equal(deriveSessionKeys(Buffer.alloc(32, 1), 'AES-256').kMac.length, 32);
});

t.test('a DG14 naming DH for an EC key, or holding no key, is a clear ERR_BAD_REQUEST', async (t) => {
  const dh = parseDg14(derApplication(14, derSetOf(derSequence(derOid(OID.pkDh), chipSpki), derSequence(derOid(OID.caDh3des), derInteger(1)))));
  t.throws(() => startChipAuthentication(dh), { code: 'ERR_BAD_REQUEST', message: /DG14 names DH Chip Authentication but its key is an EC key/ });
  const none = parseDg14(derApplication(14, derSetOf(derSequence(derOid(OID.ta), derInteger(1)))));
  t.throws(() => startChipAuthentication(none), { code: 'ERR_BAD_REQUEST', message: 'DG14 holds no Chip Authentication public key' });
});
