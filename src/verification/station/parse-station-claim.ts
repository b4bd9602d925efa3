// The `station` object of a capture envelope, bounded field by field. A malformed one is refused like any
// untrusted signature (403 ERR_STATION_UNTRUSTED), not as a 400: to the sender every failed station check
// looks the same.
import { StationUntrustedError, STATION_ID } from './station-untrusted.js';
import type { StationClaim } from './signed-payload.js';

/** RSA 4096 is 512 bytes: 683 base64url characters; ECDSA P-256 in IEEE P1363 is 64 bytes: 86. */
const MAX_SIGNATURE_CHARS = 683;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
export const MAX_STATION_OPERATOR_CHARS = 100;
// The operator's name reaches the audit record and the SIEM feed: printable characters and the plain space
// only (no control, format or line-separator characters), as for the operator of `account unlock`.
const OPERATOR = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]+$/u;

/** Null when the envelope has no `station` field; a StationClaim when it is well formed; else a refusal. */
export function parseStationClaim(envelope: unknown): StationClaim | null {
  if (envelope === null || typeof envelope !== 'object' || !('station' in envelope)) return null;
  const station = (envelope as { station: unknown }).station;
  if (station === null || typeof station !== 'object' || Array.isArray(station)) throw new StationUntrustedError('envelope.station is not an object');
  const { id, issuedAt, operator, signature, ...rest } = station as Record<string, unknown>;
  const unknownKey = Object.keys(rest)[0];
  if (unknownKey !== undefined) throw new StationUntrustedError(`envelope.station has an unknown field "${unknownKey.slice(0, 40)}"`, id);
  if (typeof id !== 'string' || !STATION_ID.test(id)) throw new StationUntrustedError('envelope.station.id is not a station id (32 lowercase hex characters)');
  if (typeof issuedAt !== 'number' || !Number.isSafeInteger(issuedAt) || issuedAt <= 0) {
    throw new StationUntrustedError('envelope.station.issuedAt is not a time in ms since the epoch', id);
  }
  if (operator !== undefined && operator !== null
    && (typeof operator !== 'string' || operator.length === 0 || operator.length > MAX_STATION_OPERATOR_CHARS || !OPERATOR.test(operator) || operator.trim() !== operator)) {
    throw new StationUntrustedError(`envelope.station.operator is not null or 1..${MAX_STATION_OPERATOR_CHARS} printable characters`, id);
  }
  if (typeof signature !== 'string' || signature.length === 0 || signature.length > MAX_SIGNATURE_CHARS || !BASE64URL.test(signature)) {
    throw new StationUntrustedError('envelope.station.signature is not base64url', id);
  }
  return { id, issuedAt, operator: (operator as string | null | undefined) ?? null, signature };
}
