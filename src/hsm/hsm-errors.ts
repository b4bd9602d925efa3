// The two HSM errors callers see. ERR_HSM_UNAVAILABLE (503) means "the token cannot serve now; retry
// later": the OIDC layer answers Entra with temporarily_unavailable. ERR_HSM (500) means the token
// works but refused this particular input or is set up wrongly. Messages never contain PINs.
import { ProofgateError } from '../core/errors.js';

export function hsmUnavailable(message: string, cause?: unknown): ProofgateError {
  return new ProofgateError('ERR_HSM_UNAVAILABLE', `HSM unavailable: ${message}`, { status: 503, cause });
}

export function hsmError(message: string, cause?: unknown): ProofgateError {
  return new ProofgateError('ERR_HSM', message, { status: 500, cause });
}

/** Name of a Cryptoki return value carried by a pkcs11js error (e.g. "CKR_PIN_INCORRECT"), if any. */
export function ckrName(e: unknown): string | undefined {
  const message = (e as { message?: unknown } | null)?.message;
  return typeof message === 'string' && /^CKR_[A-Z_]+$/.test(message) ? message : undefined;
}
