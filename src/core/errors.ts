// The error family. Every error the appliance raises on purpose is a ProofgateError with a stable
// `code`; HTTP status and OIDC error mapping happen in one place (src/core/describe-error.ts).
export type ErrorCode =
  | 'ERR_BAD_REQUEST'
  | 'ERR_PAYLOAD_TOO_LARGE'
  | 'ERR_UNSUPPORTED_MEDIA_TYPE'
  | 'ERR_NOT_FOUND'
  | 'ERR_CSRF'
  | 'ERR_SESSION_EXPIRED'
  | 'ERR_INVALID_HINT'
  | 'ERR_INVALID_REQUEST'
  | 'ERR_REPLAY'
  | 'ERR_SESSION_DECIDED'
  | 'ERR_ENTRA_KEYS_UNAVAILABLE'
  | 'ERR_ENTRA_JWKS_INVALID'
  | 'ERR_ACCESS_DENIED'
  | 'ERR_HSM_UNAVAILABLE'
  | 'ERR_HSM'
  | 'ERR_STORE'
  | 'ERR_AUDIT_CHAIN'
  | 'ERR_AUDIT_ENTRY'
  | 'ERR_AUDIT_EXPORT'
  | 'ERR_STORE_SCHEMA'
  | 'ERR_STORE_INPUT'
  | 'ERR_EVIDENCE_TAMPERED'
  | 'ERR_EVIDENCE_PURGED'
  | 'ERR_DATA_KEY'
  | 'ERR_IMAGE_INVALID'
  | 'ERR_IMAGE_TOO_LARGE'
  | 'ERR_NO_FACE'
  | 'ERR_MODEL'
  | 'ERR_BUSY'
  | 'ERR_DEPTH_FORMAT'
  | 'ERR_DEPTH_BIT_DEPTH'
  | 'ERR_DEPTH_SIZE_MISMATCH'
  | 'ERR_DEPTH_EMPTY'
  | 'ERR_INTRINSICS_INVALID'
  | 'ERR_LANDMARKS_INVALID'
  | 'ERR_CHALLENGE_NONCE'
  | 'ERR_CHALLENGE_STALE'
  | 'ERR_NOT_IMPLEMENTED'
  | 'ERR_INTERNAL'
  | (string & {});

export class ProofgateError extends Error {
  /** HTTP status for this error when it ends a request. */
  readonly status: number;
  /** Whether `message` may be shown to the client (always HTML-escaped when it is). */
  readonly expose: boolean;

  constructor(readonly code: ErrorCode, message: string, opts: { status?: number; expose?: boolean; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'ProofgateError';
    this.status = opts.status ?? 500;
    this.expose = opts.expose ?? this.status < 500;
  }
}

export const badRequest = (message: string, code: ErrorCode = 'ERR_BAD_REQUEST') =>
  new ProofgateError(code, message, { status: 400 });
