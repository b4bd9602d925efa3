// Terminal side of Chip Authentication (ICAO 9303-11 section 6.2, BSI TR-03110): picks the protocol
// and key from DG14, runs the key agreement with an ephemeral key (ECDH or DH, ca-key-agreement.ts)
// and derives the session keys. A chip reader sends `terminalPublicKey` (MSE:Set KAT for version 1,
// General Authenticate for version 2); ca-verify.ts then checks the chip's answer.
import { createHash, diffieHellman, type KeyObject } from 'node:crypto';
import { parseDer, readBitString, sequenceOf } from '../asn1/index.js';
import { ProofgateError } from '../../core/errors.js';
import { adjustDesParity } from './bac-keys.js';
import { agreeWithChip, KeyAgreementError, readChipKey } from './ca-key-agreement.js';
import { selectChipAuthentication, type ChipAuthenticationSelection, type SessionCipher } from './ca-select.js';
import type { Dg14 } from './dg14.js';


export interface ChipAuthenticationSession {
  readonly protocol: string;
  readonly version: number;
  readonly agreement: 'ECDH' | 'DH';
  readonly cipher: SessionCipher;
  /** node curve name for ECDH, null for DH. */
  readonly curve: string | null;
  readonly keyId: number | null;
  /** Uncompressed EC point, or DH public value with the length of p: what is sent to the chip. */
  readonly terminalPublicKey: Buffer;
  /** The ephemeral private key (EC scalar or DH exponent): the reader hands it to ca-verify.ts with the chip's answer. */
  readonly terminalPrivateKey: Buffer;
  readonly sharedSecret: Buffer;
  /** Version 1 session keys (no nonce); version 2 derives its keys with the chip's nonce (deriveSessionKeys). */
  readonly kEnc: Buffer;
  readonly kMac: Buffer;
}

/**
 * KDF of 9303-11 section 9.7.1: H(K || nonce || counter), SHA-1 for 3DES and AES-128, SHA-256
 * above; the nonce is CA version 2's r_PICC (TR-03110 part 3 A.2.3), absent in version 1.
 */
export function deriveSessionKeys(sharedSecret: Uint8Array, cipher: SessionCipher, nonce: Uint8Array = Buffer.alloc(0)): { kEnc: Buffer; kMac: Buffer } {
  return { kEnc: icaoKdf(sharedSecret, cipher, 1, nonce), kMac: icaoKdf(sharedSecret, cipher, 2, nonce) };
}

/** The KDF itself, for any counter (1: K_enc, 2: K_mac, 3: PACE's K_pi from the password). */
export function icaoKdf(secret: Uint8Array, cipher: SessionCipher, counter: number, nonce: Uint8Array = Buffer.alloc(0)): Buffer {
  const input = Buffer.concat([secret, nonce, Buffer.from([0, 0, 0, counter])]);
  switch (cipher) {
    case '3DES': return adjustDesParity(createHash('sha1').update(input).digest().subarray(0, 16));
    case 'AES-128': return createHash('sha1').update(input).digest().subarray(0, 16);
    case 'AES-192': return createHash('sha256').update(input).digest().subarray(0, 24);
    case 'AES-256': return createHash('sha256').update(input).digest();
  }
}

/** The EC point inside a SubjectPublicKeyInfo. */
export function ecPoint(spki: Uint8Array): Buffer {
  return Buffer.from(readBitString(sequenceOf(parseDer(spki), 'subjectPublicKeyInfo', 2)[1], 'subjectPublicKey').bytes);
}

export function startChipAuthentication(dg14: Dg14, options: { keyId?: number } = {}): ChipAuthenticationSession {
  let selected: ChipAuthenticationSelection;
  try {
    selected = selectChipAuthentication(dg14, options);
  } catch (e) {
    throw new ProofgateError('ERR_BAD_REQUEST', (e as Error).message, { status: 400 });
  }
  try {
    const chip = readChipKey(selected.spki, selected.agreement);
    const agreed = agreeWithChip(chip);
    return {
      protocol: selected.protocol, version: selected.version, agreement: selected.agreement, cipher: selected.cipher,
      curve: chip.agreement === 'ECDH' ? chip.curve : null, keyId: selected.keyId,
      terminalPublicKey: agreed.terminalPublicKey, terminalPrivateKey: agreed.terminalPrivateKey,
      sharedSecret: agreed.sharedSecret, ...deriveSessionKeys(agreed.sharedSecret, selected.cipher),
    };
  } catch (e) {
    const message = e instanceof KeyAgreementError ? e.message : `Chip Authentication key unusable: ${(e as Error).message}`;
    throw new ProofgateError('ERR_BAD_REQUEST', message, { status: 400 });
  }
}

/** ECDH x-coordinate, as both chip and terminal compute it. */
export function chipAuthenticationSecret(privateKey: KeyObject, publicKey: KeyObject): Buffer {
  return diffieHellman({ privateKey, publicKey });
}
