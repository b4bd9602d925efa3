// Markdown for the operational-rate and embedder-comparison tables (eval/lib/embedder-comparison.ts).
import type { ComparedSystem } from './embedder-comparison.js';
import type { OperationalRate } from './operational-rates.js';
import type { RateInterval } from './rate-bounds.js';

const pct = (x: number, digits = 2): string => `${(x * 100).toFixed(digits)}%`;

export function intervalText(r: RateInterval): string {
  return `${pct(r.rate)} (${r.errors}/${r.trials}; 95% CI ${pct(r.lower95)}–${pct(r.upper95)})`;
}

export function operationalCell(r: OperationalRate): string {
  if (!r.estimable) {
    return `not estimable at this FMR with ${r.impostors} pairs; rule-of-three bound FMR <= ${pct(r.ruleOfThreeBound)} (genuine ${r.genuine})`;
  }
  return `FNMR ${intervalText(r.fnmr)} at d <= ${r.threshold.toFixed(4)}, FMR ${r.fmr.errors}/${r.fmr.trials}`;
}

export function renderComparisonTable(systems: readonly ComparedSystem[]): string {
  const rows: [string, (s: ComparedSystem) => string][] = [
    ['pairs (genuine / impostor)', (s) => `${s.distances.genuine.length} / ${s.distances.impostor.length}`],
    ['FNMR @ FMR 1e-2', (s) => operationalCell(s.rates[0])],
    ['FNMR @ FMR 1e-3', (s) => operationalCell(s.rates[1])],
    ['FNMR @ FMR 1e-4', (s) => operationalCell(s.rates[2])],
    ['EER', (s) => pct(s.eer)],
    [
      'tail-extrapolated FMR 1e-4 threshold, held out (leave one set out)',
      (s) => `FMR ${intervalText(s.tailCheck.fmr)}, FNMR ${intervalText(s.tailCheck.fnmr)}; per set: ${s.tailCheck.folds.map((f) => `${f.set} d <= ${f.threshold.toFixed(4)}`).join(', ')}`,
    ],
    ['tail fit on all sets (threshold for FMR 1e-4)', (s) => `d <= ${s.tailCheck.finalFit.threshold.toFixed(4)} (${s.tailCheck.finalFit.tailPoints} lowest of ${s.tailCheck.finalFit.impostors} impostors)`],
    ['score', (s) => s.method],
  ];
  return [
    `| figure | ${systems.map((s) => s.system).join(' | ')} |`,
    `|---|${systems.map(() => '---').join('|')}|`,
    ...rows.map(([label, cell]) => `| ${label} | ${systems.map(cell).join(' | ')} |`),
  ].join('\n');
}
