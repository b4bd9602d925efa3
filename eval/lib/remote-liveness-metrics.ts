// ISO/IEC 30107-3 figures for the browser-liveness evaluation, per check and for the combined decision:
// APCER per attack species (attacks the check let through), BPCER (bona fide sequences it refused),
// each with n and the exact one-sided 95% upper bound, plus how many were refused only because the check
// could not be computed (a still shows no motion). A check that is not configured gets no figures.
import { rate, type RateFigure } from './liveness-metrics.js';
import type { SequenceCheck } from './remote-liveness-checks.js';

export interface SequenceOutcome {
  readonly sequence: string;
  readonly label: 'bona-fide' | 'attack';
  readonly species: string;
  readonly source: string;
  readonly frameCount: number;
  readonly checks: readonly SequenceCheck[];
  readonly accepted: boolean;
  readonly refusedBy: readonly string[];
}

export interface CheckRates extends RateFigure {
  /** Sequences on which the check could not be computed (inside `total`). */
  notComputed: number;
}

export interface CheckFigures {
  readonly check: string;
  /** Every sequence reported "not configured" for this check: no rates. */
  readonly notConfigured: boolean;
  readonly apcer: Record<string, CheckRates>;
  /** All attack species together. */
  readonly apcerAll: CheckRates;
  readonly worstSpecies: { species: string; figure: CheckRates } | null;
  readonly bpcer: CheckRates;
}

/** Figures of the combined decision carry the name of this pseudo-check. */
export const COMBINED = 'combined';

interface Judged {
  readonly refused: boolean;
  readonly notComputed: boolean;
}

function judgedBy(o: SequenceOutcome, check: string): Judged | null {
  if (check === COMBINED) return { refused: !o.accepted, notComputed: o.checks.some((c) => c.refuses && c.outcome === 'not-computed') };
  const c = o.checks.find((x) => x.name === check);
  if (!c || c.outcome === 'not-configured') return null;
  return { refused: c.refuses, notComputed: c.outcome === 'not-computed' };
}

function rates(judged: readonly Judged[], errorIsRefusal: boolean): CheckRates {
  const errors = judged.filter((j) => j.refused === errorIsRefusal).length;
  return { ...rate(errors, judged.length), notComputed: judged.filter((j) => j.notComputed).length };
}

export function checkFigures(outcomes: readonly SequenceOutcome[], check: string): CheckFigures {
  const pairs = outcomes.map((o) => ({ o, j: judgedBy(o, check) }));
  const judged = pairs.filter((p): p is { o: SequenceOutcome; j: Judged } => p.j !== null);
  const attacks = judged.filter((p) => p.o.label === 'attack');
  const species = [...new Set(attacks.map((p) => p.o.species))].sort();
  const apcer: Record<string, CheckRates> = {};
  for (const s of species) apcer[s] = rates(attacks.filter((p) => p.o.species === s).map((p) => p.j), false);
  // Worst by point estimate, ties broken by the upper bound (fewer samples, less known).
  const worstSpecies = species.reduce<{ species: string; figure: CheckRates } | null>((w, s) => {
    const f = apcer[s];
    return !w || f.rate > w.figure.rate || (f.rate === w.figure.rate && f.upper95 > w.figure.upper95) ? { species: s, figure: f } : w;
  }, null);
  return {
    check,
    notConfigured: outcomes.length > 0 && judged.length === 0,
    apcer,
    apcerAll: rates(attacks.map((p) => p.j), false),
    worstSpecies,
    bpcer: rates(judged.filter((p) => p.o.label === 'bona-fide').map((p) => p.j), true),
  };
}

export interface CloseCall {
  readonly sequence: string;
  readonly species: string;
  readonly value: number;
  readonly threshold: number;
  /** value / threshold: above 1 passes the check. */
  readonly ratio: number;
  readonly outcome: string;
}

/**
 * The margins that matter for a scored check: the attacks whose value came nearest to (or over) the
 * threshold and the bona fide sequences nearest to (or under) it, `count` of each.
 */
export function closestCalls(outcomes: readonly SequenceOutcome[], check: string, count = 3): { attacks: CloseCall[]; bonaFide: CloseCall[] } {
  const scored: (CloseCall & { label: string })[] = [];
  for (const o of outcomes) {
    const c = o.checks.find((x) => x.name === check);
    if (!c || c.value === null || c.threshold === null || !(c.threshold > 0)) continue;
    scored.push({ sequence: o.sequence, species: o.species, label: o.label, value: c.value, threshold: c.threshold, ratio: c.value / c.threshold, outcome: c.outcome });
  }
  const strip = ({ label: _label, ...call }: CloseCall & { label: string }): CloseCall => call;
  return {
    attacks: scored.filter((s) => s.label === 'attack').sort((a, b) => b.ratio - a.ratio).slice(0, count).map(strip),
    bonaFide: scored.filter((s) => s.label === 'bona-fide').sort((a, b) => a.ratio - b.ratio).slice(0, count).map(strip),
  };
}
