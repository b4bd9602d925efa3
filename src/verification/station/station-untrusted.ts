// The one refusal of a station signature: HTTP 403, ERR_STATION_UNTRUSTED, and the same answer whatever
// the reason (a station, or someone probing with a stolen key id, learns nothing from the difference).
// The reason and the station id the envelope claimed go only to the security log (log-capture-refusal.ts).
import { ProofgateError } from '../../core/errors.js';

export const STATION_UNTRUSTED_MESSAGE = 'the capture is not signed by a trusted station';
/** Station ids are 16 random bytes in lowercase hex (station-admin.ts). */
export const STATION_ID = /^[0-9a-f]{32}$/;

export class StationUntrustedError extends ProofgateError {
  /** Why, in words for the log. */
  readonly reason: string;
  /** The station id the envelope named, when it had the shape of one; null otherwise. */
  readonly claimedStationId: string | null;

  constructor(reason: string, claimedStationId: unknown = null) {
    super('ERR_STATION_UNTRUSTED', STATION_UNTRUSTED_MESSAGE, { status: 403, expose: true });
    this.name = 'StationUntrustedError';
    this.reason = reason;
    this.claimedStationId = typeof claimedStationId === 'string' && STATION_ID.test(claimedStationId) ? claimedStationId : null;
  }
}
