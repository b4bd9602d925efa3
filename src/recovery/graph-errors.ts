// The errors a call to Microsoft Graph or its token endpoint ends in. ERR_GRAPH_UNAVAILABLE (503): it
// timed out, could not be reached, throttled (429) or answered 5xx: try again later. ERR_GRAPH_REFUSED
// (502): it answered a 4xx or something that is not what the API promises; retrying will not help until
// the setup changes (certificate not uploaded, permission not consented, user unknown). Messages carry the
// endpoint's role, the HTTP status and Graph's own error code, never a token, an assertion or a TAP.
import { ProofgateError } from '../core/errors.js';

export type GraphEndpoint = 'token endpoint' | 'Graph';

export function graphUnavailable(endpoint: GraphEndpoint, detail: string, cause?: unknown): ProofgateError {
  return new ProofgateError('ERR_GRAPH_UNAVAILABLE', `Microsoft ${endpoint} unavailable: ${detail}`, { status: 503, cause });
}

export function graphRefused(endpoint: GraphEndpoint, detail: string, cause?: unknown): ProofgateError {
  return new ProofgateError('ERR_GRAPH_REFUSED', `Microsoft ${endpoint} refused: ${detail}`, { status: 502, cause });
}

/** Printable, bounded: Graph's error codes are identifiers; anything else is cut, not echoed. */
export function safeErrorCode(v: unknown): string | null {
  return typeof v === 'string' && /^[A-Za-z0-9_.-]{1,64}$/.test(v) ? v : null;
}
