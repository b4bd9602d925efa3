// npm run synth:remote-liveness -- --out DIR [--seed S] [--per-species N] [--fps F] [--species a,b] [--kinds a,b]
// Writes the synthetic webcam suite (see suite-writer.ts) for `eval:remote-liveness --data DIR`. Each
// sequence performs a challenge drawn as the server draws it: liveness.challenge.steps distinct steps from
// liveness.challenge.kinds (the default configuration's), or from --kinds.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { analyzeFace } from '../../src/biometrics/analyze-face.js';
import { FaceEngine } from '../../src/biometrics/face-engine.js';
import { buildConfig } from '../../src/config/index.js';
import { HEAD_STEPS, type HeadStep } from './head-motion.js';
import { PORTRAIT_SUBJECTS, loadPortrait } from './portrait-subjects.js';
import { isSynth2dSpecies, SYNTH_2D_SPECIES, type Synth2dSpecies } from './species-2d.js';
import { writeSuite } from './suite-writer.js';

function positiveInt(value: string, name: string, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new Error(`--${name} must be an integer 1..${max}, got ${value}`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      seed: { type: 'string', default: 'synth2d-1' },
      'per-species': { type: 'string', default: '10' },
      fps: { type: 'string', default: '10' },
      species: { type: 'string' },
      kinds: { type: 'string' },
    },
    strict: true,
  });
  if (!values.out) throw new Error('--out DIR is required');
  const species = (values.species?.split(',') ?? [...SYNTH_2D_SPECIES]).map((s) => {
    if (!isSynth2dSpecies(s)) throw new Error(`--species: unknown species ${s} (known: ${SYNTH_2D_SPECIES.join(', ')})`);
    return s as Synth2dSpecies;
  });
  const perSpecies = positiveInt(values['per-species'], 'per-species', 10_000);
  const fps = positiveInt(values.fps, 'fps', 30);
  const out = path.resolve(values.out);
  const config = buildConfig({});
  const challenge = config.liveness.challenge;
  const kinds = (values.kinds?.split(',') ?? challenge.kinds).map((k) => {
    if (!(HEAD_STEPS as readonly string[]).includes(k)) throw new Error(`--kinds: unknown step ${k} (known: ${HEAD_STEPS.join(', ')})`);
    return k as HeadStep;
  });
  if (new Set(kinds).size < challenge.steps) throw new Error(`--kinds: at least ${challenge.steps} different steps (liveness.challenge.steps)`);
  const engine = await FaceEngine.load(config.biometrics);
  try {
    const finder = { analyzeFace: (image: Buffer) => analyzeFace(engine, image, { embedding: false }) };
    const portraits = [];
    for (const subject of PORTRAIT_SUBJECTS) portraits.push(await loadPortrait(finder, subject));
    const started = performance.now();
    let done = 0;
    const total = species.length * perSpecies;
    process.stderr.write(`challenge: ${challenge.steps} steps from ${kinds.join(', ')}\n`);
    writeSuite(out, portraits, { seed: values.seed, perSpecies, species, fps, kinds, stepCount: challenge.steps }, (row) => {
      done++;
      process.stderr.write(`\r${done}/${total} ${row.sequence}            `);
    });
    process.stderr.write(`\nwrote ${total} sequences to ${out} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  } finally {
    engine.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`synth:remote-liveness: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
