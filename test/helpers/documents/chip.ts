// What an eMRTD chip does for Active Authentication, so the verifier can be tested against it.
import { constants, createHash, privateEncrypt, randomBytes, sign, type KeyObject } from 'node:crypto';
import { derApplication } from '../../../src/documents/asn1/index.js';

/** DG15: tag 6F around the SubjectPublicKeyInfo. */
export const dg15 = (spki: Buffer): Buffer => derApplication(15, spki);

/** ISO/IEC 9796-2 scheme 1 signature with partial recovery (RSA chips). `alternative`: send n - s. */
export function iso9796Sign(privateKey: KeyObject, challenge: Uint8Array, hash: 'sha1' | 'sha256' = 'sha1', alternative = false): Buffer {
  const jwk = privateKey.export({ format: 'jwk' });
  const n = BigInt(`0x${Buffer.from(jwk.n!, 'base64url').toString('hex')}`);
  const k = Math.ceil(n.toString(2).length / 8);
  const trailer = hash === 'sha1' ? Buffer.from([0xbc]) : Buffer.from([0x34, 0xcc]);
  const hLen = hash === 'sha1' ? 20 : 32;
  const m1 = randomBytes(k - 1 - hLen - trailer.length);
  const h = createHash(hash).update(m1).update(challenge).digest();
  const f = Buffer.concat([Buffer.from([0x6a]), m1, h, trailer]);
  const s = privateEncrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, f);
  if (!alternative) return s;
  const alt = n - BigInt(`0x${s.toString('hex')}`);
  return Buffer.from(alt.toString(16).padStart(k * 2, '0'), 'hex');
}

/** Plain (r || s) ECDSA over the challenge (EC chips, BSI TR-03111). */
export const ecdsaPlainSign = (privateKey: KeyObject, challenge: Uint8Array): Buffer =>
  sign('sha256', challenge, { key: privateKey, dsaEncoding: 'ieee-p1363' });
