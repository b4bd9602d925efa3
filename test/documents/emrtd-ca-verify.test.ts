import t from 'tap';
import { getDiffieHellman } from 'node:crypto';
import { derApplication, derBitString, derInteger, derOid, derSequence, derSetOf } from '../../src/documents/asn1/index.js';
import {
  aesCmac, DH_KEY_OIDS, padIso7816, parseDg14, retailMac, startChipAuthentication, verifyChipAuthentication, type SessionCipher,
} from '../../src/documents/emrtd/index.js';
import {
  buildDg14, CA_OID, chipAuthenticationToken, chipProtectedResponse, dhChipKey, ecChipKey, type ChipKeyPair,
} from '../helpers/documents/ca-chip.js';

t.test('MAC primitives: ICAO 9303-11 App. D.4 retail MAC, RFC 4493 AES-CMAC vectors', async (t) => {
  const ksMac = Buffer.from('F1CB1F1FB5ADF208806B89DC579DC1F8', 'hex');
  t.equal(retailMac(ksMac, padIso7816(Buffer.from('887022120C06C2270CA4020C800000008709016375432908C044F6', 'hex'), 8)).toString('hex').toUpperCase(), 'BF8B92D635FF24F8');
  t.equal(retailMac(ksMac, padIso7816(Buffer.from('887022120C06C22899029000', 'hex'), 8)).toString('hex').toUpperCase(), 'FA855A5D4C50A8ED');
  const k = Buffer.from('2b7e151628aed2a6abf7158809cf4f3c', 'hex');
  t.equal(aesCmac(k, Buffer.alloc(0)).toString('hex'), 'bb1d6929e95937287fa37d129b756746');
  t.equal(aesCmac(k, Buffer.from('6bc1bee22e409f96e93d7e117393172a', 'hex')).toString('hex'), '070a16b46b4d4144f79bdd9dd04a287c');
  t.equal(aesCmac(k, Buffer.from('6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411', 'hex')).toString('hex'), 'dfa66747de9ae63030ca32611497c827');
  t.throws(() => retailMac(Buffer.alloc(8), Buffer.alloc(8)), RangeError);
});

const chips: Array<{ label: string; make: () => ChipKeyPair; oids: Record<SessionCipher, string> }> = [
  { label: 'ECDH P-256 (named curve)', make: () => ecChipKey('prime256v1'), oids: CA_OID.ecdh },
  { label: 'ECDH brainpoolP256r1 (explicit parameters)', make: () => ecChipKey('brainpoolP256r1', { explicit: true }), oids: CA_OID.ecdh },
  { label: 'DH 2048 (RFC 3526 group 14, X9.42 with q)', make: dhChipKey, oids: CA_OID.dh },
];
const ciphers: SessionCipher[] = ['3DES', 'AES-128', 'AES-192', 'AES-256'];

for (const { label, make, oids } of chips) {
  t.test(`${label}: genuine chip passes CA v1 and v2 with every cipher; tampering fails`, async (t) => {
    const chip = make();
    for (const cipher of ciphers) {
      // Version 1: MSE:Set KAT, then the chip's protected answer under the new keys.
      const v1 = buildDg14(chip, oids[cipher], 1);
      const session = startChipAuthentication(parseDg14(v1));
      t.equal(session.cipher, cipher);
      t.equal(session.agreement, chip.agreement);
      const response = chipProtectedResponse(chip, cipher, session.terminalPublicKey);
      const base = { dg14: v1, terminalPrivateKey: session.terminalPrivateKey, terminalPublicKey: session.terminalPublicKey };
      const ok = verifyChipAuthentication({ ...base, protectedResponse: response });
      t.equal(ok.outcome, 'pass', `${cipher} v1: ${ok.reason}`);
      t.same(ok.checks.map((c) => c.name), ['ca.protocol', 'ca.key-agreement', 'ca.response']);
      t.equal(ok.version, 1);
      const flipped = Buffer.from(response);
      flipped[flipped.length - 3] ^= 1;
      const bad = verifyChipAuthentication({ ...base, protectedResponse: flipped });
      t.equal(bad.outcome, 'fail', `${cipher} v1 tampered MAC`);
      t.match(bad.reason, /MAC does not verify/);
      t.equal(verifyChipAuthentication({ ...base, protectedResponse: response, sendSequenceCounter: 4 }).outcome, 'fail', `${cipher} v1 wrong SSC`);

      // Version 2: General Authenticate, nonce-based keys and T_PICC.
      const v2 = buildDg14(chip, oids[cipher], 2);
      const s2 = startChipAuthentication(parseDg14(v2));
      const answer = chipAuthenticationToken(chip, oids[cipher], cipher, s2.terminalPublicKey);
      const good2 = verifyChipAuthentication({ dg14: v2, terminalPrivateKey: s2.terminalPrivateKey, ...answer });
      t.equal(good2.outcome, 'pass', `${cipher} v2: ${good2.reason}`);
      const token = Buffer.from(answer.authenticationToken);
      token[0] ^= 0x80;
      t.equal(verifyChipAuthentication({ dg14: v2, terminalPrivateKey: s2.terminalPrivateKey, ...answer, authenticationToken: token }).outcome, 'fail', `${cipher} v2 tampered token`);
      const otherNonce = Buffer.from(answer.nonce);
      otherNonce[7] ^= 1;
      t.equal(verifyChipAuthentication({ dg14: v2, terminalPrivateKey: s2.terminalPrivateKey, ...answer, nonce: otherNonce }).outcome, 'fail', `${cipher} v2 other nonce`);
    }
  });
}

