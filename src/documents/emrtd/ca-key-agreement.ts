// Key agreement of Chip Authentication (ICAO 9303-11 section 6.2, BSI TR-03110 part 3 A.1):
// the chip's static DG14 key with the terminal's ephemeral key, ECDH on the key's curve (named or
// explicit parameters, mapped to a named curve by public-key.ts) or classic DH modulo the p of the
// key's own domain parameters. The shared secret is the ECDH x-coordinate, or g^xy mod p written
// with the length of p (what both node's createECDH and createDiffieHellman return).
import { ProofgateError } from '../../core/errors.js';
import { createDiffieHellman, createECDH } from 'node:crypto';
import {
  Asn1Error, isUniversal, parseDer, readBitString, readInteger, readOid, readUnsignedBytes, sequenceOf, UniversalTag,
} from '../asn1/index.js';
import { OID } from './oids.js';
import { importPublicKey } from './public-key.js';
import { bigFromBytes, bytesFromBig, modPow } from './bigint-bytes.js';

/** X9.42 dhpublicnumber (what TR-03110 names) and PKCS #3 dhKeyAgreement. */
export const DH_KEY_OIDS = { x942: '1.2.840.10046.2.1', pkcs3: '1.2.840.113549.1.3.1' } as const;

export type ChipKey =
  | { readonly agreement: 'ECDH'; readonly curve: string; readonly point: Buffer }
  | { readonly agreement: 'DH'; readonly p: Buffer; readonly g: Buffer; readonly q: Buffer | null; readonly y: Buffer };

export class KeyAgreementError extends ProofgateError {
  constructor(message: string) {
    super('ERR_KEY_AGREEMENT', message);
    this.name = 'KeyAgreementError';
  }
}


/** The chip's public key from a ChipAuthenticationPublicKeyInfo's SubjectPublicKeyInfo; `expected`: the agreement DG14 names. */
export function readChipKey(spki: Uint8Array, expected?: ChipKey['agreement']): ChipKey {
  const key = readAnyChipKey(spki);
  if (expected && key.agreement !== expected) throw new KeyAgreementError(`DG14 names ${expected} Chip Authentication but its key is a${key.agreement === 'ECDH' ? 'n EC' : ' DH'} key`);
  return key;
}

function readAnyChipKey(spki: Uint8Array): ChipKey {
  const [algNode, keyBits] = sequenceOf(parseDer(spki, { mode: 'der' }), 'subjectPublicKeyInfo', 2);
  const alg = sequenceOf(algNode, 'public key algorithm', 1);
  const oid = readOid(alg[0], 'public key algorithm');
  if (oid === OID.ecPublicKey) {
    const imported = importPublicKey(spki);
    if (!imported.curve) throw new KeyAgreementError('EC Chip Authentication key without a usable curve');
    return { agreement: 'ECDH', curve: imported.curve, point: Buffer.from(readBitString(keyBits, 'subjectPublicKey').bytes) };
  }
  if (oid !== DH_KEY_OIDS.x942 && oid !== DH_KEY_OIDS.pkcs3) throw new KeyAgreementError(`unsupported Chip Authentication key algorithm ${oid}`);
  const params = sequenceOf(alg[1], 'DH domain parameters', 2);
  const p = Buffer.from(readUnsignedBytes(params[0], 'DH prime p'));
  const g = Buffer.from(readUnsignedBytes(params[1], 'DH generator g'));
  // X9.42 carries the subgroup order q third; PKCS #3's optional third element is a length, not q.
  const q = oid === DH_KEY_OIDS.x942 && isUniversal(params[2], UniversalTag.integer) ? Buffer.from(readUnsignedBytes(params[2], 'DH order q')) : null;
  const yNode = parseDer(readBitString(keyBits, 'subjectPublicKey').bytes, { mode: 'der' });
  if (!isUniversal(yNode, UniversalTag.integer)) throw new Asn1Error('ASN1_UNEXPECTED', 'DH public key must be an INTEGER', 0);
  if (readInteger(yNode, 'DH public key') <= 0n) throw new KeyAgreementError('DH public key is not positive');
  // Chips use 1024 or 2048 bits; the upper bound keeps the key check's modular exponentiation cheap on hostile input.
  const bits = bigFromBytes(p).toString(2).length;
  if (bits < 1024 || bits > 4096) throw new KeyAgreementError(`DH prime of ${bits} bits is outside 1024..4096`);
  const y = bytesFromBig(bigFromBytes(readUnsignedBytes(yNode, 'DH public key')), p.length);
  return { agreement: 'DH', p, g, q, y };
}

/**
 * Key check of TR-03110 / NIST SP 800-56A for the chip's DH key: 1 < y < p - 1 and, when the
 * domain parameters name the subgroup order q, y^q = 1 mod p (y lies in the subgroup). EC points
 * are checked by OpenSSL inside the agreement (a point off the curve is refused there).
 */
export function checkDhPublicValue(key: Extract<ChipKey, { agreement: 'DH' }>, y: Uint8Array = key.y): string | null {
  const p = bigFromBytes(key.p);
  const v = bigFromBytes(y);
  if (v <= 1n || v >= p - 1n) return 'DH public value outside 1 < y < p - 1';
  if (key.q && modPow(v, bigFromBytes(key.q), p) !== 1n) return 'DH public value is not in the subgroup of order q';
  return null;
}

export interface AgreementResult {
  readonly sharedSecret: Buffer;
  /** The terminal's ephemeral public key as sent to the chip: uncompressed EC point, or DH y with the length of p. */
  readonly terminalPublicKey: Buffer;
  readonly terminalPrivateKey: Buffer;
}

/** Runs the terminal's half of the agreement; a fresh ephemeral key unless `terminalPrivateKey` is given. */
export function agreeWithChip(chip: ChipKey, terminalPrivateKey?: Uint8Array): AgreementResult {
  try {
    if (chip.agreement === 'ECDH') {
      const ecdh = createECDH(chip.curve);
      if (terminalPrivateKey) ecdh.setPrivateKey(Buffer.from(terminalPrivateKey));
      else ecdh.generateKeys();
      return { sharedSecret: ecdh.computeSecret(chip.point), terminalPublicKey: ecdh.getPublicKey(null, 'uncompressed'), terminalPrivateKey: ecdh.getPrivateKey() };
    }
    const problem = checkDhPublicValue(chip);
    if (problem) throw new KeyAgreementError(`chip key check failed: ${problem}`);
    const dh = createDiffieHellman(chip.p, chip.g);
    if (terminalPrivateKey) {
      if (bigFromBytes(terminalPrivateKey) <= 1n || bigFromBytes(terminalPrivateKey) >= bigFromBytes(chip.p) - 1n) throw new KeyAgreementError('terminal DH private key out of range');
      dh.setPrivateKey(Buffer.from(terminalPrivateKey));
    }
    dh.generateKeys();
    return {
      sharedSecret: dh.computeSecret(chip.y),
      terminalPublicKey: bytesFromBig(bigFromBytes(dh.getPublicKey()), chip.p.length),
      terminalPrivateKey: dh.getPrivateKey(),
    };
  } catch (e) {
    if (e instanceof KeyAgreementError) throw e;
    throw new KeyAgreementError(`key agreement refused by the crypto library: ${(e as Error).message}`);
  }
}
