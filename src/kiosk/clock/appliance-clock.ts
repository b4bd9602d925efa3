// The station's clock against the appliance's: the appliance refuses an envelope whose issuedAt is more
// than stations.maxClockSkewSeconds from its own clock, so the agent measures the difference (the
// appliance's HTTP Date header, one-second resolution, taken at the midpoint of the round trip) and
// refuses to sign past its own, tighter bound, with an error that says which way the clock is off.

export interface ClockReading {
  /** Station clock minus appliance clock, ms (positive: the station is ahead). */
  skewMs: number;
  roundTripMs: number;
}

export class ClockCheckError extends Error {
  constructor(readonly code: 'clock-skew' | 'appliance-unreachable', message: string) {
    super(message);
    this.name = 'ClockCheckError';
  }
}

export async function readApplianceClock(applianceUrl: string, opts: { timeoutMs: number; now: () => number }): Promise<ClockReading> {
  const sent = opts.now();
  let res: Response;
  try {
    res = await fetch(applianceUrl, { method: 'HEAD', redirect: 'manual', signal: AbortSignal.timeout(opts.timeoutMs) });
  } catch (e) {
    throw new ClockCheckError('appliance-unreachable', `the appliance at ${applianceUrl} did not answer within ${opts.timeoutMs} ms (${(e as Error).message})`);
  }
  const received = opts.now();
  const date = Date.parse(res.headers.get('date') ?? '');
  if (!Number.isFinite(date)) throw new ClockCheckError('appliance-unreachable', `the appliance at ${applianceUrl} sent no Date header to compare clocks with`);
  // The Date header truncates to the second: its true instant lies in [date, date + 1000).
  return { skewMs: Math.round((sent + received) / 2 - (date + 500)), roundTripMs: received - sent };
}

/** The reading, or a clock-skew refusal when the station is off by more than maxSkewSeconds. */
export async function checkApplianceClock(applianceUrl: string, opts: { timeoutMs: number; maxSkewSeconds: number; now: () => number }): Promise<ClockReading> {
  const reading = await readApplianceClock(applianceUrl, opts);
  if (Math.abs(reading.skewMs) > opts.maxSkewSeconds * 1000) {
    throw new ClockCheckError('clock-skew', `the station's clock is ${Math.round(Math.abs(reading.skewMs) / 1000)} s ${reading.skewMs > 0 ? 'ahead of' : 'behind'} the appliance's `
      + `(at most ${opts.maxSkewSeconds} s): set up NTP on the station`);
  }
  return reading;
}
