// The secrets of a verification request: the link's token (32 random bytes, stored as SHA-256), the short
// code the agent reads out (codeLength digits from the CSPRNG, stored as SHA-256 over the request id and the
// code), and their shapes, checked before anything is looked up.
import { randomBytes, randomInt } from 'node:crypto';
import { newSecret, SECRET_SHAPE, sha256Hex } from '../core/secrets.js';

export const REQUEST_TOKEN = SECRET_SHAPE;
export const REQUEST_ID = /^[A-Za-z0-9_-]{22}$/;

export const newRequestId = () => randomBytes(16).toString('base64url');
export const newLinkToken = newSecret;

export function newCode(digits: number): string {
  return String(randomInt(0, 10 ** digits)).padStart(digits, '0');
}

export const codeHash = (requestId: string, code: string) => sha256Hex(`${requestId}:${code}`);

