// The `claims` request parameter and acr/amr negotiation. Entra asks for an essential acr and amr from
// lists; proofgate verifies a face, so it answers with amr "face" and the first requested acr that an
// inherence factor satisfies. A request we cannot meet is refused rather than answered with a value
// Entra did not ask for (Entra fails those with AADSTS5001258 / AADSTS5001257 anyway).
import { ProofgateError } from '../core/errors.js';

/** The factor proofgate checks: a face, which Entra classes as inherence. */
export const PROOFGATE_AMR = 'face';

export interface RequestedClaim {
  /** Values the request allows, or null when it asks for the claim without restricting it. */
  values: string[] | null;
}

export interface ClaimsRequest {
  acr: RequestedClaim | null;
  amr: RequestedClaim | null;
}

export interface NegotiatedAuthn {
  acr: string;
  amr: string;
}

const malformed = (message: string) =>
  new ProofgateError('ERR_INVALID_REQUEST', `claims: ${message}`, { status: 400 });
const cannotMeet = (message: string) =>
  new ProofgateError('ERR_ACCESS_DENIED', message, { status: 403 });

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function readRequestedClaim(container: Record<string, unknown>, name: string): RequestedClaim | null {
  if (!(name in container)) return null;
  const spec = container[name];
  if (spec === null) return { values: null }; // OIDC: requested with default behaviour
  if (!isObject(spec)) throw malformed(`id_token.${name} must be an object or null`);
  if (spec.essential !== undefined && typeof spec.essential !== 'boolean') throw malformed(`id_token.${name}.essential must be a boolean`);
  if (spec.value !== undefined && spec.values !== undefined) throw malformed(`id_token.${name} has both value and values`);
  if (spec.value !== undefined) {
    if (typeof spec.value !== 'string') throw malformed(`id_token.${name}.value must be a string`);
    return { values: [spec.value] };
  }
  if (spec.values !== undefined) {
    if (!Array.isArray(spec.values) || spec.values.length === 0 || spec.values.some((v) => typeof v !== 'string')) {
      throw malformed(`id_token.${name}.values must be a non-empty array of strings`);
    }
    return { values: spec.values as string[] };
  }
  return { values: null };
}

/** Parses the `claims` parameter (absent: nothing specific requested). */
export function parseClaimsRequest(raw: string | undefined, maxBytes: number): ClaimsRequest {
  if (raw === undefined) return { acr: null, amr: null };
  if (Buffer.byteLength(raw) > maxBytes) throw malformed(`longer than ${maxBytes} bytes`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw malformed('not valid JSON');
  }
  if (!isObject(parsed)) throw malformed('must be a JSON object');
  const idToken = parsed.id_token;
  if (idToken === undefined || idToken === null) return { acr: null, amr: null };
  if (!isObject(idToken)) throw malformed('id_token must be an object');
  return { acr: readRequestedClaim(idToken, 'acr'), amr: readRequestedClaim(idToken, 'amr') };
}

/**
 * Picks the acr and amr to answer with. `supportedAcr` is the operator's list in preference order;
 * among the requested values, Entra's order wins.
 */
export function negotiateAuthn(request: ClaimsRequest, supportedAcr: readonly string[]): NegotiatedAuthn {
  let acr: string | undefined;
  if (request.acr?.values) {
    acr = request.acr.values.find((v) => supportedAcr.includes(v));
    if (!acr) throw cannotMeet(`none of the requested acr values (${request.acr.values.join(', ')}) can be met by a face verification`);
  } else {
    acr = supportedAcr[0];
  }
  if (request.amr?.values && !request.amr.values.includes(PROOFGATE_AMR)) {
    throw cannotMeet(`none of the requested amr values (${request.amr.values.join(', ')}) can be met: proofgate verifies "${PROOFGATE_AMR}"`);
  }
  return { acr, amr: PROOFGATE_AMR };
}
