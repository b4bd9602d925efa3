// A threshold for an FMR far below what the impostor pairs can show, by extrapolating the lower tail of
// the impostor distances. Method: a normal probability plot of the lowest impostor distances (the tail
// that false matches come from): distance_i against probit((i + 0.5) / n) for the k smallest, a straight
// line fitted by least squares, read at probit(target). A Gaussian tail is an assumption, not a finding:
// real impostor tails are heavier (relatives, look-alikes, same-demographic pairs), so the figure is a
// starting point that a deployment's own impostor pairs must confirm (docs/biometrics-evaluation.md).

/** Inverse of the standard normal CDF (Acklam's rational approximation, relative error < 1.2e-9). */
export function probit(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`probit needs 0 < p < 1 (got ${p})`);
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - low) return -probit(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

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
