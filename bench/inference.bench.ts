// Inference engines per model: `npm run bench:inference [-- --runs N] [-- --threads T] [-- --pipeline-rounds R]`.
// Each face model (BlazeFace, FaceMesh, dlib ResNet embedder) is loaded once on OpenCV dnn (the
// addon's dnnNet*, the same backend and fusion the face engine uses) and once on ONNX Runtime
// (onnxruntime-node, CPU), both with T threads, and run on the same fixed input, the two engines taking
// turns call by call so a change in machine load hits both alike. Prints p50/p99 per model per engine,
// the ratio, and the largest difference between their outputs; then analyzeFace() on the bench's
// photos and face crops with every model on OpenCV, with the embedder on ONNX Runtime, and with 'auto'
// (biometrics.inference: detector and embedder on ONNX Runtime). A benchmark, not a test:
// nothing fails on a time. src/biometrics/inference-choice.ts records the decision these numbers make.
import { cpus } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { median, percentile } from '../eval/lib/latency-stats.js';
import { analyzeFace } from '../src/biometrics/analyze-face.js';
import { FaceEngine } from '../src/biometrics/face-engine.js';
import { readModelManifest } from '../src/biometrics/model-manifest.js';
import type { ModelRunner } from '../src/biometrics/model-runner.js';
import { nativeFace } from '../src/biometrics/native-face.js';
import { openOnnxRuntimeRunner } from '../src/biometrics/onnxruntime-runner.js';
import { openOpenCvRunner } from '../src/biometrics/opencv-runner.js';
import { buildConfig } from '../src/config/index.js';
import { projectRoot } from '../src/core/project-root.js';
import { loadBenchImages } from './lib/bench-images.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '200' },
    threads: { type: 'string', default: '2' },
    'pipeline-rounds': { type: 'string', default: '5' },
  },
  strict: true,
});
const runs = Number(values.runs);
const threads = Number(values.threads);
const pipelineRounds = Number(values['pipeline-rounds']);
for (const [name, v, min] of [['--runs', runs, 10], ['--threads', threads, 1], ['--pipeline-rounds', pipelineRounds, 0]] as const) {
  if (!Number.isInteger(v) || v < min) throw new Error(`${name} must be an integer >= ${min} (got ${v})`);
}
const WARM_UP = 10;

interface ModelCase {
  label: string;
  path: string;
  shape: number[];
  outputs: string[];
  /** OpenCV layer fusion as the face engine builds this net (face_engine.cc: the embedder unfused). */
  fuse: boolean;
}

/** Deterministic values in [-1, 1], the range the models' input normalisations produce. */
function fixedInput(shape: readonly number[]): Float32Array {
  const x = new Float32Array(shape.reduce((a, b) => a * b, 1));
  let s = 20261206;
  for (let i = 0; i < x.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    x[i] = (s / 2 ** 32) * 2 - 1;
  }
  return x;
}

async function timed(runner: ModelRunner, c: ModelCase, input: Float32Array): Promise<[number, Float32Array[]]> {
  const start = performance.now();
  const out = await runner.run(input, c.shape, c.outputs);
  return [performance.now() - start, out];
}

function maxAbsDiff(a: Float32Array[], b: Float32Array[]): { abs: number; relative: number } {
  let abs = 0;
  let scale = 0;
  a.forEach((outA, k) => {
    for (let i = 0; i < outA.length; i++) {
      abs = Math.max(abs, Math.abs(outA[i] - b[k][i]));
      scale = Math.max(scale, Math.abs(outA[i]));
    }
  });
  return { abs, relative: abs / Math.max(scale, 1e-12) };
}

const ms = (v: number) => v.toFixed(2);

async function benchModel(c: ModelCase): Promise<string> {
  const opencv = await openOpenCvRunner({ path: c.path, threads, fuse: c.fuse });
  const ort = await openOnnxRuntimeRunner({ path: c.path, threads, fuse: c.fuse });
  try {
    const input = fixedInput(c.shape);
    const times = { opencv: [] as number[], ort: [] as number[] };
    let outputs: { opencv: Float32Array[]; ort: Float32Array[] } | undefined;
    for (let i = 0; i < WARM_UP + runs; i++) {
      // Alternate which engine goes first, so neither always runs on caches the other warmed.
      const order = i % 2 === 0 ? (['opencv', 'ort'] as const) : (['ort', 'opencv'] as const);
      const pair: Partial<Record<'opencv' | 'ort', Float32Array[]>> = {};
      for (const side of order) {
        const [t, out] = await timed(side === 'opencv' ? opencv : ort, c, input);
        if (i >= WARM_UP) times[side].push(t);
        pair[side] = out;
      }
      outputs ??= { opencv: pair.opencv!, ort: pair.ort! };
    }
    const diff = maxAbsDiff(outputs!.opencv, outputs!.ort);
    const [a, b] = [median(times.opencv), median(times.ort)];
    return `| ${c.label} | ${ms(a)} | ${ms(percentile(times.opencv, 99))} | ${ms(b)} | ${ms(percentile(times.ort, 99))} | ${(a / b).toFixed(2)} | ${a <= b ? 'OpenCV' : 'ONNX Runtime'} | ${diff.abs.toExponential(1)} (${diff.relative.toExponential(1)} rel.) |`;
  } finally {
    await Promise.all([opencv.close(), ort.close()]);
  }
}

