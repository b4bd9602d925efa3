// The small primitives every one-time secret of the appliance uses (links, codes, staff sessions, API tokens,
// CSRF tokens, the phone hand-off): a fresh random secret, its SHA-256 as stored, and a constant-time check
// of a presented value. One copy, so every secret is compared the same careful way.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 32 random bytes, base64url (43 characters): what links, sessions and tokens are made of. */
export const newSecret = (): string => randomBytes(32).toString('base64url');

/** The shape of a newSecret() value, checked before anything is looked up. */
export const SECRET_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** Lowercase hex SHA-256 of a string (UTF-8) or bytes: how a secret is stored and looked up. */
export const sha256Hex = (value: string | Buffer): string => createHash('sha256').update(value).digest('hex');

/**
 * Whether a presented value equals the expected secret, in time independent of where they differ. Anything
 * but a string (a missing field, an array from a repeated form field) and a missing expected value are false;
 * lengths are compared in bytes, so a non-ASCII value of the same character length is a plain mismatch.
 */
export function sameSecret(given: unknown, expected: string | null): boolean {
  if (typeof given !== 'string' || expected === null) return false;
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
