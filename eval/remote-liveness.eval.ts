// npm run eval:remote-liveness -- --data DIR [--out DIR] [--frame-cache FILE]
// npm run eval:remote-liveness -- --synthetic [--out DIR]   (generates the synthetic suite into a temp dir first)
// ISO/IEC 30107-3 figures for the browser (remote) liveness checks on capture sequences laid out as
// DIR/sequences.csv (sequence,label,species,source,frames): every frame through the real face engine,
// the landmark sequence through the server's checks (frames, motion-parallax, the asked steps where a note
// names them, the injection signals identical-frames and near-identical-frames, passive model), then APCER per attack species and BPCER with n and exact 95% upper bounds, per check and
// combined; the worst species; the closest calls. Writes report.json, outcomes.json and
// remote-liveness.png to out/eval-remote-liveness/. Progress goes to stderr, the tables to stdout.
// The thresholds are the configuration's: this script reports, it never tunes. --frame-cache FILE keeps the
// face engine's per-frame landmarks in FILE (outside the repository), so a second run of the same folder
// (another configuration) runs the checks only.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { FaceEngine } from '../src/biometrics/face-engine.js';
import { buildConfig } from '../src/config/index.js';
import { projectRoot } from '../src/core/project-root.js';
import { openFrameAnalysisCache } from './lib/frame-analysis-cache.js';
import { loadMotionCheck } from './lib/motion-check.js';
import { CHECK_NAMES } from './lib/remote-liveness-checks.js';
import { evaluateSequences } from './lib/remote-liveness-evaluation.js';
import { checkFigures, closestCalls, COMBINED } from './lib/remote-liveness-metrics.js';
import { renderRemoteLivenessPlot } from './lib/remote-liveness-plot.js';
import { checkTable, closestCallsText, motionSummaryText, NOT_COMPUTABLE_NOTE, refusalReasonsText, sourcesText } from './lib/remote-liveness-report.js';
import { loadSequences } from './lib/sequences-csv.js';

const USAGE = 'usage: npm run eval:remote-liveness -- (--data DIR | --synthetic) [--out DIR] [--frame-cache FILE]';
const SYNTH_SCRIPT = 'synth:remote-liveness';

function usage(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

/** Runs the synthetic generator's own command into a fresh temp folder and returns the folder. */
function generateSyntheticSuite(): string {
  const scripts = (JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { scripts?: Record<string, string> }).scripts ?? {};
  if (!scripts[SYNTH_SCRIPT] || !existsSync(path.join(projectRoot, 'eval', 'synth2d'))) {
    usage(`--synthetic: the generator (npm run ${SYNTH_SCRIPT}, eval/synth2d/) is not in this tree; generate a folder with it and pass --data DIR`);
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'remote-liveness-synth-'));
  process.stderr.write(`generating the synthetic suite into ${dir} (npm run ${SYNTH_SCRIPT})...\n`);
  const run = spawnSync('npm', ['run', '--silent', SYNTH_SCRIPT, '--', '--out', dir], { cwd: projectRoot, stdio: ['ignore', 'inherit', 'inherit'] });
  if (run.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`npm run ${SYNTH_SCRIPT} failed (exit ${run.status ?? run.signal})`);
  }
  return dir;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string' },
      synthetic: { type: 'boolean', default: false },
      out: { type: 'string', default: 'out/eval-remote-liveness' },
      'keep-synthetic': { type: 'boolean', default: false },
      'frame-cache': { type: 'string' },
    },
    strict: true,
  });
  if (!values.data === !values.synthetic) usage('give exactly one of --data DIR or --synthetic');
  const dataDir = values.data ? path.resolve(values.data) : generateSyntheticSuite();
  const sequences = loadSequences(dataDir);
  const config = buildConfig({});
  const measure = loadMotionCheck(config);
  const outDir = path.resolve(values.out);
  mkdirSync(outDir, { recursive: true });

  const engine = await FaceEngine.load(config.biometrics);
  const started = performance.now();
  const frameTotal = sequences.reduce((n, s) => n + s.frames.length, 0);
  const cache = values['frame-cache'] ? openFrameAnalysisCache(path.resolve(values['frame-cache'])) : undefined;
  let outcomes;
  try {
    outcomes = await evaluateSequences(engine, sequences, measure.check, (done, s) => {
      process.stderr.write(`  ${done}/${sequences.length} ${s.sequence} (${s.species}, ${s.frameCount} frames): ${s.accepted ? 'ACCEPTED' : `refused by ${s.refusedBy.join('+')}`}\n`);
    }, cache, config.liveness);
  } finally {
    engine.close();
    cache?.save();
    if (values.synthetic && !values['keep-synthetic']) rmSync(dataDir, { recursive: true, force: true });
  }
  const seconds = (performance.now() - started) / 1000;
  const figures = [...CHECK_NAMES, COMBINED].map((name) => checkFigures(outcomes, name));
  const combined = figures.find((f) => f.check === COMBINED)!;
  const calls = closestCalls(outcomes, 'motion-parallax');
  const { identicalFrames, nearIdenticalFrames } = config.liveness.injection;
  const injectionText = `measureInjectionSignals, liveness.injection identicalFrames ${JSON.stringify(identicalFrames)}, nearIdenticalFrames ${JSON.stringify(nearIdenticalFrames)}; `
    + 'frame timing and the camera label cannot be judged from a folder of frames (neither is recorded there)';
  const bona = outcomes.filter((o) => o.label === 'bona-fide').length;
  const source = values.synthetic ? 'synthetic suite (npm run synth:remote-liveness)' : dataDir;
  const sampleNote = outcomes.length < 1000
    ? `${outcomes.length} sequences (${bona} bona fide, ${outcomes.length - bona} attacks): figures from so few samples are indicative only; read the upper bounds.`
    : `${outcomes.length} sequences (${bona} bona fide, ${outcomes.length - bona} attacks).`;

  console.log('# Browser (remote) liveness evaluation (ISO/IEC 30107-3 figures)\n');
  console.log(`Source: ${source}; ${frameTotal} frames; ${seconds.toFixed(0)} s.`);
  console.log(`${sampleNote}`);
  console.log(`Motion check: ${measure.description}. Thresholds are the configuration's, not tuned on this data.`);
  console.log(`Injection signals: ${injectionText}.`);
  console.log(`${NOT_COMPUTABLE_NOTE}\nRates: errors / n; 95% upper: exact one-sided Clopper-Pearson bound.\n`);
  console.log(`${sourcesText(outcomes)}\n\nHow much the heads moved (a motion check can only use the motion the data holds):\n\n${motionSummaryText(outcomes)}\n`);
  for (const f of figures) console.log(`${checkTable(f)}\n`);
  console.log(`${refusalReasonsText(outcomes, 'motion-parallax')}\n`);
  console.log(closestCallsText(calls));

  const report = { source, sequences: outcomes.length, frames: frameTotal, sampleNote, motionCheck: measure.description, settings: measure.settings, injectionSignals: injectionText, figures, closestCalls: calls };
  writeFileSync(path.join(outDir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(path.join(outDir, 'outcomes.json'), `${JSON.stringify(outcomes, null, 1)}\n`);
  const caption = `${outcomes.length} sequences from ${values.synthetic ? 'the synthetic suite' : path.basename(dataDir)}: a few samples, indicative only`;
  writeFileSync(path.join(outDir, 'remote-liveness.png'), renderRemoteLivenessPlot(outcomes, combined, 'motion-parallax', caption, measure.settings.minMotionDeg));
  console.log(`\nWrote ${path.relative(process.cwd(), outDir)}/report.json, outcomes.json, remote-liveness.png`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