t.test('a chip without the DG14 private key (clone with copied DG14) fails', async (t) => {
  const genuine = ecChipKey('brainpoolP256r1', { explicit: true });
  const clone = ecChipKey('brainpoolP256r1', { explicit: true });
  const dg14 = buildDg14(genuine, CA_OID.ecdh['AES-128'], 1);
  const session = startChipAuthentication(parseDg14(dg14));
  const r = verifyChipAuthentication({ dg14, terminalPrivateKey: session.terminalPrivateKey, protectedResponse: chipProtectedResponse(clone, 'AES-128', session.terminalPublicKey) });
  t.equal(r.outcome, 'fail');
  t.equal(r.checks.find((c) => c.name === 'ca.response')?.outcome, 'fail');
  const dh = dhChipKey();
  const dhDg14 = buildDg14(dh, CA_OID.dh['AES-256'], 2);
  const s = startChipAuthentication(parseDg14(dhDg14));
  const r2 = verifyChipAuthentication({ dg14: dhDg14, terminalPrivateKey: s.terminalPrivateKey, ...chipAuthenticationToken(dhChipKey(), CA_OID.dh['AES-256'], 'AES-256', s.terminalPublicKey) });
  t.equal(r2.outcome, 'fail');
});

t.test('wrong terminal key, protocol or cipher mismatches fail; missing parts are errors', async (t) => {
  const chip = ecChipKey('prime256v1');
  const dg14 = buildDg14(chip, CA_OID.ecdh['3DES'], 1);
  const session = startChipAuthentication(parseDg14(dg14));
  const response = chipProtectedResponse(chip, '3DES', session.terminalPublicKey);
  const other = startChipAuthentication(parseDg14(dg14));
  // The reader reports another ephemeral key than the one the chip answered.
  t.equal(verifyChipAuthentication({ dg14, terminalPrivateKey: other.terminalPrivateKey, protectedResponse: response }).outcome, 'fail');
  const mismatch = verifyChipAuthentication({ dg14, terminalPrivateKey: session.terminalPrivateKey, terminalPublicKey: other.terminalPublicKey, protectedResponse: response });
  t.equal(mismatch.outcome, 'fail');
  t.match(mismatch.reason, /does not belong to the terminal private key/);
  // Reader claims AES-128, DG14 offers 3DES only.
  const wrongProtocol = verifyChipAuthentication({ dg14, protocol: CA_OID.ecdh['AES-128'], terminalPrivateKey: session.terminalPrivateKey, protectedResponse: response });
  t.equal(wrongProtocol.outcome, 'fail');
  t.match(wrongProtocol.reason, /which DG14 does not offer/);
  // The chip answered with 3DES keys but DG14 says AES-128: the MAC cannot verify.
  const aesDg14 = buildDg14(chip, CA_OID.ecdh['AES-128'], 1);
  t.equal(verifyChipAuthentication({ dg14: aesDg14, terminalPrivateKey: session.terminalPrivateKey, protectedResponse: response }).outcome, 'fail');
  // DH protocol OID for an EC key.
  const dhForEc = buildDg14(chip, CA_OID.dh['3DES'], 1);
  const e1 = verifyChipAuthentication({ dg14: dhForEc, terminalPrivateKey: session.terminalPrivateKey, protectedResponse: response });
  t.equal(e1.outcome, 'error');
  t.match(e1.reason, /names DH Chip Authentication \(.*\) for an ECDH key/);
  // Version 1 without the response, version 2 without the token.
  t.equal(verifyChipAuthentication({ dg14, terminalPrivateKey: session.terminalPrivateKey }).outcome, 'error');
  t.equal(verifyChipAuthentication({ dg14: buildDg14(chip, CA_OID.ecdh['3DES'], 2), terminalPrivateKey: session.terminalPrivateKey }).outcome, 'error');
  t.equal(verifyChipAuthentication({ dg14: buildDg14(chip, CA_OID.ecdh['3DES'], 3), terminalPrivateKey: session.terminalPrivateKey, protectedResponse: response }).outcome, 'error');
  // A terminal scalar outside the curve order is refused by the key agreement.
  const badKey = verifyChipAuthentication({ dg14, terminalPrivateKey: Buffer.alloc(32, 0xff), protectedResponse: response });
  t.equal(badKey.outcome, 'error');
  t.equal(badKey.checks[badKey.checks.length - 1].name, 'ca.key-agreement');
});

