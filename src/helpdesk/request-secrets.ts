// The secrets of a verification request: the link's token (32 random bytes, stored as SHA-256), the short
// code the agent reads out (codeLength digits from the CSPRNG, stored as SHA-256 over the request id and the
// code), and their shapes, checked before anything is looked up.
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

export const REQUEST_TOKEN = /^[A-Za-z0-9_-]{43}$/;
export const REQUEST_ID = /^[A-Za-z0-9_-]{22}$/;

export const sha256Hex = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');

export const newRequestId = () => randomBytes(16).toString('base64url');
export const newLinkToken = () => randomBytes(32).toString('base64url');

export function newCode(digits: number): string {
  return String(randomInt(0, 10 ** digits)).padStart(digits, '0');
}

export const codeHash = (requestId: string, code: string) => sha256Hex(`${requestId}:${code}`);

/** Constant-time comparison of two hex digests of the same length. */
export function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
