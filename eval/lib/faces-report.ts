// Markdown rendering of face evaluation results: one column per system, one row per figure.
import type { SystemEvaluation } from './faces-evaluation.js';
import type { FnmrAtFmr } from './verification-metrics.js';

export function percent(rate: number, digits = 1): string {
  return `${(rate * 100).toFixed(digits)}%`;
}

function distance(value: number): string {
  return Number.isFinite(value) ? value.toFixed(4) : String(value);
}

function fnmrCell(result: FnmrAtFmr, genuine: number): string {
  const p = result.point;
  const falseNonMatches = `${percent(p.fnmr)} (${p.falseNonMatches}/${genuine})`;
  if (!result.resolvable) {
    return `not resolvable (${result.targetFmr.toExponential(0)} < 1/${Math.round(1 / result.fmrResolution)}); at 0 false matches: ${falseNonMatches}, d <= ${distance(p.threshold)}`;
  }
  return `${falseNonMatches} at d <= ${distance(p.threshold)}, FMR ${p.falseMatches}/${Math.round(1 / result.fmrResolution)}`;
}

export interface SpeedSummary {
  /** Median wall time per image, all stages, in ms. */
  readonly medianMs: number;
}

/**
 * One column per system. `comparisonsOnly` leaves out the per-image rows (enrolment, generalized FNMR,
 * speed), for a table over a subset of pairs where those would only repeat the full table.
 */
export function renderEvaluationTable(
  evaluations: readonly SystemEvaluation[],
  speed: ReadonlyMap<string, SpeedSummary>,
  comparisonsOnly = false,
): string {
  const perImage = new Set(['single-face images (num_faces = 1)', 'failure to enrol', 'single-face images with extra detections',
    'group images seen as >= 2 faces', 'generalized FNMR @ FMR 1e-2 (FTE = non-match)', 'median time per image']);
  const allRows: [string, (e: SystemEvaluation) => string][] = [
    ['single-face images (num_faces = 1)', (e) => String(e.enrolment.singleFaceImages)],
    ['failure to enrol', (e) => `${e.enrolment.failedToEnrol} (${percent(e.enrolment.failureToEnrolRate)})`],
    ['single-face images with extra detections', (e) => String(e.enrolment.extraFaceImages)],
    ['group images seen as >= 2 faces', (e) => `${e.enrolment.groupImagesSeenAsSeveral}/${e.enrolment.groupImages}`],
    [
      'pairs compared (genuine / impostor)',
      (e) =>
        `${e.distances.genuine.length}/${e.comparisons.genuine} / ${e.distances.impostor.length}/${e.comparisons.impostor}`,
    ],
    ['FNMR @ FMR 1e-2', (e) => fnmrCell(e.atFmr[0], e.distances.genuine.length)],
    ['FNMR @ FMR 1e-3', (e) => fnmrCell(e.atFmr[1], e.distances.genuine.length)],
    ['generalized FNMR @ FMR 1e-2 (FTE = non-match)', (e) => fnmrCell(e.generalizedAtFmr[0], e.comparisons.genuine)],
    ['EER', (e) => `${percent(e.eer.eer)} at d = ${distance(e.eer.threshold)}`],
    [
      'at the system default threshold',
      (e) =>
        e.atDefaultThreshold === null
          ? 'no default'
          : `d <= ${e.defaultThreshold}: FMR ${percent(e.atDefaultThreshold.fmr)} (${e.atDefaultThreshold.falseMatches}), FNMR ${percent(e.atDefaultThreshold.fnmr)} (${e.atDefaultThreshold.falseNonMatches})`,
    ],
    [
      'calibrated threshold (FMR <= 1e-2)',
      (e) =>
        `d <= ${distance(e.calibrated.threshold)}; expected FMR ${e.calibrated.falseMatches}/${e.calibrated.impostors} = ${percent(e.calibrated.expectedFmr, 2)} (95% upper ${percent(e.calibrated.fmrUpper95, 2)})`,
    ],
    [
      'score mapping fit (midpoint, steepness)',
      (e) => `${e.scoreMapping.midpoint.toFixed(3)}, ${e.scoreMapping.steepness.toFixed(1)}`,
    ],
    ['median time per image', (e) => `${(speed.get(e.system)?.medianMs ?? Number.NaN).toFixed(1)} ms`],
  ];
  const rows = comparisonsOnly ? allRows.filter(([label]) => !perImage.has(label)) : allRows;
  const header = `| figure | ${evaluations.map((e) => e.system).join(' | ')} |`;
  const rule = `|---|${evaluations.map(() => '---').join('|')}|`;
  return [header, rule, ...rows.map(([label, cell]) => `| ${label} | ${evaluations.map(cell).join(' | ')} |`)].join('\n');
}

/** Lines stating each calibrated threshold in words, for the console and the docs. */
export function renderCalibration(evaluation: SystemEvaluation): string {
  const c = evaluation.calibrated;
  const range = Number.isFinite(c.upTo) ? `; any threshold in [${distance(c.threshold)}, ${distance(c.upTo)}) gives the same rates here` : '';
  return (
    `${evaluation.system}: threshold d <= ${distance(c.threshold)} for FMR <= ${c.targetFmr.toExponential(0)}: ` +
    `expected FMR ${c.falseMatches}/${c.impostors} = ${percent(c.expectedFmr, 2)} (one-sided 95% upper bound ${percent(c.fmrUpper95, 2)}), ` +
    `FNMR ${percent(c.fnmr)}${range}. EER point: d = ${distance(evaluation.eer.threshold)} (EER ${percent(evaluation.eer.eer)}). ` +
    `Score mapping fit: midpoint ${evaluation.scoreMapping.midpoint.toFixed(3)}, steepness ${evaluation.scoreMapping.steepness.toFixed(1)}.`
  );
}
