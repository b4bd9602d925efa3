// 1:1 verification error rates from genuine and impostor comparison distances (ISO/IEC 19795-1 terms).
// Convention: every score is a DISTANCE and a comparison is a match when distance <= threshold. A
// similarity score s is turned into a distance by negating it (see distancesFromSimilarities). A
// comparison that could not be made (a side failed to enrol) may be entered as +Infinity: it never
// matches at a finite threshold, which gives the generalized rates of ISO/IEC 19795-1.
//
// All rates are empirical step functions: no curve fitting and no interpolation, except for the EER,
// which is read where the straight segment between two neighbouring DET points crosses FMR = FNMR.
import { binomialUpperBound } from './rate-bounds.js';

/** Distances of mated (same person) and non-mated (different people) comparisons. */
export interface ComparisonDistances {
  readonly genuine: readonly number[];
  readonly impostor: readonly number[];
}

/** One operating point: what a threshold does to both comparison sets. */
export interface OperatingPoint {
  /** Accept when distance <= threshold. */
  readonly threshold: number;
  /** False match rate: impostor distances <= threshold, divided by the impostor count. */
  readonly fmr: number;
  /** False non-match rate: genuine distances > threshold, divided by the genuine count. */
  readonly fnmr: number;
  readonly falseMatches: number;
  readonly falseNonMatches: number;
}

/** FNMR read at a target FMR. */
export interface FnmrAtFmr {
  readonly targetFmr: number;
  /**
   * False when the target FMR lies below 1 / impostor count: the data cannot tell a threshold with
   * FMR = target from one with FMR = 0, so `point` is then the zero-false-match point, not the target.
   */
  readonly resolvable: boolean;
  /** Smallest non-zero FMR these impostors can show: 1 / impostor count. */
  readonly fmrResolution: number;
  /** Largest observed distance whose empirical FMR does not exceed the target (conservative). */
  readonly point: OperatingPoint;
  /**
   * Smallest impostor distance above point.threshold: every threshold in [point.threshold, this) has the
   * same FMR and FNMR. Infinity when no impostor lies above.
   */
  readonly nextImpostorDistance: number;
  /** One-sided 95% upper confidence bound of the true FMR at `point` (exact binomial, Clopper-Pearson). */
  readonly fmrUpper95: number;
  /** One sentence saying how the figure was obtained and how far it can be trusted. */
  readonly note: string;
}

export interface EqualErrorRate {
  readonly eer: number;
  /** Threshold at the crossing, linearly interpolated between the two DET points around it. */
  readonly threshold: number;
  /** The observed points on either side of the crossing (the same point twice when it is exact). */
  readonly below: OperatingPoint;
  readonly above: OperatingPoint;
}

export function distancesFromSimilarities(similarities: { genuine: readonly number[]; impostor: readonly number[] }): ComparisonDistances {
  return { genuine: similarities.genuine.map((s) => -s), impostor: similarities.impostor.map((s) => -s) };
}

function checkDistances(distances: ComparisonDistances): void {
  if (distances.genuine.length === 0 || distances.impostor.length === 0) {
    throw new RangeError(
      `error rates need genuine and impostor comparisons (got ${distances.genuine.length} genuine, ${distances.impostor.length} impostor)`,
    );
  }
  for (const value of [...distances.genuine, ...distances.impostor]) {
    if (Number.isNaN(value) || value === -Infinity) {
      throw new RangeError(`comparison distances must be numbers, +Infinity for a failed comparison (got ${value})`);
    }
  }
}

const ascending = (a: number, b: number): number => a - b;

