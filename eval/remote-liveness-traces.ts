// node --import tsx eval/remote-liveness-traces.ts --data DIR --landmarks FILE [--variant NAME=JSON ...] [--every N] [--out FILE]
// Diagnoses the tracked-texture motion-parallax measure (src/liveness/texture-parallax.ts) on a data folder
// laid out for eval:remote-liveness: per sequence and per frame, the head pose change from the reference,
// how many ring and nose seeds are still tracked, and the frame's parallax; the sequence's value and outcome.
// The face engine's landmarks are cached in FILE (made on the first run, outside the repository) so that
// several variants of liveness.motion (each a JSON override merged into the defaults and validated like the
// configuration: --variant wide='{"tracking":{"windowPx":31}}') can be compared on the same landmarks.
// For diagnosis and tuning on tuning seeds only: report figures with eval:remote-liveness on other seeds.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { FaceEngine } from '../src/biometrics/face-engine.js';
import { buildConfig } from '../src/config/index.js';
import type { MotionSettings } from '../src/config/sections/liveness.js';
import { validateLandmarks } from '../src/liveness/capture.js';
import { measureTextureParallax, type TrackedFrame } from '../src/liveness/texture-parallax.js';
import { analyseSequenceFrames } from './lib/sequence-frames.js';
import { loadSequences } from './lib/sequences-csv.js';

interface CachedFrame { width: number; height: number; faceCount: number; landmarks: number[] | null }
type Cache = Record<string, CachedFrame[]>;

async function landmarkCache(dataDir: string, file: string, species?: string[]): Promise<Cache> {
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as Cache;
  const config = buildConfig({});
  const engine = await FaceEngine.load(config.biometrics);
  const cache: Cache = {};
  try {
    const sequences = loadSequences(dataDir).filter((s) => !species || species.includes(s.species));
    for (const [k, s] of sequences.entries()) {
      const frames = await analyseSequenceFrames(engine, s.frames, s.framePaths);
      cache[s.sequence] = frames.map((f) => ({ width: f.width, height: f.height, faceCount: f.faceCount, landmarks: f.landmarks ? Array.from(f.landmarks, (v) => Math.round(v * 100) / 100) : null }));
      process.stderr.write(`\rlandmarks ${k + 1}/${sequences.length}   `);
    }
  } finally {
    engine.close();
  }
  writeFileSync(file, JSON.stringify(cache));
  process.stderr.write('\n');
  return cache;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { data: { type: 'string' }, landmarks: { type: 'string' }, variant: { type: 'string', multiple: true, default: [] }, out: { type: 'string' }, species: { type: 'string' }, every: { type: 'string', default: '1' } },
    strict: true,
  });
  if (!values.data || !values.landmarks) throw new Error('--data DIR and --landmarks FILE are required');
  const dataDir = path.resolve(values.data);
  const wanted = values.species?.split(',');
  const cache = await landmarkCache(dataDir, path.resolve(values.landmarks), wanted);
  const variants: [string, MotionSettings][] = [['default', buildConfig({}).liveness.motion]];
  for (const v of values.variant) {
    const eq = v.indexOf('=');
    variants.push([v.slice(0, eq), buildConfig({ liveness: { motion: JSON.parse(v.slice(eq + 1)) } }).liveness.motion]);
  }
  const rows: object[] = [];
  const bySpecies = new Map<string, Map<string, { value: number | null; pass: boolean; motion: number }[]>>();
  for (const s of loadSequences(dataDir)) {
    if (wanted && !wanted.includes(s.species)) continue;
    const cached = cache[s.sequence];
    // --every N keeps every Nth frame: a suite filmed at 10 frames/s read as the page's ~5.
    const every = Number(values.every);
    const keep = cached.flatMap((f, i) => (f.landmarks && i % every === 0 ? [i] : []));
    if (keep.length < 2) continue;
    const views = keep.map((i) => validateLandmarks(Float32Array.from(cached[i].landmarks!), cached[i].width, cached[i].height));
    const bytes = keep.map((i) => readFileSync(s.framePaths[i]));
    for (const [name, settings] of variants) {
      let traced: TrackedFrame[] = [];
      const started = performance.now();
      const r = await measureTextureParallax(bytes, views, settings, undefined, undefined, (frames) => { traced = frames; });
      const ms = Math.round(performance.now() - started);
      rows.push({ sequence: s.sequence, species: s.species, variant: name, value: r.value, outcome: r.outcome, motion: r.motion, reason: r.reason, ms,
        size: `${cached[keep[0]].width}x${cached[keep[0]].height}`, frames: views.length, traced });
      const sp = bySpecies.get(s.species) ?? new Map();
      bySpecies.set(s.species, sp);
      const list = sp.get(name) ?? [];
      sp.set(name, list);
      list.push({ value: r.value, pass: r.outcome === 'pass', motion: r.motion });
      process.stderr.write(`${s.sequence} ${name}: ${r.value} ${r.outcome} motion ${r.motion} (${ms} ms) ${r.outcome === 'pass' ? '' : r.reason}\n`);
    }
  }
  if (values.out) writeFileSync(values.out, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  console.log('| species | variant | n | passed | values (sorted) |\n|---|---|---:|---:|---|');
  for (const [species, sp] of bySpecies) {
    for (const [name, list] of sp) {
      const vals = list.map((x) => x.value ?? -1).sort((a, b) => a - b).map((v) => v.toFixed(3)).join(' ');
      console.log(`| ${species} | ${name} | ${list.length} | ${list.filter((x) => x.pass).length} | ${vals} |`);
    }
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`remote-liveness-traces: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
