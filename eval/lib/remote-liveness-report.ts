// Markdown tables of the browser-liveness evaluation: one table per check and one for the combined
// decision (APCER per species with n, BPCER with n, each with its exact one-sided 95% upper bound), the
// worst species, and the closest calls of the motion check.
import { median } from './latency-stats.js';
import { pct } from './liveness-metrics.js';
import type { EvaluatedSequence } from './remote-liveness-evaluation.js';
import { COMBINED, type CheckFigures, type CheckRates, type CloseCall } from './remote-liveness-metrics.js';

const TITLES: Record<string, string> = {
  frames: 'Frames (every frame shows exactly one face)',
  'motion-parallax': '3D consistency from motion (motion-parallax)',
  'challenge-steps': 'Active challenge: the asked steps performed in order (challenge-steps)',
  'identical-frames': 'Injection signal: frames repeated byte for byte (identical-frames, the server\'s measure)',
  'near-identical-frames': 'Injection signal: a picture that never changes (near-identical-frames, the server\'s measure)',
  'passive-pad': 'Passive presentation-attack model',
  [COMBINED]: 'Combined decision (refused when any check refuses)',
};

const row = (name: string, r: CheckRates, errorWord: string) =>
  `| ${name} | ${r.total} | ${r.errors} ${errorWord} | ${r.notComputed} | ${pct(r.rate)} | ${pct(r.upper95)} |`;

/** Whether "not computable" refuses depends on the check: a still refuses by motion, raises no injection signal. */
const NOT_COMPUTABLE_HEADER: Record<string, string> = {
  frames: 'not computable',
  'motion-parallax': 'not computable (refused)',
  'identical-frames': 'not computable (raises nothing)',
  'near-identical-frames': 'not computable (raises nothing)',
  'challenge-steps': 'not computable (refused)',
  [COMBINED]: 'refused as not computable',
};

/** Why a check has no figures when no sequence was judged on it. */
const NOT_JUDGED: Record<string, string> = {
  'passive-pad': 'Not configured: no passive model is set',
  'challenge-steps': 'Not judged: no sequence\'s note says which steps were asked (`steps=turn-left+look-up`)',
};

export function checkTable(f: CheckFigures): string {
  const title = `### ${TITLES[f.check] ?? f.check}`;
  if (f.notConfigured) return `${title}\n\n${NOT_JUDGED[f.check] ?? 'Not judged on any sequence'}, so it refused nothing and has no figures.`;
  const lines = [title, '', `| species | n | errors | ${NOT_COMPUTABLE_HEADER[f.check] ?? 'not computable'} | rate | 95% upper |`, '|---|---:|---:|---:|---:|---:|'];
  for (const [s, r] of Object.entries(f.apcer)) lines.push(row(`APCER ${s}`, r, 'accepted'));
  if (Object.keys(f.apcer).length > 1) lines.push(row('APCER all attacks (pooled)', f.apcerAll, 'accepted'));
  if (f.worstSpecies) lines.push(row(`**worst species: ${f.worstSpecies.species}**`, f.worstSpecies.figure, 'accepted'));
  lines.push(row('BPCER bona fide', f.bpcer, 'refused'));
  return lines.join('\n');
}

export function closestCallsText(calls: { attacks: CloseCall[]; bonaFide: CloseCall[] }): string {
  const fmt = (c: CloseCall) => `${c.sequence} (${c.species}): ${c.value.toFixed(4)} vs threshold ${c.threshold} (x${c.ratio.toFixed(2)}, ${c.outcome})`;
  const lines = ['Closest calls of the motion check (value / threshold; at or above x1.00 the parallax passes):'];
  if (calls.attacks.length === 0 && calls.bonaFide.length === 0) lines.push('  none: no sequence had a computed motion value');
  for (const c of calls.attacks) lines.push(`  attack, highest score: ${fmt(c)}`);
  for (const c of calls.bonaFide) lines.push(`  bona fide, lowest score: ${fmt(c)}`);
  return lines.join('\n');
}

export const NOT_COMPUTABLE_NOTE = 'A still (one frame) cannot show motion: the motion check reports it "not computable" and the product '
  + 'refuses it, so it counts as an attack refused or a bona fide refused; the "not computable" column counts them.';

/** Per source: sequences, frames, and the notes the folder gives (NUAA's "frames seconds apart"). */
export function sourcesText(outcomes: readonly EvaluatedSequence[]): string {
  const sources = [...new Set(outcomes.map((o) => o.source))];
  const lines = ['| source | sequences | stills | frames | notes |', '|---|---:|---:|---:|---|'];
  for (const s of sources) {
    const of = outcomes.filter((o) => o.source === s);
    const distinct = [...new Set(of.map((o) => o.note).filter((n) => n !== ''))];
    // A generator writes one note per sequence (its parameters): show one, not all.
    const notes = distinct.length <= 3 ? distinct.join('; ') : `${distinct.length} distinct notes, e.g. ${distinct[0]}`;
    lines.push(`| ${s} | ${of.length} | ${of.filter((o) => o.frameCount === 1).length} | ${of.reduce((n, o) => n + o.frameCount, 0)} | ${notes} |`);
  }
  return lines.join('\n');
}

/**
 * How much the heads moved, per species: the median over multi-frame sequences of the yaw range the
 * mesh saw (largest minus smallest yaw) and of the median inter-ocular distance. A check of motion can
 * only be as good as the motion the data holds.
 */
export function motionSummaryText(outcomes: readonly EvaluatedSequence[]): string {
  const species = [...new Set(outcomes.map((o) => o.species))];
  const lines = ['| species | multi-frame sequences | median yaw range (deg) | median inter-ocular (px) |', '|---|---:|---:|---:|'];
  if (!outcomes.some((o) => o.frameCount > 1)) return 'no multi-frame sequences';
  for (const s of species) {
    const seqs = outcomes.filter((o) => o.species === s && o.frameCount > 1);
    if (seqs.length === 0) continue;
    const ranges = seqs.map((o) => o.frames.map((f) => f.yawDeg).filter((y): y is number => y !== null))
      .filter((y) => y.length > 1).map((y) => Math.max(...y) - Math.min(...y));
    const iods = seqs.flatMap((o) => o.frames.map((f) => f.interocularPx).filter((d): d is number => d !== null));
    lines.push(`| ${s} | ${seqs.length} | ${ranges.length ? median(ranges).toFixed(1) : '-'} | ${iods.length ? median(iods).toFixed(0) : '-'} |`);
  }
  return lines.join('\n');
}

/** Why a check refused, per label: its reasons with the numbers taken out, counted. */
export function refusalReasonsText(outcomes: readonly EvaluatedSequence[], check: string): string {
  const lines = [`Why ${check} refused (reasons with their numbers replaced by N):`];
  for (const label of ['bona-fide', 'attack'] as const) {
    const counts = new Map<string, number>();
    for (const o of outcomes.filter((x) => x.label === label)) {
      const c = o.checks.find((x) => x.name === check);
      if (!c?.refuses) continue;
      const kind = (c.reason ?? c.outcome).replace(/-?\d+(\.\d+)?/g, 'N');
      counts.set(kind, (counts.get(kind) ?? 0) + 1);
    }
    for (const [kind, n] of [...counts].sort((a, b) => b[1] - a[1])) lines.push(`  ${label}: ${n} x ${kind}`);
  }
  return lines.join('\n');
}
