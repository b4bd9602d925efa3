// Why talking to an eMRTD chip failed, in a closed set the kiosk maps to its device errors:
// - access-denied: BAC or PACE refused the key (wrong MRZ data or CAN); nothing was read;
// - secure-messaging: a response's MAC or structure did not verify; the session is abandoned;
// - status: the chip answered a command with an error status word (`sw`);
// - malformed: a file or response did not have the structure ICAO 9303 gives it;
// - unsupported: the chip offers no protocol this reader implements.
export type ChipAccessReason = 'access-denied' | 'secure-messaging' | 'status' | 'malformed' | 'unsupported';

export class ChipAccessError extends Error {
  readonly reason: ChipAccessReason;
  /** The status word the chip answered with, when there was one. */
  readonly sw: number | null;
  constructor(reason: ChipAccessReason, message: string, sw: number | null = null) {
    super(message);
    this.name = 'ChipAccessError';
    this.reason = reason;
    this.sw = sw;
  }
}

export const hexSw = (sw: number): string => sw.toString(16).toUpperCase().padStart(4, '0');