/** Count of sorted values <= x (binary search). */
function countAtMost(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Sorted copies, so the many threshold look-ups cost log n each. */
class SortedDistances {
  readonly genuine: number[];
  readonly impostor: number[];
  constructor(distances: ComparisonDistances) {
    checkDistances(distances);
    this.genuine = [...distances.genuine].sort(ascending);
    this.impostor = [...distances.impostor].sort(ascending);
  }

  pointAt(threshold: number): OperatingPoint {
    const falseMatches = countAtMost(this.impostor, threshold);
    const falseNonMatches = this.genuine.length - countAtMost(this.genuine, threshold);
    return {
      threshold,
      fmr: falseMatches / this.impostor.length,
      fnmr: falseNonMatches / this.genuine.length,
      falseMatches,
      falseNonMatches,
    };
  }

  /** Every distinct observed distance, ascending: the thresholds where a rate can change. */
  candidateThresholds(): number[] {
    const all = [...this.genuine, ...this.impostor].sort(ascending);
    return all.filter((value, i) => i === 0 || value !== all[i - 1]);
  }
}

export function errorRatesAt(distances: ComparisonDistances, threshold: number): OperatingPoint {
  return new SortedDistances(distances).pointAt(threshold);
}

/**
 * The DET curve: the accept-nothing point (threshold -Infinity: FMR 0, FNMR 1) followed by one point per
 * distinct observed distance, in ascending threshold order (FMR rising, FNMR falling).
 */
export function detCurve(distances: ComparisonDistances): OperatingPoint[] {
  const sorted = new SortedDistances(distances);
  return [sorted.pointAt(-Infinity), ...sorted.candidateThresholds().map((t) => sorted.pointAt(t))];
}

/**
 * FNMR at a target FMR, the ISO/IEC 19795-1 way without interpolation: the threshold is the largest
 * observed distance whose empirical FMR is <= target. When 1 / impostor count > target the data cannot
 * resolve the target; the zero-false-match point is returned with resolvable = false and a note.
 */
export function fnmrAtFmr(distances: ComparisonDistances, targetFmr: number): FnmrAtFmr {
  if (!(targetFmr > 0 && targetFmr < 1)) throw new RangeError(`target FMR must lie in (0, 1) (got ${targetFmr})`);
  const sorted = new SortedDistances(distances);
  const impostors = sorted.impostor.length;
  const fmrResolution = 1 / impostors;
  const allowedFalseMatches = Math.floor(targetFmr * impostors + 1e-9);
  let point = sorted.pointAt(-Infinity);
  for (const t of sorted.candidateThresholds()) {
    const candidate = sorted.pointAt(t);
    if (candidate.falseMatches > allowedFalseMatches) break;
    point = candidate;
  }
  const nextImpostorDistance = sorted.impostor.find((d) => d > point.threshold) ?? Infinity;
  const resolvable = targetFmr >= fmrResolution;
  const fmrUpper95 = binomialUpperBound(point.falseMatches, impostors, 0.95);
  const note = resolvable
    ? `threshold = largest distance with at most ${allowedFalseMatches} of ${impostors} impostor comparisons accepted (no interpolation)`
    : `not resolvable: ${impostors} impostor comparisons resolve FMR only down to 1/${impostors} = ${fmrResolution.toExponential(2)}; ` +
      `reported is the zero-false-match point, whose true FMR is only known to be below ${fmrUpper95.toExponential(2)} (95% upper bound)`;
  return { targetFmr, resolvable, fmrResolution, point, nextImpostorDistance, fmrUpper95, note };
}

/**
 * Equal error rate: the first DET point with FNMR <= FMR and its predecessor bracket the crossing; the EER
 * and its threshold are linearly interpolated on that segment. When the classes separate, the EER is 0 at
 * the largest genuine distance.
 */
export function equalErrorRate(distances: ComparisonDistances): EqualErrorRate {
  const curve = detCurve(distances);
  const index = curve.findIndex((p) => p.fnmr <= p.fmr);
  // The last point accepts everything (FMR 1, FNMR 0), so a crossing always exists and index >= 1.
  const above = curve[index];
  const below = curve[index - 1];
  const gapAbove = above.fnmr - above.fmr;
  if (gapAbove === 0) return { eer: above.fmr, threshold: above.threshold, below: above, above };
  const gapBelow = below.fnmr - below.fmr;
  const share = gapBelow / (gapBelow - gapAbove);
  const eer = below.fmr + share * (above.fmr - below.fmr);
  const threshold = Number.isFinite(below.threshold) ? below.threshold + share * (above.threshold - below.threshold) : above.threshold;
  return { eer, threshold, below, above };
}

// The exact binomial bounds live in rate-bounds.ts (one implementation, tested there and here).
export { binomialUpperBound };
