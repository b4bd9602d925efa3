// A threshold for an FMR far below what the impostor pairs can show, by extrapolating the lower tail of
// the impostor distances. Method: a normal probability plot of the lowest impostor distances (the tail
// that false matches come from): distance_i against probit((i + 0.5) / n) for the k smallest, a straight
// line fitted by least squares, read at probit(target). A Gaussian tail is an assumption, not a finding:
// real impostor tails are heavier (relatives, look-alikes, same-demographic pairs), so the figure is a
// starting point that a deployment's own impostor pairs must confirm (docs/biometrics-evaluation.md).

import { probit } from './det-plot.js';

// The same probit the DET axes use; re-exported for the tail fit's callers.
export { probit };

export interface TailFit {
  readonly targetFmr: number;
  readonly threshold: number;
  /** distance = intercept + slope * probit(FMR) over the tail points. */
  readonly intercept: number;
  readonly slope: number;
  readonly tailPoints: number;
  readonly impostors: number;
}

/** Fits the lowest `tailFraction` of the impostor distances (at least `minTail` points). */
export function extrapolateImpostorTail(impostor: readonly number[], targetFmr: number, tailFraction = 0.1, minTail = 20): TailFit {
  if (!(targetFmr > 0 && targetFmr < 1)) throw new RangeError(`target FMR must lie in (0, 1) (got ${targetFmr})`);
  const finite = impostor.filter(Number.isFinite).sort((x, y) => x - y);
  const n = finite.length;
  if (n < 3) throw new RangeError(`a tail fit needs at least 3 impostor distances (got ${n})`);
  const k = Math.min(n, Math.max(minTail, Math.ceil(tailFraction * n)));
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < k; i++) {
    const x = probit((i + 0.5) / n);
    const y = finite[i];
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  }
  const slope = (k * sxy - sx * sy) / (k * sxx - sx * sx);
  const intercept = (sy - slope * sx) / k;
  return { targetFmr, threshold: intercept + slope * probit(targetFmr), intercept, slope, tailPoints: k, impostors: n };
}
