// npm run eval:liveness [-- --bona-fide-per-cell N --attacks-per-species N --seed S --out DIR --data DIR]
// ISO/IEC 30107-3 figures for the depth liveness checks on the generated RGB-D suite (and on real
// frames with --data): APCER per attack species and the worst, BPCER across distance x noise cells,
// with and without IR. Writes report.json, outcomes.json and liveness.png to out/eval-liveness/.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildConfig } from '../src/config/index.js';
import { checkDepthFrameLiveness } from '../src/liveness/index.js';
import { livenessFigures, pct, type LivenessFigures, type LivenessOutcome } from './lib/liveness-metrics.js';
import { planSuite, runSuite, toOutcome } from './lib/liveness-suite.js';
import { renderLivenessPlot } from './lib/liveness-plot.js';
import { loadRealCaptures } from './lib/liveness-real-data.js';

function table(title: string, f: LivenessFigures): string {
  const lines = [`${title}`, '| species | attacks | accepted | APCER | APCER 95% upper |', '|---|---:|---:|---:|---:|'];
  for (const [s, r] of Object.entries(f.apcer)) lines.push(`| ${s} | ${r.total} | ${r.errors} | ${pct(r.rate)} | ${pct(r.upper95)} |`);
  if (f.worstFlatApcer) lines.push(`| **worst 2D species** (${f.worstFlatApcer.species}) | | | ${pct(f.worstFlatApcer.figure.rate)} | ${pct(f.worstFlatApcer.figure.upper95)} |`);
  if (f.worstApcer) lines.push(`| **worst species overall** (${f.worstApcer.species}) | | | ${pct(f.worstApcer.figure.rate)} | ${pct(f.worstApcer.figure.upper95)} |`);
  lines.push('', '| bona fide cell (distance mm / noise x) | captures | rejected | BPCER | BPCER 95% upper |', '|---|---:|---:|---:|---:|');
  for (const [cell, r] of Object.entries(f.bpcerByCell)) lines.push(`| ${cell} | ${r.total} | ${r.errors} | ${pct(r.rate)} | ${pct(r.upper95)} |`);
  lines.push(`| **all bona fide** | ${f.bpcer.total} | ${f.bpcer.errors} | ${pct(f.bpcer.rate)} | ${pct(f.bpcer.upper95)} |`);
  lines.push('', `bona fide with a check not computed: ${f.bonaFideNotComputed.errors}/${f.bonaFideNotComputed.total}; rejections by check: ${JSON.stringify(f.bonaFideFailures)}`);
  return lines.join('\n');
}

// The margins that matter: the attacks that came closest to passing and the bona fide captures that
// came closest to failing (by score), with what decided them and how they were drawn.
function closestCalls(outcomes: readonly LivenessOutcome[]): string {
  const byScore = (a: LivenessOutcome, b: LivenessOutcome) => b.score - a.score;
  const flat = outcomes.filter((o) => o.label !== 'bona-fide' && o.label !== 'mask-rigid-3d').sort(byScore).slice(0, 3);
  const bona = outcomes.filter((o) => o.label === 'bona-fide').sort(byScore).reverse().slice(0, 3);
  const fmt = (o: LivenessOutcome) => `${o.label} score ${o.score.toFixed(3)}, nose ${o.values.noseProminenceMm?.toFixed(1)} mm, `
    + `${o.accepted ? 'ACCEPTED' : `rejected by ${o.failed.join('+')}`} ${JSON.stringify(o.params)}`;
  return ['Closest calls (depth only):', ...flat.map((o) => `  2D attack nearest to passing: ${fmt(o)}`), ...bona.map((o) => `  bona fide nearest to failing: ${fmt(o)}`)].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'bona-fide-per-cell': { type: 'string', default: '70' },
      'attacks-per-species': { type: 'string', default: '150' },
      seed: { type: 'string', default: 'eval-liveness-1' },
      out: { type: 'string', default: 'out/eval-liveness' },
      data: { type: 'string' },
    },
    strict: true,
  });
  const config = buildConfig({}).liveness;
  const outDir = path.resolve(values.out);
  mkdirSync(outDir, { recursive: true });
  const started = performance.now();

  let depthOnly: LivenessOutcome[];
  let withIr: LivenessOutcome[];
  let source: string;
  if (values.data) {
    const captures = loadRealCaptures(path.resolve(values.data), config.capture.maxDepthPixels);
    depthOnly = [];
    withIr = [];
    for (const c of captures) {
      const { ir, ...noIr } = c.frame;
      depthOnly.push(toOutcome(c.label, c.label, await checkDepthFrameLiveness(noIr, c.landmarks, config), { source: c.source }));
      if (ir) withIr.push(toOutcome(c.label, c.label, await checkDepthFrameLiveness(c.frame, c.landmarks, config), { source: c.source }));
    }
    source = `real captures from ${values.data} (${captures.length})`;
  } else {
    const plan = { bonaFidePerCell: Number(values['bona-fide-per-cell']), attacksPerSpecies: Number(values['attacks-per-species']), seed: values.seed };
    const cases = planSuite(plan);
    process.stderr.write(`generating and checking ${cases.length} synthetic captures (seed ${plan.seed})...\n`);
    ({ depthOnly, withIr } = await runSuite(cases, config, (n) => process.stderr.write(`  ${n}/${cases.length}\n`)));
    source = `synthetic suite, seed ${plan.seed}: ${plan.bonaFidePerCell} bona fide per cell, ${plan.attacksPerSpecies} per species`;
  }
  const figuresDepth = livenessFigures(depthOnly);
  const figuresIr = withIr.length ? livenessFigures(withIr) : null;
  const seconds = (performance.now() - started) / 1000;

  console.log(`# Depth liveness evaluation (ISO/IEC 30107-3 figures)\n\nSource: ${source}; ${seconds.toFixed(0)} s.\n`);
  console.log(table('## Depth only (no IR frame)\n', figuresDepth));
  if (figuresIr) console.log(`\n${table('## Depth + IR\n', figuresIr)}`);
  console.log(`\n${closestCalls(depthOnly)}`);
  const goal = figuresDepth.worstFlatApcer && figuresDepth.worstFlatApcer.figure.rate === 0 && figuresDepth.bpcer.rate <= 0.01;
  console.log(`\nGoal (APCER 0% for every 2D species at BPCER <= 1%, depth only): ${goal ? 'met' : 'NOT met'} on this suite.`);
  console.log('The rigid 3D mask passes depth geometry by construction: it needs the active challenge or IR (policy.maskDefence).');

  writeFileSync(path.join(outDir, 'report.json'), `${JSON.stringify({ source, thresholds: config.depth, depthOnly: figuresDepth, withIr: figuresIr }, null, 2)}\n`);
  writeFileSync(path.join(outDir, 'outcomes.json'), `${JSON.stringify({ depthOnly, withIr })}\n`);
  writeFileSync(path.join(outDir, 'liveness.png'), renderLivenessPlot(depthOnly, figuresDepth, figuresIr ?? figuresDepth, {
    minNose: config.depth.minNoseProminenceMm, minCanthi: config.depth.minOuterCanthiMm, maxCanthi: config.depth.maxOuterCanthiMm,
  }));
  console.log(`\nWrote ${path.relative(process.cwd(), outDir)}/report.json, outcomes.json, liveness.png`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
