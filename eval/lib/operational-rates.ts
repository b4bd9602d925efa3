// Error rates at the operating points a verification appliance runs at (FMR 1e-2, 1e-3, 1e-4), each with
// the pair counts it rests on and a two-sided 95% Clopper-Pearson interval. A target FMR that the
// impostor count cannot show (fewer than 3/FMR pairs, the rule of three) gets no FNMR: the output says
// so and gives the rule-of-three bound, 3/N, which is all that N impostor pairs without a false match
// can say about the FMR.
import { clopperPearson95, estimableAt, ruleOfThree, type RateInterval } from './rate-bounds.js';
import { errorRatesAt, fnmrAtFmr, type ComparisonDistances } from './verification-metrics.js';

export const OPERATIONAL_FMR_TARGETS = [1e-2, 1e-3, 1e-4] as const;

export type OperationalRate =
  | {
      readonly targetFmr: number;
      readonly estimable: true;
      readonly genuine: number;
      readonly impostors: number;
      /** Largest observed distance whose empirical FMR is <= the target (no interpolation). */
      readonly threshold: number;
      readonly fnmr: RateInterval;
      readonly fmr: RateInterval;
    }
  | {
      readonly targetFmr: number;
      readonly estimable: false;
      readonly genuine: number;
      readonly impostors: number;
      /** 3 / impostors: what these pairs can bound the FMR to, at best. */
      readonly ruleOfThreeBound: number;
      readonly note: string;
    };

export function operationalRate(distances: ComparisonDistances, targetFmr: number): OperationalRate {
  const genuine = distances.genuine.length;
  const impostors = distances.impostor.length;
  if (!estimableAt(targetFmr, impostors)) {
    return {
      targetFmr,
      estimable: false,
      genuine,
      impostors,
      ruleOfThreeBound: ruleOfThree(impostors),
      note: `not estimable at this FMR with ${impostors} pairs (needs >= ${Math.ceil(3 / targetFmr)}); rule-of-three bound ${ruleOfThree(impostors).toExponential(2)}`,
    };
  }
  const { point } = fnmrAtFmr(distances, targetFmr);
  return {
    targetFmr,
    estimable: true,
    genuine,
    impostors,
    threshold: point.threshold,
    fnmr: clopperPearson95(point.falseNonMatches, genuine),
    fmr: clopperPearson95(point.falseMatches, impostors),
  };
}

export function operationalRates(distances: ComparisonDistances): OperationalRate[] {
  return OPERATIONAL_FMR_TARGETS.map((target) => operationalRate(distances, target));
}

/** FMR and FNMR at a fixed threshold (the shipped one), each with its interval. */
export function ratesAtThreshold(distances: ComparisonDistances, threshold: number): { threshold: number; fmr: RateInterval; fnmr: RateInterval } {
  const p = errorRatesAt(distances, threshold);
  return { threshold, fmr: clopperPearson95(p.falseMatches, distances.impostor.length), fnmr: clopperPearson95(p.falseNonMatches, distances.genuine.length) };
}
