// Secure-messaging MACs of ICAO 9303-11 section 9.8: ISO/IEC 9797-1 MAC algorithm 3 ("retail MAC")
// with DES for 3DES sessions, AES-CMAC (NIST SP 800-38B) for AES sessions, both cut to 8 bytes.
// Single DES is written as 2-key EDE with K1 || K1 (E(K1) D(K1) E(K1) = E(K1)) because OpenSSL 3
// only offers plain DES through its legacy provider.
import { createCipheriv, createDecipheriv } from 'node:crypto';
import type { SessionCipher } from './ca-select.js';

/** ISO/IEC 9797-1 padding method 2 (ISO 7816-4): 0x80, then zeros up to a whole block. */
export function padIso7816(data: Uint8Array, blockSize: number): Buffer {
  const out = Buffer.alloc(data.length + blockSize - (data.length % blockSize));
  out.set(data);
  out[data.length] = 0x80;
  return out;
}

function encryptBlock(algorithm: string, key: Uint8Array, block: Uint8Array): Buffer {
  const c = createCipheriv(algorithm, key, null);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(block), c.final()]);
}

function decryptBlock(algorithm: string, key: Uint8Array, block: Uint8Array): Buffer {
  const d = createDecipheriv(algorithm, key, null);
  d.setAutoPadding(false);
  return Buffer.concat([d.update(block), d.final()]);
}

const xor = (a: Uint8Array, b: Uint8Array): Buffer => Buffer.from(a.map((v, i) => v ^ b[i]));

/** ISO/IEC 9797-1 MAC algorithm 3 with DES over data already padded to 8-byte blocks; 16-byte key K1 || K2. */
export function retailMac(key: Uint8Array, padded: Uint8Array): Buffer {
  if (key.length !== 16 || padded.length === 0 || padded.length % 8 !== 0) throw new RangeError('retail MAC needs a 16-byte key and whole 8-byte blocks');
  const k1 = Buffer.concat([key.subarray(0, 8), key.subarray(0, 8)]);
  const k2 = Buffer.concat([key.subarray(8, 16), key.subarray(8, 16)]);
  let h: Buffer = Buffer.alloc(8);
  for (let i = 0; i < padded.length; i += 8) h = encryptBlock('des-ede-ecb', k1, xor(h, padded.subarray(i, i + 8)));
  return encryptBlock('des-ede-ecb', k1, decryptBlock('des-ede-ecb', k2, h));
}

function shiftLeftOne(block: Buffer): Buffer {
  const out = Buffer.alloc(16);
  for (let i = 0; i < 16; i++) out[i] = ((block[i] << 1) & 0xff) | (i < 15 ? block[i + 1] >> 7 : 0);
  if (block[0] & 0x80) out[15] ^= 0x87;
  return out;
}

/** AES-CMAC (NIST SP 800-38B), full 16 bytes. */
export function aesCmac(key: Uint8Array, data: Uint8Array): Buffer {
  const algorithm = `aes-${key.length * 8}-ecb`;
  if (![16, 24, 32].includes(key.length)) throw new RangeError('AES-CMAC needs a 16, 24 or 32-byte key');
  const k1 = shiftLeftOne(encryptBlock(algorithm, key, Buffer.alloc(16)));
  const k2 = shiftLeftOne(k1);
  const blocks = Math.max(1, Math.ceil(data.length / 16));
  const complete = data.length > 0 && data.length % 16 === 0;
  const lastStart = (blocks - 1) * 16;
  const last = complete ? xor(data.subarray(lastStart), k1) : xor(padIso7816(data.subarray(lastStart), 16), k2);
  let x: Buffer = Buffer.alloc(16);
  for (let i = 0; i < lastStart; i += 16) x = encryptBlock(algorithm, key, xor(x, data.subarray(i, i + 16)));
  return encryptBlock(algorithm, key, xor(x, last));
}

export const blockSizeOf = (cipher: SessionCipher): number => (cipher === '3DES' ? 8 : 16);

/**
 * The 8-byte MAC a session computes. `padded`: ISO 7816-4 padding first, as secure messaging does
 * for both ciphers; authentication tokens pad only for 3DES (CMAC pads by itself).
 */
export function sessionMac(cipher: SessionCipher, kMac: Uint8Array, data: Uint8Array, padForAes: boolean): Buffer {
  if (cipher === '3DES') return retailMac(kMac, padIso7816(data, 8));
  return aesCmac(kMac, padForAes ? padIso7816(data, 16) : data).subarray(0, 8);
}
