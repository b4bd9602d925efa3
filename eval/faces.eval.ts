// Face verification evaluation: `npm run eval:faces -- --data DIR [--out DIR] [--systems dlib,mobilefacenet,fusion,face-api]`.
// Runs every image of DIR/labels.csv through each system, compares EVERY pair of identity-labelled
// images within a source set (within-set-pairs.ts; DIR/pairs.csv is only a sample of them), and writes
// figures (JSON), a DET chart (PNG) and markdown tables: the operational rates (FNMR at FMR 1e-2, 1e-3,
// 1e-4 with pair counts and 95% intervals, or "not estimable") and, with "fusion", dlib and MobileFaceNet
// alone and fused, held out by source set. Progress goes to stderr, the tables to stdout.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { renderDetPlot, type DetSeries } from './lib/det-plot.js';
import { loadFacesDataset, type FacesDataset } from './lib/faces-dataset.js';
import { evaluateSystem, FMR_TARGETS, type ProbeOutcome, type SystemEvaluation } from './lib/faces-evaluation.js';
import { renderCalibration, renderEvaluationTable, type SpeedSummary } from './lib/faces-report.js';
import type { FaceSystem, StageTimings } from './lib/face-system.js';
import { median } from './lib/latency-stats.js';
import { SYSTEM_LOADERS } from './systems/index.js';
import { compareEmbedders, type ScoredPair } from './lib/embedder-comparison.js';
import { intervalText, operationalCell, renderComparisonTable } from './lib/embedder-report.js';
import { operationalRates, ratesAtThreshold } from './lib/operational-rates.js';
import { withinSetPairs, type LabelledPair } from './lib/within-set-pairs.js';
import { distinctIdentities, leaveOneSetOutMarginRule } from './lib/pair-dependence.js';

/** Not a pipeline: the score-level fusion of these two, computed from their distances. */
const FUSION = 'fusion';
const FUSED: readonly [string, string] = ['dlib', 'mobilefacenet'];

const SERIES_COLOURS: Record<string, readonly [number, number, number]> = {
  proofgate: [25, 70, 200],
  'face-api': [230, 120, 20],
  dlib: [25, 70, 200],
  mobilefacenet: [200, 30, 60],
};

interface ImageRecord {
  readonly path: string;
  readonly numFaces: number;
  readonly faceCount: number;
  readonly enrolled: boolean;
  readonly timings: StageTimings;
  readonly error?: string;
}

/** One pair's outcome; distance null when a side failed to enrol. */
interface PairRecord {
  readonly a: string;
  readonly b: string;
  readonly same: boolean;
  readonly distance: number | null;
}

function usage(message: string): never {
  process.stderr.write(`${message}\nusage: npm run eval:faces -- --data DIR [--out DIR] [--systems ${[...Object.keys(SYSTEM_LOADERS), FUSION].join(',')}]\n`);
  process.exit(2);
}

async function probeAll(system: FaceSystem, dataset: FacesDataset): Promise<{ probes: Map<string, ProbeOutcome>; records: ImageRecord[] }> {
  const probes = new Map<string, ProbeOutcome>();
  const records: ImageRecord[] = [];
  for (const [index, image] of dataset.images.entries()) {
    let record: ImageRecord;
    try {
      const probe = await system.analyze(readFileSync(image.absolutePath));
      probes.set(image.path, probe);
      record = { path: image.path, numFaces: image.numFaces, faceCount: probe.faceCount, enrolled: probe.template !== null, timings: probe.timings };
    } catch (error) {
      // A decode or pipeline error on one image is that image's failure to enrol, not the end of the run.
      probes.set(image.path, { faceCount: 0, template: null });
      record = { path: image.path, numFaces: image.numFaces, faceCount: 0, enrolled: false, timings: {}, error: String(error) };
    }
    records.push(record);
    const total = Object.values(record.timings).reduce((sum, ms) => sum + ms, 0);
    process.stderr.write(
      `[${system.name}] ${index + 1}/${dataset.images.length} ${image.path}: faces=${record.faceCount} ` +
        `${record.enrolled ? 'template' : 'NO TEMPLATE'} ${total.toFixed(0)} ms${record.error ? ` (${record.error})` : ''}\n`,
    );
  }
  return { probes, records };
}

