// The JWKS: every key the KeyRing publishes (during a rotation, the old and the new one), public
// members only. Short cache: a new key must show up well inside the 48 h overlap.
import type { RequestHandler } from 'express';
import type { KeyRing } from '../hsm/signing-key.js';

const PUBLIC_MEMBERS = ['kty', 'use', 'alg', 'kid', 'n', 'e', 'x5c', 'x5t', 'x5t#S256'] as const;

export function jwksEndpoint(keyRing: KeyRing): RequestHandler {
  return async (_req, res) => {
    const keys = (await keyRing.published()).map((key) => {
      const jwk = key.jwk() as Record<string, unknown>;
      return Object.fromEntries(PUBLIC_MEMBERS.filter((m) => jwk[m] !== undefined).map((m) => [m, jwk[m]]));
    });
    res.setHeader('Cache-Control', 'public, max-age=3600');
    res.type('application/jwk-set+json').send(JSON.stringify({ keys }));
  };
}