t.test('malformed DG14 or response: a clear error or fail, never a throw', async (t) => {
  const chip = ecChipKey('prime256v1');
  const dg14 = buildDg14(chip, CA_OID.ecdh['AES-128'], 1);
  const session = startChipAuthentication(parseDg14(dg14));
  const key = session.terminalPrivateKey;
  for (const bytes of [Buffer.alloc(0), Buffer.from('6e03310130', 'hex'), dg14.subarray(0, dg14.length - 5), Buffer.from('6f00', 'hex')]) {
    const r = verifyChipAuthentication({ dg14: bytes, terminalPrivateKey: key, protectedResponse: Buffer.alloc(14) });
    t.equal(r.outcome, 'error');
    t.equal(r.checks[0].name, 'ca.protocol');
  }
  t.equal(verifyChipAuthentication({ dg14: derApplication(14, derSetOf(derSequence(derOid(CA_OID.ta), derInteger(1)))), terminalPrivateKey: key, protectedResponse: Buffer.alloc(14) }).reason,
    'DG14: DG14 holds no Chip Authentication public key');
  // A point off the curve in DG14.
  const offCurve = Buffer.from(dg14);
  offCurve[offCurve.length - 40] ^= 0x55;
  t.equal(verifyChipAuthentication({ dg14: offCurve, terminalPrivateKey: key, protectedResponse: Buffer.alloc(14) }).outcome, 'error');
  const good = chipProtectedResponse(chip, 'AES-128', session.terminalPublicKey);
  for (const response of [Buffer.alloc(3), Buffer.concat([Buffer.from('8e08', 'hex'), good.subarray(6)]), good.subarray(0, good.length - 4), Buffer.concat([good.subarray(0, 4), Buffer.from('8e07', 'hex'), good.subarray(6, 13), Buffer.from('9000', 'hex')]), Buffer.from('99ff90008e0800000000000000009000', 'hex')]) {
    const r = verifyChipAuthentication({ dg14, terminalPrivateKey: key, protectedResponse: response });
    t.equal(r.outcome, 'fail', `response ${response.toString('hex')}`);
    t.match(r.reason, /malformed/);
  }
  // Two keys without a keyId from the reader: it must say which.
  const two = derApplication(14, derSetOf(
    derSequence(derOid(CA_OID.pkEcdh), chip.spki, derInteger(1)), derSequence(derOid(CA_OID.pkEcdh), ecChipKey('prime256v1').spki, derInteger(2)),
    derSequence(derOid(CA_OID.ecdh['AES-128']), derInteger(1), derInteger(1)), derSequence(derOid(CA_OID.ecdh['AES-128']), derInteger(1), derInteger(2)),
  ));
  t.match(verifyChipAuthentication({ dg14: two, terminalPrivateKey: key, protectedResponse: good }).reason, /must say which keyId/);
  t.equal(verifyChipAuthentication({ dg14: two, keyId: 1, terminalPrivateKey: key, protectedResponse: good }).outcome, 'pass');
  t.equal(verifyChipAuthentication({ dg14: two, keyId: 2, terminalPrivateKey: key, protectedResponse: good }).outcome, 'fail');
});

t.test('DH key check: a public value outside the subgroup is refused', async (t) => {
  const chip = dhChipKey();
  const dg14 = buildDg14(chip, CA_OID.dh['AES-128'], 1);
  const session = startChipAuthentication(parseDg14(dg14));
  t.equal(session.terminalPublicKey.length, 256);
  // The chip's y replaced by p - 1 (order 2): the key check refuses it before any agreement.
  const p = getDiffieHellman('modp14').getPrime();
  const pMinus1 = Buffer.from(p);
  pMinus1[pMinus1.length - 1] -= 1;
  const q = (BigInt(`0x${p.toString('hex')}`) - 1n) / 2n;
  const forged = derSequence(derSequence(derOid(DH_KEY_OIDS.x942), derSequence(derInteger(p), derInteger(2), derInteger(q))), derBitString(derInteger(pMinus1)));
  const forgedDg14 = derApplication(14, derSetOf(derSequence(derOid(CA_OID.pkDh), forged), derSequence(derOid(CA_OID.dh['AES-128']), derInteger(1))));
  const r = verifyChipAuthentication({ dg14: forgedDg14, terminalPrivateKey: session.terminalPrivateKey, protectedResponse: Buffer.alloc(14) });
  t.equal(r.outcome, 'error');
  t.match(r.reason, /outside 1 < y < p - 1/);
  // A 768-bit group (RFC 2409 group 1) is refused outright.
  const small = getDiffieHellman('modp1');
  small.generateKeys();
  const weak = derSequence(derSequence(derOid(DH_KEY_OIDS.pkcs3), derSequence(derInteger(small.getPrime()), derInteger(2))), derBitString(derInteger(small.getPublicKey())));
  const weakDg14 = derApplication(14, derSetOf(derSequence(derOid(CA_OID.pkDh), weak), derSequence(derOid(CA_OID.dh['3DES']), derInteger(1))));
  const w = verifyChipAuthentication({ dg14: weakDg14, terminalPrivateKey: Buffer.alloc(32, 7), protectedResponse: Buffer.alloc(14) });
  t.equal(w.outcome, 'error');
  t.match(w.reason, /DH prime of 768 bits is outside 1024\.\.4096/);
});