/** JSON with non-finite numbers spelled out (JSON has no Infinity) and templates left out. */
function toJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_key, v: unknown) => {
      if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
      if (v instanceof Float32Array) return undefined;
      return v;
    },
    2,
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string' },
      out: { type: 'string', default: 'out/eval-faces' },
      systems: { type: 'string', default: 'dlib,mobilefacenet,fusion,face-api' },
    },
    strict: true,
  });
  if (!values.data) usage('--data DIR is required (a folder with labels.csv and pairs.csv)');
  const requested = values.systems.split(',').map((s) => s.trim()).filter(Boolean);
  for (const name of requested) if (!(name in SYSTEM_LOADERS) && name !== FUSION) usage(`unknown system "${name}"`);
  const withFusion = requested.includes(FUSION);
  const systemNames = [...new Set([...requested.filter((n) => n !== FUSION), ...(withFusion ? FUSED : [])])];
  const loaded = loadFacesDataset(path.resolve(values.data));
  const sampledPairs = loaded.pairs.length;
  const dataset: FacesDataset = { ...loaded, pairs: withinSetPairs(loaded.images) };
  const outDir = path.resolve(values.out);
  mkdirSync(outDir, { recursive: true });
  process.stderr.write(`${dataset.images.length} images, ${dataset.pairs.length} within-set pairs (pairs.csv samples ${sampledPairs}) from ${dataset.root}\n`);

  const evaluations: SystemEvaluation[] = [];
  const speed = new Map<string, SpeedSummary>();
  const perSystem: Record<
    string,
    { description: string; defaultThreshold: number | null; evaluation: SystemEvaluation; images: ImageRecord[]; pairs: PairRecord[] }
  > = {};
  const probesBySystem = new Map<string, Map<string, ProbeOutcome>>();
  const distanceBySystem = new Map<string, (a: Float32Array, b: Float32Array) => number>();
  for (const name of systemNames) {
    process.stderr.write(`loading ${name}...\n`);
    const system = await SYSTEM_LOADERS[name]();
    try {
      const { probes, records } = await probeAll(system, dataset);
      const distance = (a: Float32Array, b: Float32Array): number => system.distance(a, b);
      const evaluation = evaluateSystem(system.name, dataset.images, dataset.pairs, probes, distance, system.defaultThreshold);
      evaluations.push(evaluation);
      probesBySystem.set(system.name, probes);
      distanceBySystem.set(system.name, distance);
      const totals = records.filter((r) => !r.error).map((r) => Object.values(r.timings).reduce((sum, ms) => sum + ms, 0));
      speed.set(system.name, { medianMs: median(totals) });
      const pairs = dataset.pairs.map((pair) => {
        const a = probes.get(pair.pathA)?.template;
        const b = probes.get(pair.pathB)?.template;
        return { a: pair.pathA, b: pair.pathB, same: pair.same, distance: a && b ? distance(a, b) : null };
      });
      perSystem[system.name] = { description: system.description, defaultThreshold: system.defaultThreshold, evaluation, images: records, pairs };
    } finally {
      await system.close();
    }
  }

  // Detection failures dominate a comparison when one side enrols far fewer images; the pairs that every
  // system could compare isolate alignment and embedding.
  const enrolledByAll = (p: string): boolean => [...probesBySystem.values()].every((probes) => probes.get(p)?.template != null);
  const commonPairs = dataset.pairs.filter((pair) => enrolledByAll(pair.pathA) && enrolledByAll(pair.pathB));
  const common =
    evaluations.length > 1
      ? evaluations.map((e) =>
          evaluateSystem(e.system, dataset.images, commonPairs, probesBySystem.get(e.system)!, distanceBySystem.get(e.system)!, perSystem[e.system].defaultThreshold),
        )
      : [];

  const title = `DET ${path.basename(dataset.root)}`;
  const detPath = path.join(outDir, 'det.png');
  writeFileSync(detPath, renderDetPlot(detSeries(evaluations), { title, fmrTargets: FMR_TARGETS }));
  if (common.length > 0) {
    writeFileSync(path.join(outDir, 'det-common-pairs.png'), renderDetPlot(detSeries(common), { title: `${title} COMMON PAIRS`, fmrTargets: FMR_TARGETS }));
  }
  const table = renderEvaluationTable(evaluations, speed);
  const commonGenuine = commonPairs.filter((p) => p.same).length;
  const commonTable =
    common.length > 0
      ? `On the ${commonGenuine} genuine and ${commonPairs.length - commonGenuine} impostor pairs that every system compared:\n\n` +
        renderEvaluationTable(common, speed, true)
      : '';
  const calibration = evaluations.map(renderCalibration);

  // Operational rates: every system on every pair it compared.
  const labelledPairs = dataset.pairs as readonly LabelledPair[];
  // The shipped threshold's rule, held out: "closest impostor − margin", the margin the shipped value keeps
  // below the closest impostor of all pairs, fitted on the other source sets and applied to each one.
  const heldOutRule = (system: string, threshold: number | null) => {
    const scored = labelledPairs.flatMap((pair, i) => {
      const d = perSystem[system].pairs[i].distance;
      return d === null ? [] : [{ pair, distance: d }];
    });
    const impostors = scored.filter((p) => !p.pair.same).map((p) => p.distance);
    if (threshold === null || impostors.length === 0 || new Set(scored.map((p) => p.pair.sourceSet)).size < 2) return null;
    const margin = Math.min(...impostors) - threshold;
    return { margin, ...leaveOneSetOutMarginRule(scored, margin) };
  };
  const operational = evaluations.map((e) => {
    const compared = labelledPairs.filter((_, i) => perSystem[e.system].pairs[i].distance !== null);
    return {
      system: e.system,
      rates: operationalRates(e.distances),
      identities: distinctIdentities(compared),
      atDefault: e.defaultThreshold === null ? null : ratesAtThreshold(e.distances, e.defaultThreshold),
      defaultThreshold: e.defaultThreshold,
      heldOutRule: heldOutRule(e.system, e.defaultThreshold),
    };
  });
  const operationalTable = [
    '| system | genuine / impostor pairs (distinct identities / identity pairs) | FNMR @ FMR 1e-2 | FNMR @ FMR 1e-3 | FNMR @ FMR 1e-4 | at the shipped threshold (IN-SAMPLE) | its rule held out by source set |',
    '|---|---|---|---|---|---|---|',
    ...operational.map((o) =>
      `| ${o.system} | ${o.rates[0].genuine} / ${o.rates[0].impostors} (${o.identities.genuineIdentities} / ${o.identities.impostorIdentityPairs}) | ${o.rates.map(operationalCell).join(' | ')} | ` +
      `${o.atDefault ? `d <= ${o.defaultThreshold}: FMR ${intervalText(o.atDefault.fmr)}, FNMR ${intervalText(o.atDefault.fnmr)}` : 'no default'} | ` +
      `${o.heldOutRule ? `closest impostor − ${o.heldOutRule.margin.toFixed(4)}: FMR ${intervalText(o.heldOutRule.fmr)}, FNMR ${intervalText(o.heldOutRule.fnmr)}` : '–'} |`),
  ].join('\n');
  const operationalCaveat =
    'Pairs are every pair of images within a source set, so they share identities and images: they are not independent ' +
    'trials, and the Clopper-Pearson intervals (which assume independence) are OPTIMISTIC; the distinct identity counts say ' +
    'how few people stand behind them. The shipped threshold was chosen below every impostor distance of these same pairs, so ' +
    'its column is IN-SAMPLE (its FMR of 0 is by construction); the last column applies the same rule (closest impostor ' +
    'distance minus the margin the shipped value keeps) fitted on the other source sets to each held-out set, pooled.';

  // dlib, MobileFaceNet and their fusion on the pairs both compared, fitted parts held out by source set.
  let comparison: ReturnType<typeof compareEmbedders> | null = null;
  if (withFusion) {
    const scored: ScoredPair[] = dataset.pairs.map((pair, i) => {
      const distances = new Map<string, number>();
      for (const name of FUSED) {
        const d = perSystem[name].pairs[i].distance;
        if (d !== null) distances.set(name, d);
      }
      return { pair: pair as ScoredPair['pair'], distances };
    });
    comparison = compareEmbedders(scored, FUSED[0], FUSED[1]);
  }
  const comparisonTable = comparison
    ? `dlib, MobileFaceNet and their fusion on the ${comparison.pairs} within-set pairs both compared ` +
      `(fusion weights and extrapolated thresholds fitted leaving one source set out):\n\n${renderComparisonTable(comparison.systems)}\n\n` +
      `Fusion fitted on all sets: ${JSON.stringify(comparison.fusionOnAll)}`
    : '';
  const jsonPath = path.join(outDir, 'results.json');
  writeFileSync(
    jsonPath,
    toJson({
      generatedAt: new Date().toISOString(),
      data: dataset.root,
      images: dataset.images.length,
      pairs: { genuine: dataset.pairs.filter((p) => p.same).length, impostor: dataset.pairs.filter((p) => !p.same).length },
      fmrTargets: FMR_TARGETS,
      pairSource: `every pair of identity-labelled images within a source set (${dataset.pairs.length}); pairs.csv samples ${sampledPairs} of them`,
      operational,
      embedderComparison: comparison,
      method:
        'FNMR at FMR: largest observed distance whose empirical FMR <= target, no interpolation; a target below ' +
        '1/impostors is reported as not resolvable with the zero-false-match point. EER: linear interpolation on the DET ' +
        'segment crossing FMR = FNMR. Pairs with a failure to enrol are left out of FNMR/FMR and counted as non-matches ' +
        'in the generalized figures. FMR upper bounds: one-sided 95% Clopper-Pearson. ' + operationalCaveat,
      calibration,
      systems: perSystem,
      commonPairs: common.length > 0 ? { genuine: commonGenuine, impostor: commonPairs.length - commonGenuine, evaluations: common } : null,
    }),
  );
  const markdown = [
    'Operational rates (two-sided 95% Clopper-Pearson intervals, optimistic: see below):',
    operationalTable,
    operationalCaveat,
    comparisonTable,
    table,
    commonTable,
    'Calibrated thresholds:',
    calibration.map((line) => `- ${line}`).join('\n'),
  ].filter(Boolean).join('\n\n');
  writeFileSync(path.join(outDir, 'table.md'), `${markdown}\n`);

  process.stdout.write(`\n${evaluations.map((e) => `- ${e.system}: ${perSystem[e.system].description}`).join('\n')}\n\n${markdown}\n`);
  for (const e of evaluations) {
    const failed = e.enrolment.failedPaths;
    if (failed.length === 0) continue;
    const more = failed.length > 8 ? ` and ${failed.length - 8} more (all in results.json)` : '';
    process.stdout.write(`\n${e.system} failed to enrol: ${failed.slice(0, 8).join(', ')}${more}\n`);
  }
  process.stdout.write(`\nwrote ${jsonPath}, ${detPath}, ${path.join(outDir, 'table.md')}\n`);
}

function detSeries(evaluations: readonly SystemEvaluation[]): DetSeries[] {
  return evaluations.map((e) => ({
    label: e.system,
    color: SERIES_COLOURS[e.system] ?? [90, 90, 90],
    points: e.det,
    marker: { fmr: e.calibrated.expectedFmr, fnmr: e.calibrated.fnmr },
  }));
}

main().catch((error: unknown) => {
  process.stderr.write(`eval:faces failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
