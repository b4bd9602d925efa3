// What the pair counts of eval:faces do not say. Every pair of images within a source set is compared,
// so pairs share identities and images: 1,018 impostor pairs are far fewer independent trials, and the
// Clopper-Pearson intervals (which assume independent trials) are optimistic. These helpers put the
// distinct identity counts beside the pair counts, and give an out-of-sample figure for the threshold
// rule actually used ("closest impostor distance minus a margin"), since the shipped threshold was
// chosen on these same pairs and its own rates there are in-sample.
import type { LabelledPair } from './within-set-pairs.js';
import { clopperPearson95, type RateInterval } from './rate-bounds.js';

export interface DistinctIdentities {
  /** Identities behind the genuine pairs. */
  readonly genuineIdentities: number;
  /** Unordered pairs of different identities behind the impostor pairs. */
  readonly impostorIdentityPairs: number;
}

export function distinctIdentities(pairs: readonly LabelledPair[]): DistinctIdentities {
  const genuine = new Set<string>();
  const impostor = new Set<string>();
  for (const p of pairs) {
    if (p.same) genuine.add(`${p.sourceSet}\u0000${p.identityA}`);
    else impostor.add(`${p.sourceSet}\u0000${[p.identityA, p.identityB].sort().join('\u0000')}`);
  }
  return { genuineIdentities: genuine.size, impostorIdentityPairs: impostor.size };
}

export interface MarginRuleFold {
  readonly set: string;
  /** Closest impostor distance on the other sets minus the margin. */
  readonly threshold: number;
  readonly falseMatches: number;
  readonly impostors: number;
  readonly falseNonMatches: number;
  readonly genuine: number;
}

/**
 * Leave-one-set-out check of "threshold = closest impostor distance − margin": fitted on every source set
 * but one, applied to that one, pooled. `pairs` carry one system's distance (pairs it could not compare
 * left out by the caller).
 */
export function leaveOneSetOutMarginRule(
  pairs: readonly { pair: LabelledPair; distance: number }[], margin: number,
): { folds: MarginRuleFold[]; fmr: RateInterval; fnmr: RateInterval } {
  const sets = [...new Set(pairs.map((p) => p.pair.sourceSet))].sort();
  if (sets.length < 2) throw new RangeError('leave-one-set-out needs at least 2 source sets');
  const folds = sets.map((set) => {
    const closest = Math.min(...pairs.filter((p) => p.pair.sourceSet !== set && !p.pair.same).map((p) => p.distance));
    const threshold = closest - margin;
    const held = pairs.filter((p) => p.pair.sourceSet === set);
    const impostors = held.filter((p) => !p.pair.same);
    const genuine = held.filter((p) => p.pair.same);
    return {
      set, threshold,
      falseMatches: impostors.filter((p) => p.distance <= threshold).length, impostors: impostors.length,
      falseNonMatches: genuine.filter((p) => p.distance > threshold).length, genuine: genuine.length,
    };
  });
  const sum = (key: 'falseMatches' | 'impostors' | 'falseNonMatches' | 'genuine') => folds.reduce((n, f) => n + f[key], 0);
  return { folds, fmr: clopperPearson95(sum('falseMatches'), sum('impostors')), fnmr: clopperPearson95(sum('falseNonMatches'), sum('genuine')) };
}
