// The client assertion the Microsoft identity platform takes in place of a client secret (RFC 7523
// private_key_jwt): a JWT signed PS256 by the certificate's key in the HSM, naming the certificate by its
// SHA-256 thumbprint (`x5t#S256`) so Entra finds it among those uploaded to the app registration.
// aud is the token endpoint itself, iss = sub = the client id; a fresh jti and a short life make a
// captured assertion useless (a sniffed one could be replayed only within minutes, and Entra refuses a jti twice).
import { randomUUID } from 'node:crypto';
import type { AssertionSigner } from './graph-client-key.js';

/** How long an assertion is valid: enough for one token request across a slow link, no more. */
export const ASSERTION_LIFETIME_SECONDS = 300;

export interface ClientAssertionInput {
  clientId: string;
  /** The token endpoint URL, exactly as the request is sent to it. */
  tokenEndpoint: string;
  /** Seconds since the epoch. */
  now: number;
}

const b64u = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

export async function buildClientAssertion(signer: AssertionSigner, input: ClientAssertionInput): Promise<string> {
  const header = { alg: 'PS256', typ: 'JWT', 'x5t#S256': signer.x5tS256 };
  const claims = {
    aud: input.tokenEndpoint,
    iss: input.clientId,
    sub: input.clientId,
    jti: randomUUID(),
    iat: input.now,
    nbf: input.now,
    exp: input.now + ASSERTION_LIFETIME_SECONDS,
  };
  const signingInput = `${b64u(header)}.${b64u(claims)}`;
  const signature = await signer.signPs256(Buffer.from(signingInput, 'ascii'));
  return `${signingInput}.${signature.toString('base64url')}`;
}
