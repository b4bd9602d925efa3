// ISO/IEC 30107-3 figures for the depth-liveness evaluation: APCER per PAI species (and the worst),
// BPCER, and the share of bona fide captures the checks could not measure, each with a 95% upper bound
// (so "0 of 150" reads as "below 2%", not as "zero").
import type { CaptureLabel } from '../synth/species.js';
import { binomialUpperBound } from './rate-bounds.js';

export interface LivenessOutcome {
  label: CaptureLabel | string;
  /** The depth decision accepted the capture as live. */
  accepted: boolean;
  /** Some check could not be computed (too little data). */
  notComputed: boolean;
  failed: string[];
  score: number;
  values: Record<string, number | null>;
  /** Grid cell of a bona fide capture ("d300-500/n1"), or the species. */
  cell: string;
  /** What the generator drew (distance, pose, scale...), or the source file for real data. */
  params: Record<string, number | string>;
}

export interface RateFigure {
  errors: number;
  total: number;
  rate: number;
  /** One-sided 95% upper bound (Clopper-Pearson). */
  upper95: number;
}

export function rate(errors: number, total: number): RateFigure {
  return { errors, total, rate: total ? errors / total : Number.NaN, upper95: total ? binomialUpperBound(errors, total, 0.95) : Number.NaN };
}

export interface LivenessFigures {
  apcer: Record<string, RateFigure>;
  worstApcer: { species: string; figure: RateFigure } | null;
  /** Worst species among the 2D ones (everything except the rigid 3D mask). */
  worstFlatApcer: { species: string; figure: RateFigure } | null;
  bpcer: RateFigure;
  bpcerByCell: Record<string, RateFigure>;
  /** Bona fide captures where a check could not be computed (counted inside BPCER as well). */
  bonaFideNotComputed: RateFigure;
  /** Why bona fide captures were rejected: check name -> count. */
  bonaFideFailures: Record<string, number>;
}

export function livenessFigures(outcomes: readonly LivenessOutcome[]): LivenessFigures {
  const bona = outcomes.filter((o) => o.label === 'bona-fide');
  const attacks = outcomes.filter((o) => o.label !== 'bona-fide');
  const species = [...new Set(attacks.map((o) => o.label))];
  const apcer: Record<string, RateFigure> = {};
  for (const s of species) {
    const of = attacks.filter((o) => o.label === s);
    apcer[s] = rate(of.filter((o) => o.accepted).length, of.length);
  }
  const worst = (names: string[]) => names.reduce<{ species: string; figure: RateFigure } | null>(
    (w, s) => (!w || apcer[s].rate > w.figure.rate ? { species: s, figure: apcer[s] } : w), null);
  const cells = [...new Set(bona.map((o) => o.cell))].sort();
  const bpcerByCell: Record<string, RateFigure> = {};
  for (const c of cells) {
    const of = bona.filter((o) => o.cell === c);
    bpcerByCell[c] = rate(of.filter((o) => !o.accepted).length, of.length);
  }
  const bonaFideFailures: Record<string, number> = {};
  for (const o of bona) for (const f of o.failed) bonaFideFailures[f] = (bonaFideFailures[f] ?? 0) + 1;
  return {
    apcer,
    worstApcer: worst(species),
    worstFlatApcer: worst(species.filter((s) => s !== 'mask-rigid-3d')),
    bpcer: rate(bona.filter((o) => !o.accepted).length, bona.length),
    bpcerByCell,
    bonaFideNotComputed: rate(bona.filter((o) => o.notComputed).length, bona.length),
    bonaFideFailures,
  };
}

export const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(2)}%` : 'n/a');
