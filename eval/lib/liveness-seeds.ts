// Seeds of the synthetic depth-liveness suite and the figures across them. A threshold set on one seed
// can fit that seed's draws; what generalises shows on seeds nobody tuned on. So every depth threshold
// is set on TUNING_SEEDS only, the figures that claim anything are read on HELD_OUT_SEEDS, and the
// per-species figure that matters is the worst seed's, not the pooled one.
import { rate, type LivenessFigures, type RateFigure } from './liveness-metrics.js';

/** Seeds the depth thresholds were set on (docs/liveness.md says which threshold came from which). */
export const TUNING_SEEDS: readonly string[] = [
  'eval-liveness-1', 'depth-tune-a', 'depth-tune-b',
  // Looked at while the nose relief was designed, so no longer held out:
  'depth-held-1', 'depth-held-2', 'depth-held-3',
];
/** Seeds no threshold was ever set on: the default of `npm run eval:liveness`. */
export const HELD_OUT_SEEDS: readonly string[] = ['depth-held-4', 'depth-held-5', 'depth-held-6'];

export type SeedRole = 'tuning' | 'held-out' | 'untuned';

/** `held-out` for the reserved seeds, `untuned` for any other fresh seed: neither was tuned on. */
export function seedRole(seed: string): SeedRole {
  if (TUNING_SEEDS.includes(seed)) return 'tuning';
  return HELD_OUT_SEEDS.includes(seed) ? 'held-out' : 'untuned';
}

/** `--seeds a,b,c` (or the single `--seed S`): trimmed, non-empty, no repeats. Throws a usage message. */
export function parseSeedList(seeds: string | undefined, seed: string | undefined): string[] {
  if (seeds !== undefined && seed !== undefined) throw new Error('give --seeds a,b,c or --seed S, not both');
  const list = (seeds ?? seed ?? HELD_OUT_SEEDS.join(',')).split(',').map((s) => s.trim());
  if (list.some((s) => s.length === 0 || s.length > 100)) throw new Error('--seeds: each seed is 1..100 characters, comma-separated');
  if (new Set(list).size !== list.length) throw new Error('--seeds: a seed is listed twice');
  return list;
}

export interface SeedFigures {
  seed: string;
  role: SeedRole;
  figures: LivenessFigures;
}

export interface WorstCase {
  /** The worst seed's figure (highest rate; ties: the highest upper bound, then the first listed). */
  worst: RateFigure;
  worstSeed: string;
  /** All seeds together, for the sample size the seeds add up to. */
  pooled: RateFigure;
}

export interface WorstAcrossSeeds {
  apcer: Record<string, WorstCase>;
  bpcer: WorstCase;
}

function worstOf(entries: readonly { seed: string; figure: RateFigure }[]): WorstCase {
  let pick = entries[0];
  for (const e of entries.slice(1)) {
    const worse = e.figure.rate > pick.figure.rate || (e.figure.rate === pick.figure.rate && e.figure.upper95 > pick.figure.upper95);
    if (worse) pick = e;
  }
  const errors = entries.reduce((s, e) => s + e.figure.errors, 0);
  const total = entries.reduce((s, e) => s + e.figure.total, 0);
  return { worst: pick.figure, worstSeed: pick.seed, pooled: rate(errors, total) };
}

/** Each species' APCER and the BPCER at their worst seed, and pooled; species missing on a seed are skipped there. */
export function worstAcrossSeeds(perSeed: readonly SeedFigures[]): WorstAcrossSeeds {
  if (perSeed.length === 0) throw new Error('worstAcrossSeeds needs at least one seed');
  const species = [...new Set(perSeed.flatMap((s) => Object.keys(s.figures.apcer)))];
  const apcer: Record<string, WorstCase> = {};
  for (const sp of species) {
    apcer[sp] = worstOf(perSeed.filter((s) => s.figures.apcer[sp]).map((s) => ({ seed: s.seed, figure: s.figures.apcer[sp] })));
  }
  return { apcer, bpcer: worstOf(perSeed.map((s) => ({ seed: s.seed, figure: s.figures.bpcer }))) };
}
