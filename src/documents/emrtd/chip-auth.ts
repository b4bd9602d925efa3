// Terminal side of Chip Authentication v1 (ICAO 9303-11 section 6.2, BSI TR-03110): an ephemeral
// ECDH key on the chip's DG14 domain parameters, the shared secret, and the session keys. The chip
// is authenticated when secure messaging with these keys then succeeds; that exchange belongs to
// the chip reader, which sends `terminalPublicKey` (MSE:Set KAT / General Authenticate).
import { createHash, diffieHellman, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { parseDer, readBitString, sequenceOf } from '../asn1/index.js';
import { ProofgateError } from '../../errors.js';
import { adjustDesParity } from './bac-keys.js';
import { CHIP_AUTHENTICATION_PROTOCOLS, type Dg14 } from './dg14.js';
import { importPublicKey } from './public-key.js';

export type SessionCipher = '3DES' | 'AES-128' | 'AES-192' | 'AES-256';

export interface ChipAuthenticationSession {
  readonly protocol: string;
  readonly cipher: SessionCipher;
  readonly curve: string;
  readonly keyId: number | null;
  /** Uncompressed EC point to send to the chip. */
  readonly terminalPublicKey: Buffer;
  readonly sharedSecret: Buffer;
  readonly kEnc: Buffer;
  readonly kMac: Buffer;
}

/** KDF of 9303-11 section 9.7.1: H(K || counter), SHA-1 for 3DES and AES-128, SHA-256 above. */
export function deriveSessionKeys(sharedSecret: Uint8Array, cipher: SessionCipher): { kEnc: Buffer; kMac: Buffer } {
  const derive = (counter: number) => {
    const input = Buffer.concat([sharedSecret, Buffer.from([0, 0, 0, counter])]);
    switch (cipher) {
      case '3DES': return adjustDesParity(createHash('sha1').update(input).digest().subarray(0, 16));
      case 'AES-128': return createHash('sha1').update(input).digest().subarray(0, 16);
      case 'AES-192': return createHash('sha256').update(input).digest().subarray(0, 24);
      case 'AES-256': return createHash('sha256').update(input).digest();
    }
  };
  return { kEnc: derive(1), kMac: derive(2) };
}

/** The EC point inside a SubjectPublicKeyInfo. */
export function ecPoint(spki: Uint8Array): Buffer {
  return Buffer.from(readBitString(sequenceOf(parseDer(spki), 'subjectPublicKeyInfo', 2)[1], 'subjectPublicKey').bytes);
}

export function startChipAuthentication(dg14: Dg14, options: { keyId?: number } = {}): ChipAuthenticationSession {
  const info = dg14.chipAuthentication.find((i) => options.keyId === undefined || i.keyId === options.keyId);
  const keyId = options.keyId ?? info?.keyId ?? null;
  const key = keyId === null ? dg14.chipAuthenticationKeys[0] : dg14.chipAuthenticationKeys.find((k) => k.keyId === keyId);
  if (!key) throw new ProofgateError('ERR_BAD_REQUEST', 'DG14 holds no Chip Authentication public key', { status: 400 });
  // Without a ChipAuthenticationInfo, ICAO's default is ECDH with 3DES (CA version 1).
  const protocol = info?.protocol ?? '0.4.0.127.0.7.2.2.3.2.1';
  const { agreement, cipher } = CHIP_AUTHENTICATION_PROTOCOLS[protocol];
  if (agreement !== 'ECDH') throw new ProofgateError('ERR_NOT_IMPLEMENTED', 'Chip Authentication with classic Diffie-Hellman is not implemented', { status: 501 });
  const chip = importPublicKey(key.spki);
  if (chip.type !== 'ec' || !chip.curve) throw new ProofgateError('ERR_BAD_REQUEST', 'Chip Authentication key is not an EC key', { status: 400 });
  const ephemeral = generateKeyPairSync('ec', { namedCurve: chip.curve });
  const sharedSecret = chipAuthenticationSecret(ephemeral.privateKey, chip.key);
  return {
    protocol, cipher, curve: chip.curve, keyId: key.keyId,
    terminalPublicKey: ecPoint(ephemeral.publicKey.export({ type: 'spki', format: 'der' })),
    sharedSecret, ...deriveSessionKeys(sharedSecret, cipher),
  };
}

/** ECDH x-coordinate, as both chip and terminal compute it. */
export function chipAuthenticationSecret(privateKey: KeyObject, publicKey: KeyObject): Buffer {
  return diffieHellman({ privateKey, publicKey });
}
