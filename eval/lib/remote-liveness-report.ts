// Markdown tables of the browser-liveness evaluation: one table per check and one for the combined
// decision (APCER per species with n, BPCER with n, each with its exact one-sided 95% upper bound), the
// worst species, and the closest calls of the motion check.
import { pct } from './liveness-metrics.js';
import { COMBINED, type CheckFigures, type CheckRates, type CloseCall } from './remote-liveness-metrics.js';

const TITLES: Record<string, string> = {
  frames: 'Frames (every frame shows exactly one face)',
  'motion-parallax': '3D consistency from motion (motion-parallax)',
  'identical-frames': 'Injection signal: byte-identical frames',
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
  [COMBINED]: 'refused as not computable',
};

export function checkTable(f: CheckFigures): string {
  const title = `### ${TITLES[f.check] ?? f.check}`;
  if (f.notConfigured) return `${title}\n\nNot configured: no passive model is set, so it refused nothing and has no figures.`;
  const lines = [title, '', `| species | n | errors | ${NOT_COMPUTABLE_HEADER[f.check] ?? 'not computable'} | rate | 95% upper |`, '|---|---:|---:|---:|---:|---:|'];
  for (const [s, r] of Object.entries(f.apcer)) lines.push(row(`APCER ${s}`, r, 'accepted'));
  if (Object.keys(f.apcer).length > 1) lines.push(row('APCER all attacks (pooled)', f.apcerAll, 'accepted'));
  if (f.worstSpecies) lines.push(row(`**worst species: ${f.worstSpecies.species}**`, f.worstSpecies.figure, 'accepted'));
  lines.push(row('BPCER bona fide', f.bpcer, 'refused'));
  return lines.join('\n');
}

export function closestCallsText(calls: { attacks: CloseCall[]; bonaFide: CloseCall[] }): string {
  const fmt = (c: CloseCall) => `${c.sequence} (${c.species}): ${c.value.toFixed(4)} vs threshold ${c.threshold} (x${c.ratio.toFixed(2)}, ${c.outcome})`;
  const lines = ['Closest calls of the motion check (value / threshold; above x1.00 passes):'];
  if (calls.attacks.length === 0 && calls.bonaFide.length === 0) lines.push('  none: no sequence had a computed motion value');
  for (const c of calls.attacks) lines.push(`  attack nearest to passing: ${fmt(c)}`);
  for (const c of calls.bonaFide) lines.push(`  bona fide nearest to failing: ${fmt(c)}`);
  return lines.join('\n');
}

export const NOT_COMPUTABLE_NOTE = 'A still (one frame) cannot show motion: the motion check reports it "not computable" and the product '
  + 'refuses it, so it counts as an attack refused or a bona fide refused; the "not computable" column counts them.';
