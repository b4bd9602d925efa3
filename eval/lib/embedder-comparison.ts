// The embedder comparison behind biometrics.embedder's default: each embedder alone and their score-level
// fusion, on the same within-set pairs, at the operational FMRs, plus a held-out check of the threshold
// that tail extrapolation gives for FMR 1e-4. Everything reported is held out where anything is fitted:
// the fusion weights and the extrapolated thresholds are fitted leaving one source set out and applied
// to that set only (leave-one-set-out), then the held-out outcomes are pooled.
import type { LabelledPair } from './within-set-pairs.js';
import { operationalRates, type OperationalRate } from './operational-rates.js';
import { clopperPearson95, type RateInterval } from './rate-bounds.js';
import { fitFusion, fusedDistance, leaveOneGroupOut, type FusionModel } from './score-fusion.js';
import { extrapolateImpostorTail, type TailFit } from './tail-extrapolation.js';
import { equalErrorRate, type ComparisonDistances } from './verification-metrics.js';

export const TAIL_TARGET_FMR = 1e-4;

/** One pair's comparison by every system; a system absent from `distances` could not compare it. */
export interface ScoredPair {
  readonly pair: LabelledPair;
  readonly distances: ReadonlyMap<string, number>;
}

export interface HeldOutThresholdCheck {
  /** Per held-out set: the threshold fitted without it, and what it did there. */
  readonly folds: readonly { set: string; threshold: number; falseMatches: number; impostors: number; falseNonMatches: number; genuine: number }[];
  /** Pooled over the folds. */
  readonly fmr: RateInterval;
  readonly fnmr: RateInterval;
  /** The fit on all sets: the threshold to ship. */
  readonly finalFit: TailFit;
}

export interface ComparedSystem {
  readonly system: string;
  /** How the score was formed, in words. */
  readonly method: string;
  readonly distances: ComparisonDistances;
  readonly rates: readonly OperationalRate[];
  readonly eer: number;
  readonly tailCheck: HeldOutThresholdCheck;
}

type Scorer = (pair: ScoredPair) => number;

function split(pairs: readonly ScoredPair[], score: Scorer): ComparisonDistances {
  const genuine: number[] = [];
  const impostor: number[] = [];
  for (const p of pairs) (p.pair.same ? genuine : impostor).push(score(p));
  return { genuine, impostor };
}

/**
 * Leave-one-set-out check of the tail-extrapolated threshold. `scorerWithout(set)` gives the scorer fitted
 * without that set (for a single embedder, the raw distance whatever the set).
 */
function tailCheck(pairs: readonly ScoredPair[], scorerWithout: (set: string | null) => Scorer): HeldOutThresholdCheck {
  const sets = [...new Set(pairs.map((p) => p.pair.sourceSet))].sort();
  const folds = sets.map((set) => {
    const score = scorerWithout(set);
    const training = split(pairs.filter((p) => p.pair.sourceSet !== set), score);
    const { threshold } = extrapolateImpostorTail(training.impostor, TAIL_TARGET_FMR);
    const held = split(pairs.filter((p) => p.pair.sourceSet === set), score);
    return {
      set,
      threshold,
      falseMatches: held.impostor.filter((d) => d <= threshold).length,
      impostors: held.impostor.length,
      falseNonMatches: held.genuine.filter((d) => d > threshold).length,
      genuine: held.genuine.length,
    };
  });
  const sum = (key: 'falseMatches' | 'impostors' | 'falseNonMatches' | 'genuine') => folds.reduce((n, f) => n + f[key], 0);
  const all = split(pairs, scorerWithout(null));
  return {
    folds,
    fmr: clopperPearson95(sum('falseMatches'), sum('impostors')),
    fnmr: clopperPearson95(sum('falseNonMatches'), sum('genuine')),
    finalFit: extrapolateImpostorTail(all.impostor, TAIL_TARGET_FMR),
  };
}

function describe(system: string, method: string, pairs: readonly ScoredPair[], heldOut: Scorer, scorerWithout: (set: string | null) => Scorer): ComparedSystem {
  const distances = split(pairs, heldOut);
  return { system, method, distances, rates: operationalRates(distances), eer: equalErrorRate(distances).eer, tailCheck: tailCheck(pairs, scorerWithout) };
}

/**
 * Compares systems `a` and `b` alone and fused, on the pairs both compared. Returns the three rows and the
 * fusion model fitted on all pairs (what a deployment of the fusion would use).
 */
export function compareEmbedders(scored: readonly ScoredPair[], a: string, b: string): { systems: ComparedSystem[]; fusionOnAll: FusionModel; pairs: number } {
  const pairs = scored.filter((p) => p.distances.has(a) && p.distances.has(b));
  const raw = (name: string): Scorer => (p) => p.distances.get(name)!;
  const samples = pairs.map((p) => ({ d: [p.distances.get(a)!, p.distances.get(b)!] as [number, number], same: p.pair.same, group: p.pair.sourceSet }));
  // Each set scored by the weights fitted on the others (score-fusion.ts, tested there).
  const held = leaveOneGroupOut(samples);
  const heldOutDistance = new Map(pairs.map((p, i) => [p, held.distances[i]]));
  const fusionOnAll = fitFusion(samples);
  const fusionScorer = (set: string | null): Scorer => {
    const model = set === null ? fusionOnAll : held.models.get(set)!;
    return (p) => fusedDistance(model, [p.distances.get(a)!, p.distances.get(b)!]);
  };
  const heldOutFusion: Scorer = (p) => heldOutDistance.get(p)!;
  return {
    systems: [
      describe(a, `${a} distance`, pairs, raw(a), () => raw(a)),
      describe(b, `${b} distance`, pairs, raw(b), () => raw(b)),
      describe(`fusion(${a}+${b})`, 'logistic regression on both distances, leave-one-set-out (each set scored by weights fitted on the others)', pairs, heldOutFusion, fusionScorer),
    ],
    fusionOnAll,
    pairs: pairs.length,
  };
}
