// A simulated eMRTD chip for Chip Authentication: static key pairs (ECDH named or explicit curve,
// DH modulo a 2048-bit p), DG14 built with the DER writer, and the chip's half of the exchange
// (its own key agreement with the terminal's public key, then a MAC'd response or T_PICC).
import { createDiffieHellman, createECDH, getDiffieHellman, randomBytes } from 'node:crypto';
import { derApplication, derBitString, derInteger, derOid, derSequence, derSetOf } from '../../../src/documents/asn1/index.js';
import {
  deriveSessionKeys, DH_KEY_OIDS, NAMED_CURVES, publicKeyDataObject, sessionMac, toExplicitSpki, type SessionCipher,
} from '../../../src/documents/emrtd/index.js';

export const CA_OID = {
  pkDh: '0.4.0.127.0.7.2.2.1.1',
  pkEcdh: '0.4.0.127.0.7.2.2.1.2',
  ta: '0.4.0.127.0.7.2.2.2',
  ecdh: { '3DES': '0.4.0.127.0.7.2.2.3.2.1', 'AES-128': '0.4.0.127.0.7.2.2.3.2.2', 'AES-192': '0.4.0.127.0.7.2.2.3.2.3', 'AES-256': '0.4.0.127.0.7.2.2.3.2.4' },
  dh: { '3DES': '0.4.0.127.0.7.2.2.3.1.1', 'AES-128': '0.4.0.127.0.7.2.2.3.1.2', 'AES-192': '0.4.0.127.0.7.2.2.3.1.3', 'AES-256': '0.4.0.127.0.7.2.2.3.1.4' },
} as const;

export interface ChipKeyPair {
  readonly agreement: 'ECDH' | 'DH';
  /** ChipAuthenticationPublicKeyInfo's SubjectPublicKeyInfo. */
  readonly spki: Buffer;
  /** The chip's shared secret with a terminal public key (EC point or DH value). */
  secretWith(terminalPublicKey: Uint8Array): Buffer;
}

export function ecChipKey(curve: string, options: { explicit?: boolean; privateKey?: Uint8Array } = {}): ChipKeyPair {
  const ecdh = createECDH(curve);
  if (options.privateKey) ecdh.setPrivateKey(Buffer.from(options.privateKey));
  else ecdh.generateKeys();
  const oid = NAMED_CURVES.find((c) => c.name === curve)!.oid;
  const named = derSequence(derSequence(derOid('1.2.840.10045.2.1'), derOid(oid)), derBitString(ecdh.getPublicKey()));
  return {
    agreement: 'ECDH',
    spki: options.explicit ? Buffer.from(toExplicitSpki(named, curve)) : named,
    secretWith: (point) => ecdh.computeSecret(Buffer.from(point)),
  };
}

/** RFC 3526 group 14 (2048-bit safe prime, g = 2, q = (p - 1) / 2), X9.42 encoding with q. */
export function dhChipKey(): ChipKeyPair {
  const p = getDiffieHellman('modp14').getPrime();
  const g = Buffer.from([2]);
  const q = (BigInt(`0x${p.toString('hex')}`) - 1n) / 2n;
  const dh = createDiffieHellman(p, g);
  dh.generateKeys();
  const params = derSequence(derInteger(p), derInteger(g), derInteger(q));
  return {
    agreement: 'DH',
    spki: derSequence(derSequence(derOid(DH_KEY_OIDS.x942), params), derBitString(derInteger(dh.getPublicKey()))),
    secretWith: (y) => dh.computeSecret(Buffer.from(y)),
  };
}

/** DG14 with the chip's key and one ChipAuthenticationInfo (plus Terminal Authentication, as real DG14s carry). */
export function buildDg14(chip: ChipKeyPair, protocol: string, version = 1, keyId?: number): Buffer {
  const id = keyId === undefined ? [] : [derInteger(keyId)];
  return derApplication(14, derSetOf(
    derSequence(derOid(chip.agreement === 'DH' ? CA_OID.pkDh : CA_OID.pkEcdh), chip.spki, ...id),
    derSequence(derOid(protocol), derInteger(version), ...id),
    derSequence(derOid(CA_OID.ta), derInteger(1)),
  ));
}

/** CA v1: the chip answers the first protected command (SSC 2) with DO99 (status 9000) and DO8E. */
export function chipProtectedResponse(chip: ChipKeyPair, cipher: SessionCipher, terminalPublicKey: Uint8Array, ssc = 2): Buffer {
  const { kMac } = deriveSessionKeys(chip.secretWith(terminalPublicKey), cipher);
  const counter = Buffer.alloc(cipher === '3DES' ? 8 : 16);
  counter.writeUInt32BE(ssc, counter.length - 4);
  const do99 = Buffer.from('99029000', 'hex');
  const mac = sessionMac(cipher, kMac, Buffer.concat([counter, do99]), true);
  return Buffer.concat([do99, Buffer.from([0x8e, 0x08]), mac, Buffer.from([0x90, 0x00])]);
}

/** CA v2: the chip's nonce r_PICC and T_PICC over the terminal's public key data object. */
export function chipAuthenticationToken(chip: ChipKeyPair, protocol: string, cipher: SessionCipher, terminalPublicKey: Uint8Array): { nonce: Buffer; authenticationToken: Buffer } {
  const nonce = randomBytes(8);
  const { kMac } = deriveSessionKeys(chip.secretWith(terminalPublicKey), cipher, nonce);
  return { nonce, authenticationToken: sessionMac(cipher, kMac, publicKeyDataObject(protocol, chip.agreement, terminalPublicKey), false) };
}