const PIPELINE_SETTINGS = [
  ['all on OpenCV', { detector: 'opencv', embedder: 'opencv' }],
  ['embedder on ONNX Runtime', { detector: 'opencv', embedder: 'onnxruntime' }],
  ["'auto' (detector and embedder on ONNX Runtime)", { detector: 'auto', embedder: 'auto' }],
] as const;

async function benchPipeline(): Promise<string[]> {
  const images = loadBenchImages();
  const engines = await Promise.all(PIPELINE_SETTINGS.map(([, inference]) => FaceEngine.load(buildConfig({ biometrics: { threads, pipelines: 1, inference } }).biometrics)));
  const samples = PIPELINE_SETTINGS.map(() => ({ detect: [] as number[], embed: [] as number[], total: [] as number[] }));
  try {
    for (let round = 0; round < 1 + pipelineRounds; round++) {
      for (const image of images) {
        // The settings take turns image by image, so a change in machine load hits all alike.
        for (const [k, engine] of engines.entries()) {
          const a = await analyzeFace(engine, image.bytes);
          if (round === 0) continue; // warm-up
          samples[k].detect.push(a.timings.detect);
          samples[k].embed.push(a.timings.embed);
          samples[k].total.push(a.timings.total);
        }
      }
    }
  } finally {
    await Promise.all(engines.map((e) => e.close()));
  }
  const cell = (v: number[]) => `${ms(median(v))} / ${ms(percentile(v, 99))}`;
  return PIPELINE_SETTINGS.map(([label], k) => `| ${label} | ${cell(samples[k].detect)} | ${cell(samples[k].embed)} | ${cell(samples[k].total)} | ${samples[k].total.length} |`);
}

async function main(): Promise<void> {
  // OpenCV's thread count is process-wide; ONNX Runtime takes it per session (intraOpNumThreads).
  nativeFace().setThreadCount(threads);
  const manifest = readModelManifest(path.join(projectRoot, 'models', 'manifest.json'));
  const dlib = manifest.embedders['dlib-resnet'];
  if (!dlib) throw new Error('the model manifest lacks the dlib embedder: run "npm run build:models"');
  const inputShape = (i: { width: number; height: number }) => [1, 3, i.height, i.width];
  const cases: ModelCase[] = [
    { label: 'BlazeFace (detector)', path: manifest.detector.path, shape: inputShape(manifest.detector.input), outputs: [...manifest.detector.scoreOutputs, ...manifest.detector.regressorOutputs], fuse: true },
    { label: 'FaceMesh (landmarker)', path: manifest.landmarker.path, shape: inputShape(manifest.landmarker.input), outputs: [manifest.landmarker.meshOutput, manifest.landmarker.scoreOutput], fuse: true },
    { label: 'dlib ResNet (embedder)', path: dlib.slot.path, shape: inputShape(dlib.slot.input), outputs: [dlib.slot.output], fuse: false },
  ];
  process.stdout.write(
    `Host: ${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.versions.node}, ${threads} thread(s) per engine. ` +
      `${runs} calls per model per engine after ${WARM_UP} warm-up calls, engines alternating call by call; ` +
      `p99 is nearest-rank. Times include the hop to the engine's thread and back (libuv pool for OpenCV, ORT's own for ONNX Runtime).\n\n`,
  );
  process.stdout.write('| model | OpenCV p50 (ms) | OpenCV p99 | ONNX Runtime p50 | ONNX Runtime p99 | p50 ratio (OpenCV / ORT) | faster | max abs output difference |\n');
  process.stdout.write('|---|---|---|---|---|---|---|---|\n');
  for (const c of cases) process.stdout.write(`${await benchModel(c)}\n`);
  if (pipelineRounds > 0) {
    process.stdout.write(`\nanalyzeFace() on the bench's 6 photos and 6 face crops, 1 pipeline, ${pipelineRounds} rounds after a warm-up round (detect includes the padded second pass where one ran):\n\n`);
    process.stdout.write('| biometrics.inference | detect p50 / p99 (ms) | embed p50 / p99 | analysis p50 / p99 | samples |\n|---|---|---|---|---|\n');
    for (const line of await benchPipeline()) process.stdout.write(`${line}\n`);
  }
}

await main();
