// The 2D synthetic webcam suite: the same seed rebuilds the same frames; the writer lays a suite out as
// the liveness-dev folder is (sequences.csv contract); fake-camera clips are back-to-back JPEGs.
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { analyzeFace } from '../../src/biometrics/analyze-face.js';
import { fakeCameraClip, FAKE_CAMERA_FPS } from '../../eval/synth2d/fake-camera-clip.js';
import { PORTRAIT_SUBJECTS, loadPortrait, type Portrait } from '../../eval/synth2d/portrait-subjects.js';
import { HEAD_STEPS, randomSteps } from '../../eval/synth2d/head-motion.js';
import { renderSequence } from '../../eval/synth2d/render-sequence.js';
import { SeededRandom } from '../../src/liveness/random-source.js';
import { SYNTH_2D_SPECIES } from '../../eval/synth2d/species-2d.js';
import { SEQUENCES_HEADER, writeSuite } from '../../eval/synth2d/suite-writer.js';
import { loadEngine, missingModels } from '../helpers/face-engine-fixture.js';

const missing = missingModels();
if (missing) t.fail(missing);
else registerTests();

function registerTests(): void {
  let portraits: Portrait[] = [];
  t.before(async () => {
    const engine = await loadEngine();
    try {
      const finder = { analyzeFace: (image: Buffer) => analyzeFace(engine, image, { embedding: false }) };
      for (const subject of PORTRAIT_SUBJECTS.slice(0, 2)) portraits.push(await loadPortrait(finder, subject));
    } finally {
      engine.close();
    }
  });

  t.test('drawn steps come from the kinds given, and changing the kinds changes only the steps', async (t) => {
    const motionOnly = ['turn-left', 'turn-right', 'look-up'] as const;
    const drawn = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const rng = new SeededRandom(`kinds-${i}`);
      const steps = randomSteps(rng, motionOnly, 2);
      t.equal(new Set(steps).size, 2, 'two different steps');
      for (const s of steps) drawn.add(s);
      const all = new SeededRandom(`kinds-${i}`);
      randomSteps(all, HEAD_STEPS, 2);
      t.equal(rng.uniform(0, 1), all.uniform(0, 1), 'the draws after the steps are the same whatever the pool');
    }
    t.same([...drawn].sort(), [...motionOnly].sort(), 'every kind given, and only those');
    const a = renderSequence({ species: 'bona-fide', portrait: portraits[0], seed: 'kinds-seq', fps: 2, resolution: [320, 240], kinds: ['blink', 'look-up'] });
    const b = renderSequence({ species: 'bona-fide', portrait: portraits[0], seed: 'kinds-seq', fps: 2, resolution: [320, 240], kinds: ['turn-left', 'turn-right'] });
    t.ok(a.steps.every((s) => s === 'blink' || s === 'look-up') && b.steps.every((s) => s.startsWith('turn-')), `${a.steps} / ${b.steps}`);
    t.same(a.webcam, b.webcam, 'same webcam');
    t.equal(a.frames.length, b.frames.length, 'same duration');
  });

  t.test('the same seed gives the same frames; another seed does not', async (t) => {
    const render = (seed: string) => renderSequence({ species: 'print-bent', portrait: portraits[0], seed, fps: 2, resolution: [320, 240] });
    const a = render('det-1');
    const b = render('det-1');
    const c = render('det-2');
    t.equal(a.frames.length, b.frames.length);
    t.ok(a.frames.every((f, i) => f.equals(b.frames[i])), 'byte-identical frames for the same seed');
    t.same(a.scene, b.scene, 'same scene parameters');
    t.notOk(a.frames[0].equals(c.frames[0]), 'another seed renders another frame');
  });

  t.test('the suite is laid out as sequences.csv says', async (t) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'proofgate-synth2d-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    const rows = writeSuite(dir, portraits, { seed: 'layout', perSpecies: 1, fps: 2, resolution: [320, 240] });
    const lines = readFileSync(path.join(dir, 'sequences.csv'), 'utf8').trimEnd().split('\n');
    t.equal(lines[0], SEQUENCES_HEADER);
    t.equal(lines[0], 'sequence,label,species,source,frames,note', 'the liveness-dev header');
    t.equal(lines.length - 1, SYNTH_2D_SPECIES.length, 'one row per species');
    t.same(rows.map((r) => r.species), [...SYNTH_2D_SPECIES]);
    const names = new Set<string>();
    for (const line of lines.slice(1)) {
      const [sequence, label, species, source, frames, note, ...extra] = line.split(',');
      t.equal(extra.length, 0, `${sequence}: six fields`);
      t.notOk(names.has(sequence), 'sequence names are unique');
      names.add(sequence);
      t.equal(label, species === 'bona-fide' ? 'bona-fide' : 'attack', `${sequence}: label follows species`);
      t.ok((SYNTH_2D_SPECIES as readonly string[]).includes(species), `${species} is a known species`);
      t.equal(source, 'synth2d');
      t.match(note, /steps=[a-z-]+\+[a-z-]+ fps=2 size=\d+x\d+/, 'the note gives the steps and the frame rate');
      const paths = frames.split(';');
      t.ok(paths.length >= 6, `${sequence}: a sequence of frames (${paths.length})`);
      const bad = paths.filter((p) => path.isAbsolute(p) || p.includes('\\') || p.includes('..') || !p.startsWith(`${species}/${sequence}/`));
      t.same(bad, [], `${sequence}: frame paths are relative POSIX paths under ${species}/${sequence}/`);
      const notJpeg = paths.filter((p) => {
        const bytes = readFileSync(path.join(dir, p));
        return !(bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff);
      });
      t.same(notJpeg, [], `${sequence}: every frame is a JPEG`);
    }
    t.ok(existsSync(path.join(dir, 'synth-params.json')) && existsSync(path.join(dir, 'README.md')), 'parameters and README written');
  });

  t.test('a fake-camera clip is JPEG frames back to back at 30 fps', async (t) => {
    const clip = fakeCameraClip({ species: 'print-moved', portrait: portraits[1], steps: ['turn-right'], resolution: [320, 240], leadInMs: 200, stepMs: 600, tailMs: 200 });
    let starts = 0;
    for (let i = 0; i + 2 < clip.length; i++) if (clip[i] === 0xff && clip[i + 1] === 0xd8 && clip[i + 2] === 0xff) starts++;
    t.equal(starts, Math.round((1000 * FAKE_CAMERA_FPS) / 1000), 'one JPEG per 1/30 s of the 1 s clip');
    t.ok(clip[0] === 0xff && clip[1] === 0xd8 && clip.at(-2) === 0xff && clip.at(-1) === 0xd9, 'starts and ends on JPEG markers');
  });
}
