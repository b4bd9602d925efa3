// The signing seam. PKCS#11 (src/hsm/pkcs11-*.ts) is what the appliance runs; tests may back it with
// SoftHSM or a software key, never with something that skips the signature.
import type { JWK } from 'jose';

/** One RS256 key whose private half never leaves its keystore. */
export interface SigningKey {
  /** JWS `kid`, identical in the JWKS and in every token header (base64url, no padding). */
  readonly kid: string;
  /** Public JWK: kty RSA, n, e, kid, use "sig", alg "RS256", x5c (base64 DER, not url-safe). */
  jwk(): JWK;
  /** RSASSA-PKCS1-v1_5 with SHA-256 over `data`; rejects with ProofgateError ERR_HSM_UNAVAILABLE when the token is gone. */
  sign(data: Buffer): Promise<Buffer>;
}

/**
 * The set of keys published in the JWKS and the one tokens are signed with. Rotation publishes the
 * next key beside the current one and switches only after the configured overlap (default 48 h).
 */
export interface KeyRing {
  /** The key to sign with now. */
  active(): Promise<SigningKey>;
  /** Every key that must appear in the JWKS now (active first). */
  published(): Promise<SigningKey[]>;
}

/** Wraps the per-deployment data key (AES-256) that encrypts evidence at rest. */
export interface DataKeyWrapper {
  /** Stable identifier of the wrapping key, stored beside each wrapped blob. */
  readonly wrappingKeyId: string;
  wrap(dataKey: Buffer): Promise<Buffer>;
  unwrap(wrapped: Buffer): Promise<Buffer>;
}
