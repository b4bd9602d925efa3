// npm run synth:remote-liveness -- --out DIR [--seed S] [--per-species N] [--fps F] [--species a,b]
// Writes the synthetic webcam suite (see suite-writer.ts) for `eval:remote-liveness --data DIR`.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { analyzeFace } from '../../src/biometrics/analyze-face.js';
import { FaceEngine } from '../../src/biometrics/face-engine.js';
import { buildConfig } from '../../src/config/index.js';
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
  const engine = await FaceEngine.load(buildConfig({}).biometrics);
  try {
    const finder = { analyzeFace: (image: Buffer) => analyzeFace(engine, image, { embedding: false }) };
    const portraits = [];
    for (const subject of PORTRAIT_SUBJECTS) portraits.push(await loadPortrait(finder, subject));
    const started = performance.now();
    let done = 0;
    const total = species.length * perSpecies;
    writeSuite(out, portraits, { seed: values.seed, perSpecies, species, fps }, (row) => {
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
