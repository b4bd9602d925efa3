// The one place where errors are classified: the HTTP status and the message that may be shown for
// anything that ends a request, and the OIDC error code posted back to Entra once the redirect_uri is
// known. Messages are shown only when the error is marked `expose`. src/http/error-handler.ts sends the
// view; the OIDC post-back reads its oidcError.
import { ProofgateError } from './errors.js';

/** The two error codes Entra accepts from an external authentication method. */
export type OidcErrorCode = 'access_denied' | 'temporarily_unavailable';

export interface ErrorView {
  status: number;
  code: string;
  /** Safe to show to the client (escape before putting it in HTML). */
  message: string;
  oidcError: OidcErrorCode;
}

// body-parser / raw-body failures carry a `type`; map them to our codes instead of leaking their text.
const bodyParserErrors: Record<string, { status: number; code: string; message: (e: { limit?: number }) => string }> = {
  'entity.too.large': { status: 413, code: 'ERR_PAYLOAD_TOO_LARGE', message: (e) => `request body is larger than ${e.limit ?? 'the limit'} bytes` },
  'parameters.too.many': { status: 413, code: 'ERR_PAYLOAD_TOO_LARGE', message: () => 'request has too many form parameters' },
  'entity.parse.failed': { status: 400, code: 'ERR_BAD_REQUEST', message: () => 'request body is not well-formed' },
  'entity.verify.failed': { status: 400, code: 'ERR_BAD_REQUEST', message: () => 'request body is not well-formed' },
  'request.aborted': { status: 400, code: 'ERR_BAD_REQUEST', message: () => 'request body was cut short' },
  'request.size.invalid': { status: 400, code: 'ERR_BAD_REQUEST', message: () => 'request body length does not match Content-Length' },
  'charset.unsupported': { status: 415, code: 'ERR_UNSUPPORTED_MEDIA_TYPE', message: () => 'request body charset is not supported' },
  'encoding.unsupported': { status: 415, code: 'ERR_UNSUPPORTED_MEDIA_TYPE', message: () => 'request body content-encoding is not supported' },
};

// Outages (HSM, store, Entra key download) are temporary for Entra; everything else denies the attempt.
const temporaryCodes = new Set(['ERR_HSM_UNAVAILABLE', 'ERR_HSM', 'ERR_STORE', 'ERR_ENTRA_KEYS_UNAVAILABLE', 'ERR_INTERNAL']);

// Outages the appliance expects and recovers from: while one lasts every request fails the same way, so the
// log gets one line each (code and message) rather than a stack. ERR_INTERNAL and unknown errors are bugs.
// ERR_GRAPH_UNAVAILABLE: Microsoft Graph or its token endpoint timed out, throttled or answered 5xx (account recovery).
const outageCodes = new Set(['ERR_HSM_UNAVAILABLE', 'ERR_STORE', 'ERR_ENTRA_KEYS_UNAVAILABLE', 'ERR_BUSY', 'ERR_GRAPH_UNAVAILABLE']);

/** True for a server error (5xx) that is an expected outage rather than a bug. */
export function isExpectedOutage(err: unknown): err is ProofgateError {
  return err instanceof ProofgateError && err.status >= 500 && outageCodes.has(err.code);
}

/** Classifies any thrown value. Unknown errors become a 500 whose message is not shown. */
export function describeError(err: unknown): ErrorView {
  if (err instanceof ProofgateError) {
    const status = err.status;
    const oidcError: OidcErrorCode = temporaryCodes.has(err.code) || status >= 500 ? 'temporarily_unavailable' : 'access_denied';
    const message = err.expose ? err.message : status >= 500 ? 'the service is temporarily unavailable' : 'request refused';
    return { status, code: err.code, message, oidcError };
  }
  const e = err as { type?: unknown; status?: unknown; limit?: number; expose?: unknown } | null;
  if (e && typeof e.type === 'string' && bodyParserErrors[e.type]) {
    const m = bodyParserErrors[e.type];
    return { status: m.status, code: m.code, message: m.message(e), oidcError: 'access_denied' };
  }
  if (e && typeof (e as { code?: unknown }).code === 'string' && (e as { code: string }).code.startsWith('Z_')) {
    return { status: 400, code: 'ERR_BAD_REQUEST', message: 'request body could not be decompressed', oidcError: 'access_denied' };
  }
  if (e && typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
    // Router-level client errors such as a malformed percent-encoding in the path.
    return { status: e.status, code: 'ERR_BAD_REQUEST', message: 'malformed request', oidcError: 'access_denied' };
  }
  return { status: 500, code: 'ERR_INTERNAL', message: 'the service is temporarily unavailable', oidcError: 'temporarily_unavailable' };
}
