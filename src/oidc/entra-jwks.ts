// Entra's JWKS as proofgate accepts it: RSA signing keys with a kid. Shared by the fetcher, the pinned
// file reader and the import command, so all three refuse the same things.
import { importJWK, type JWK } from 'jose';
import { ProofgateError } from '../core/errors.js';

export interface EntraJwk extends JWK {
  kty: 'RSA';
  kid: string;
  n: string;
  e: string;
}

const B64URL = /^[A-Za-z0-9_-]+$/;

/** Checks `value` is a JWKS with at least one RSA signing key; returns those keys (others, e.g. enc keys, are dropped). */
export function parseEntraJwks(value: unknown, source: string): EntraJwk[] {
  const keys = (value as { keys?: unknown } | null)?.keys;
  if (!value || typeof value !== 'object' || !Array.isArray(keys)) {
    throw new ProofgateError('ERR_ENTRA_JWKS_INVALID', `${source}: not a JWKS (expected an object with a "keys" array)`, { status: 500, expose: true });
  }
  const out: EntraJwk[] = [];
  keys.forEach((k: unknown, i) => {
    const key = k as Partial<EntraJwk> | null;
    const where = `${source}: keys[${i}]`;
    if (!key || typeof key !== 'object') throw new ProofgateError('ERR_ENTRA_JWKS_INVALID', `${where} is not an object`, { status: 500, expose: true });
    if (key.use !== undefined && key.use !== 'sig') return; // not a signing key: not ours to use
    if (key.kty !== 'RSA') throw new ProofgateError('ERR_ENTRA_JWKS_INVALID', `${where}: kty must be "RSA"`, { status: 500, expose: true });
    if (typeof key.kid !== 'string' || key.kid.length === 0) throw new ProofgateError('ERR_ENTRA_JWKS_INVALID', `${where}: kid missing`, { status: 500, expose: true });
    if (typeof key.n !== 'string' || !B64URL.test(key.n) || typeof key.e !== 'string' || !B64URL.test(key.e)) {
      throw new ProofgateError('ERR_ENTRA_JWKS_INVALID', `${where}: n and e must be base64url`, { status: 500, expose: true });
    }
    if (Buffer.from(key.n, 'base64url').length < 256) {
      throw new ProofgateError('ERR_ENTRA_JWKS_INVALID', `${where}: RSA modulus shorter than 2048 bits`, { status: 500, expose: true });
    }
    if ('d' in key || 'p' in key) throw new ProofgateError('ERR_ENTRA_JWKS_INVALID', `${where}: contains private key material`, { status: 500, expose: true });
    out.push({ kty: 'RSA', kid: key.kid, n: key.n, e: key.e, ...(key.x5c ? { x5c: key.x5c } : {}) });
  });
  if (out.length === 0) throw new ProofgateError('ERR_ENTRA_JWKS_INVALID', `${source}: no RSA signing keys`, { status: 500, expose: true });
  return out;
}

/** Imports verification keys indexed by kid. */
export async function importEntraKeys(keys: EntraJwk[]): Promise<Map<string, CryptoKey>> {
  const out = new Map<string, CryptoKey>();
  for (const jwk of keys) {
    const { x5c: _x5c, ...pub } = jwk;
    out.set(jwk.kid, (await importJWK({ ...pub, alg: 'RS256' }, 'RS256')) as CryptoKey);
  }
  return out;
}
