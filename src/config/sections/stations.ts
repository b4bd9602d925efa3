// Configuration section "stations": how the appliance judges the signature a trusted kiosk station puts on
// its capture envelope (docs/kiosk.md). The stations themselves live in the store (`proofgate station add`).
// The defaults object is also the documentation: one comment per key.
import type { SectionReader } from '../validate.js';

export const stationsDefaults = {
  /**
   * Largest difference, in seconds, between a signed envelope's issuedAt and the appliance's clock, either
   * way: an older envelope is stale, a newer one comes from a station whose clock is wrong. Both are refused
   * (ERR_STATION_UNTRUSTED). A signed envelope is remembered for this long, so it is accepted only once.
   */
  maxClockSkewSeconds: 60,
};

export interface StationsConfig {
  maxClockSkewSeconds: number;
}

export function readStationsConfig(r: SectionReader): StationsConfig {
  const out: StationsConfig = {
    maxClockSkewSeconds: r.number('maxClockSkewSeconds', { integer: true, min: 1, max: 600 }),
  };
  r.done();
  return out;
}
