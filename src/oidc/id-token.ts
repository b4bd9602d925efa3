// Issues the id_token Entra expects back: RS256, signed in the HSM through the KeyRing, with the
// signing key's kid in the header exactly as it appears in the JWKS.
import type { KeyRing } from '../hsm/signing-key.js';
import { ProofgateError } from '../core/errors.js';

export interface IdTokenClaims {
  iss: string;
  aud: string;
  sub: string;
  nonce: string;
  acr: string;
  /** Exactly one value: Entra rejects more. */
  amr: [string];
  iat: number;
  exp: number;
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Runs `work` but gives up after `ms` with ERR_HSM_UNAVAILABLE, so a hung token cannot hang a sign-in. */
async function withinTime<T>(work: () => Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ProofgateError('ERR_HSM_UNAVAILABLE', `the HSM did not sign within ${ms} ms`, { status: 503 })), ms);
  });
  try {
    return await Promise.race([work(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export async function signIdToken(keyRing: KeyRing, claims: IdTokenClaims, timeoutMs: number): Promise<string> {
  return signCompactJws(keyRing, 'JWT', claims, timeoutMs, 'the id_token');
}

/**
 * A compact RS256 JWS over `payload`, signed by the key ring's active key with its JWKS kid and the given
 * `typ` (the id_token's 'JWT'; other signed documents name their own type so one is never taken for the other).
 */
export async function signCompactJws(keyRing: KeyRing, typ: string, payload: object, timeoutMs: number, what = 'the token'): Promise<string> {
  try {
    return await withinTime(async () => {
      const key = await keyRing.active();
      const signingInput = `${b64url({ alg: 'RS256', typ, kid: key.kid })}.${b64url(payload)}`;
      const signature = await key.sign(Buffer.from(signingInput, 'ascii'));
      return `${signingInput}.${signature.toString('base64url')}`;
    }, timeoutMs);
  } catch (e) {
    if (e instanceof ProofgateError) throw e;
    throw new ProofgateError('ERR_HSM_UNAVAILABLE', `the HSM could not sign ${what}`, { status: 503, cause: e });
  }
}
