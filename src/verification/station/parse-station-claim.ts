// The `station` object of a capture envelope, bounded field by field. A malformed one is refused like any
// untrusted signature (403 ERR_STATION_UNTRUSTED), not as a 400: to the sender every failed station check
// looks the same.
import { StationUntrustedError, STATION_ID } from './station-untrusted.js';
import type { StationClaim } from './signed-payload.js';

/** RSA 4096 is 512 bytes: 683 base64url characters; ECDSA P-256 in IEEE P1363 is 64 bytes: 86. */
const MAX_SIGNATURE_CHARS = 683;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
// The operator is the staff id of the kiosk-operator signed in at the station (32 lowercase hex, as
// `staff add` prints it); whether that member is active and may operate a kiosk is checked against the
// staff accounts in verify-station-envelope.ts.
const OPERATOR = /^[0-9a-f]{32}$/;

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
  if (operator !== undefined && operator !== null && (typeof operator !== 'string' || !OPERATOR.test(operator))) {
    throw new StationUntrustedError('envelope.station.operator is not null or a staff id (32 lowercase hex characters)', id);
  }
  if (typeof signature !== 'string' || signature.length === 0 || signature.length > MAX_SIGNATURE_CHARS || !BASE64URL.test(signature)) {
    throw new StationUntrustedError('envelope.station.signature is not base64url', id);
  }
  return { id, issuedAt, operator: (operator as string | null | undefined) ?? null, signature };
}
