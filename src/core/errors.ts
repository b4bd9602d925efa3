// The error family. Every error the appliance raises on purpose is a ProofgateError (or a subclass) with a
// stable `code` from this union; HTTP status and OIDC error mapping happen in one place
// (src/core/describe-error.ts). A code not listed here does not type-check.

/** DER/BER parser refusals (src/documents/asn1): each names what was wrong with the bytes. */
export type Asn1ErrorCode =
  | 'ASN1_EMPTY'
  | 'ASN1_TRUNCATED'
  | 'ASN1_LENGTH_EXCEEDS_INPUT'
  | 'ASN1_LENGTH_TOO_LARGE'
  | 'ASN1_NON_MINIMAL_LENGTH'
  | 'ASN1_INDEFINITE_LENGTH'
  | 'ASN1_INDEFINITE_PRIMITIVE'
  | 'ASN1_MISSING_END_OF_CONTENTS'
  | 'ASN1_BAD_TAG'
  | 'ASN1_TOO_DEEP'
  | 'ASN1_TOO_MANY_NODES'
  | 'ASN1_TRAILING_DATA'
  | 'ASN1_UNEXPECTED'
  | 'ASN1_BAD_VALUE';

export type ErrorCode =
  | Asn1ErrorCode
  | 'ERR_USAGE'
  | 'ERR_CONFIG'
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
  | 'ERR_MODEL_PIN'
  | 'ERR_BUSY'
  | 'ERR_DEPTH_FORMAT'
  | 'ERR_DEPTH_BIT_DEPTH'
  | 'ERR_DEPTH_SIZE_MISMATCH'
  | 'ERR_DEPTH_EMPTY'
  | 'ERR_INTRINSICS_INVALID'
  | 'ERR_LANDMARKS_INVALID'
  | 'ERR_CHALLENGE_NONCE'
  | 'ERR_CHALLENGE_STALE'
  | 'ERR_STATION_UNTRUSTED'
  | 'ERR_IMAGE_QUALITY'
  | 'ERR_PROFILE_EXISTS'
  | 'ERR_KEY_IMPORT'
  | 'ERR_KEY_AGREEMENT'
  | 'ERR_CA_SELECTION'
  | 'ERR_RECOVERY_DISABLED'
  | 'ERR_RECOVERY_REFUSED'
  | 'ERR_GRAPH_UNAVAILABLE'
  | 'ERR_GRAPH_REFUSED'
  | 'ERR_NOT_IMPLEMENTED'
  | 'ERR_INTERNAL';

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
