// id_token_hint validation: Entra's RS256 signature by the redirect_uri's cloud, then every claim we
// rely on. Entra issues the hint already expired, so exp/nbf are ignored and freshness comes from iat.
import { createHash } from 'node:crypto';
import { compactVerify, errors as joseErrors, type CompactJWSHeaderParameters } from 'jose';
import type { OidcClientConfig, OidcConfig } from '../config/sections/oidc.js';
import { ProofgateError } from '../core/errors.js';
import { entraIssuer, type EntraCloud } from './clouds.js';
import type { EntraKeySource } from './entra-keys.js';

export interface ValidatedHint {
  sub: string;
  oid: string;
  tid: string;
  iat: number;
  /**
   * The replay guard's key: sha256 (hex) of the signature's decoded bytes. Not of the text: the last
   * base64url character of a 256-byte signature has 4 spare bits, so 16 texts carry one signature.
   */
  replayKey: string;
  /** Display claims kept for binding and audit. */
  profile: Record<string, string>;
}

export interface HintContext {
  cloud: EntraCloud;
  client: OidcClientConfig;
  entraKeys: EntraKeySource;
  config: OidcConfig;
  /** Now, in seconds since the epoch. */
  nowSeconds: number;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const JWS_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
// birthdate (OIDC standard claim, when the tenant emits it) lets first-time verification compare the document's birth date.
const PROFILE_CLAIMS = ['name', 'preferred_username', 'upn', 'given_name', 'family_name', 'email', 'birthdate'];

export const invalidHint = (message: string, cause?: unknown) =>
  new ProofgateError('ERR_INVALID_HINT', `id_token_hint: ${message}`, { status: 400, cause });

function requireString(claims: Record<string, unknown>, name: string): string {
  const v = claims[name];
  if (typeof v !== 'string' || v.length === 0 || v.length > 256) throw invalidHint(`${name} claim missing or invalid`);
  return v;
}

async function verifySignature(hint: string, ctx: HintContext): Promise<Uint8Array> {
  const resolveKey = async (header: CompactJWSHeaderParameters) => {
    if (typeof header.kid !== 'string' || header.kid.length === 0) throw invalidHint('no kid in the header');
    const key = await ctx.entraKeys.verificationKey(ctx.cloud, header.kid);
    if (!key) throw invalidHint(`kid is not a ${ctx.cloud} Entra signing key`);
    return key;
  };
  try {
    const { payload } = await compactVerify(hint, resolveKey, { algorithms: ['RS256'] });
    return payload;
  } catch (e) {
    if (e instanceof ProofgateError) throw e;
    if (e instanceof joseErrors.JOSEAlgNotAllowed) throw invalidHint('alg must be RS256', e);
    if (e instanceof joseErrors.JWSSignatureVerificationFailed) throw invalidHint('signature does not verify', e);
    throw invalidHint('not a well-formed signed JWT', e);
  }
}

export async function validateIdTokenHint(hint: string | undefined, ctx: HintContext): Promise<ValidatedHint> {
  if (hint === undefined || hint.length === 0) throw invalidHint('missing');
  if (Buffer.byteLength(hint) > ctx.config.maxHintBytes) throw invalidHint(`longer than ${ctx.config.maxHintBytes} bytes`);
  if (!JWS_SHAPE.test(hint)) throw invalidHint('not a compact JWS (three base64url parts)');

  const payloadBytes = await verifySignature(hint, ctx);
  let claims: Record<string, unknown>;
  try {
    claims = JSON.parse(Buffer.from(payloadBytes).toString('utf8')) as Record<string, unknown>;
  } catch (e) {
    throw invalidHint('payload is not JSON', e);
  }
  if (!claims || typeof claims !== 'object' || Array.isArray(claims)) throw invalidHint('payload is not a JSON object');

  const tid = requireString(claims, 'tid');
  if (!GUID.test(tid)) throw invalidHint('tid is not a GUID');
  // The issuer names the cloud and the tenant: it must be exactly the redirect_uri's cloud with this tid.
  if (claims.iss !== entraIssuer(ctx.cloud, tid)) throw invalidHint(`iss is not the ${ctx.cloud} Entra issuer for the tenant in tid`);
  const aud = claims.aud;
  const audiences = Array.isArray(aud) ? aud : [aud];
  if (audiences.length !== 1 || typeof audiences[0] !== 'string' || audiences[0].toLowerCase() !== ctx.client.appId) {
    throw invalidHint('aud is not this provider\'s App ID');
  }
  if (!ctx.client.tenants.includes(tid.toLowerCase())) throw invalidHint('tenant is not configured for this client_id');
  const iat = claims.iat;
  if (typeof iat !== 'number' || !Number.isFinite(iat)) throw invalidHint('iat claim missing or invalid');
  if (ctx.nowSeconds - iat > ctx.config.hintMaxAgeSeconds) throw invalidHint('issued too long ago (iat)');
  if (iat - ctx.nowSeconds > ctx.config.hintMaxFutureSeconds) throw invalidHint('issued in the future (iat)');
  const sub = requireString(claims, 'sub');
  const oid = requireString(claims, 'oid');
  // tid+oid is the account a verification is bound to: only Entra's object ids, never a name such as "admin".
  if (!GUID.test(oid)) throw invalidHint('oid is not a GUID');

  const profile: Record<string, string> = {};
  for (const name of PROFILE_CLAIMS) {
    const v = claims[name];
    if (typeof v === 'string' && v.length <= 512) profile[name] = v;
  }
  const signature = Buffer.from(hint.slice(hint.lastIndexOf('.') + 1), 'base64url');
  const replayKey = createHash('sha256').update(signature).digest('hex');
  return { sub, oid: oid.toLowerCase(), tid: tid.toLowerCase(), iat, replayKey, profile };
}
