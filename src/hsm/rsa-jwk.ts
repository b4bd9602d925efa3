// Public JWK and `kid` for an RS256 key. The kid is the RFC 7638 JWK thumbprint (SHA-256, base64url,
// no padding): stable across restarts and re-derivable from the key alone, so the token need not store it.
import { createHash } from 'node:crypto';
import type { JWK } from 'jose';
import type { RsaPublicKey } from './certificate.js';

const b64u = (b: Buffer): string => b.toString('base64url');

/** Strips leading zero bytes: JWK n/e are minimal big-endian magnitudes (RFC 7518 §6.3.1). */
export function minimalUnsigned(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
}

/** RFC 7638 thumbprint of an RSA public key: SHA-256 over {"e","kty","n"} in that order. */
export function rsaThumbprint(key: RsaPublicKey): string {
  const canonical = JSON.stringify({ e: b64u(minimalUnsigned(key.e)), kty: 'RSA', n: b64u(minimalUnsigned(key.n)) });
  return createHash('sha256').update(canonical).digest('base64url');
}

/** The JWKS entry Entra reads: kty, use, alg, kid, n, e, x5c (standard base64 DER, not url-safe). */
export function rs256PublicJwk(key: RsaPublicKey, certificateDer: Buffer): JWK {
  return {
    kty: 'RSA',
    use: 'sig',
    alg: 'RS256',
    kid: rsaThumbprint(key),
    n: b64u(minimalUnsigned(key.n)),
    e: b64u(minimalUnsigned(key.e)),
    x5c: [certificateDer.toString('base64')],
  };
}
