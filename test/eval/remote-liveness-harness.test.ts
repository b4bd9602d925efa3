// eval:remote-liveness end to end on a tiny folder built here from the face-api demo photos: the real
// face engine, the server's motion check and injection signals on each sequence, the figures, and the command itself
// (report.json, outcomes.json, the plot; a bad folder is a clear error and exit 1, never a crash).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import type { FaceEngine } from '../../src/biometrics/face-engine.js';
import { buildConfig } from '../../src/config/index.js';
import { projectRoot } from '../../src/core/project-root.js';
import { loadMotionCheck } from '../../eval/lib/motion-check.js';
import { openFrameAnalysisCache } from '../../eval/lib/frame-analysis-cache.js';
import { evaluateSequences, type EvaluatedSequence } from '../../eval/lib/remote-liveness-evaluation.js';
import { checkFigures, COMBINED } from '../../eval/lib/remote-liveness-metrics.js';
import { loadSequences } from '../../eval/lib/sequences-csv.js';
import { loadEngine, missingModels } from '../helpers/face-engine-fixture.js';
import { decodeJpeg, encodeJpeg, noFacePicture } from '../helpers/face-images.js';
import { faceJpeg } from '../helpers/face-photos.js';

const run = promisify(execFile);
const missing = missingModels();
if (missing) t.fail(missing);
else registerTests();

/**
 * One picture with fresh noise per frame (uniform, +-8 levels per channel, seeded), re-encoded: no two frames
 * are alike byte for byte, as an injected still made to look like a camera's is not.
 */
function noisyCopy(picture: Buffer, seed: number): Buffer {
  const img = decodeJpeg(picture);
  let s = seed;
  const next = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) % 17) - 8;
  const data = img.data.map((v, i) => (i % 4 === 3 ? v : Math.max(0, Math.min(255, v + next()))));
  return encodeJpeg({ ...img, data });
}

/**
 * Five sequences that each exercise one refusal: a still, a photo slid across the frame, a looped pair of
 * frames, a still picture with fresh noise per frame, a frame without a face.
 */
function buildFixture(dir: string): void {
  const portrait = faceJpeg('personA', { zoom: 1.6, dy: 40 });
  const frames: Record<string, Buffer> = {
    'noisy-0.jpg': noisyCopy(portrait, 1),
    'noisy-1.jpg': noisyCopy(portrait, 2),
    'noisy-2.jpg': noisyCopy(portrait, 3),
    'still.jpg': faceJpeg('personB', { zoom: 1.6, dy: 40 }),
    'slide-0.jpg': portrait,
    'slide-1.jpg': faceJpeg('personA', { zoom: 1.6, dy: 40, dx: 20 }),
    'slide-2.jpg': faceJpeg('personA', { zoom: 1.6, dy: 40, dx: 40 }),
    'empty.jpg': encodeJpeg(noFacePicture(400, 400)),
  };
  for (const [name, bytes] of Object.entries(frames)) writeFileSync(path.join(dir, name), bytes);
  writeFileSync(path.join(dir, 'sequences.csv'), [
    'sequence,label,species,source,frames,note',
    'selfie-still,bona-fide,bona-fide,test,still.jpg,"one frame, no motion"',
    'print-slid,attack,print-moved,test,slide-0.jpg;slide-1.jpg;slide-2.jpg,',
    'looped,attack,replay-loop,test,slide-0.jpg;slide-1.jpg;slide-0.jpg;slide-1.jpg,',
    'noisy-still,attack,still-with-noise,test,noisy-0.jpg;noisy-1.jpg;noisy-2.jpg,',
    'lost-face,bona-fide,bona-fide,test,slide-0.jpg;empty.jpg;slide-2.jpg,',
  ].join('\n'));
}

function registerTests(): void {
  let engine: FaceEngine;
  let dir: string;
  t.before(async () => {
    engine = await loadEngine();
    dir = mkdtempSync(path.join(os.tmpdir(), 'remote-liveness-fixture-'));
    buildFixture(dir);
  });
  t.teardown(() => {
    engine?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  t.test('each sequence through the engine and the checks', async (t) => {
    const measure = loadMotionCheck(buildConfig({}));
    const outcomes = await evaluateSequences(engine, loadSequences(dir), measure.check);
    const by = (name: string): EvaluatedSequence => outcomes.find((o) => o.sequence === name)!;
    const check = (name: string, c: string) => by(name).checks.find((x) => x.name === c)!;
    t.equal(outcomes.length, 5);

    t.same(by('selfie-still').refusedBy, ['motion-parallax'], 'a still is refused by the motion check only');
    t.equal(check('selfie-still', 'motion-parallax').outcome, 'not-computed');
    t.equal(by('selfie-still').frames[0].faceCount, 1, 'the still shows one face');

    const slid = by('print-slid');
    t.notOk(slid.accepted, 'a photo slid across the frame is refused');
    t.ok(slid.frames.every((f) => f.faceCount === 1 && f.width === 400 && /^[0-9a-f]{64}$/.test(f.sha256)), 'every frame analysed');
    t.equal(check('print-slid', 'frames').outcome, 'pass');
    t.equal(check('print-slid', 'identical-frames').outcome, 'pass');
    const changed = check('print-slid', 'near-identical-frames');
    t.equal(changed.outcome, 'pass', `the slid photo's picture changes (${changed.value} grey levels)`);
    const motion = check('print-slid', 'motion-parallax');
    t.not(motion.outcome, 'pass', `a flat photo moved in the image plane is no 3D head (${motion.outcome}: ${motion.reason})`);
    t.ok(motion.refuses);
    t.equal(typeof motion.threshold, 'number', 'the configured threshold is reported');

    // The server's measure: one repeat is a camera stall and allowed; the looped pair repeats twice.
    t.match(check('looped', 'identical-frames'), { outcome: 'fail', refuses: true, value: 2, threshold: 1, reason: /byte for byte \(frame 2, 3\)/ });
    t.ok(by('looped').refusedBy.includes('identical-frames'), 'a looped picture is refused');

    const noisy = check('noisy-still', 'near-identical-frames');
    t.match(check('noisy-still', 'identical-frames'), { outcome: 'pass', value: 0 }, 'fresh noise per frame: no two frames alike byte for byte');
    t.match(noisy, { outcome: 'fail', refuses: true, threshold: 1.5, reason: /a still picture/ });
    t.ok(noisy.value! < 1.5, `the picture never changed beyond the noise (${noisy.value} grey levels)`);
    t.ok(by('noisy-still').refusedBy.includes('near-identical-frames'), 'a still picture with noise added is refused by near-identical-frames');
    t.equal(check('selfie-still', 'near-identical-frames').outcome, 'not-computed', 'a still has no second frame');

    t.match(check('lost-face', 'frames'), { outcome: 'fail', reason: /^frame 1 \(empty\.jpg\): no face/ });
    t.equal(by('lost-face').frames[1].faceCount, 0);
    t.equal(check('lost-face', 'motion-parallax').detail?.framesUsed, 2, 'motion still measured on the two frames with a face');

    const combined = checkFigures(outcomes, COMBINED);
    t.match(combined.bpcer, { errors: 2, total: 2 });
    t.ok(combined.bpcer.notComputed >= 1, 'the still counts as refused for a check not computable');
    t.match(combined.apcer['print-moved'], { errors: 0, total: 1 });
    t.match(combined.apcer['replay-loop'], { errors: 0, total: 1 });
    t.match(combined.apcer['still-with-noise'], { errors: 0, total: 1 });
  });

  t.test('--frame-cache: a second run reuses the landmarks, a changed frame is analysed again', async (t) => {
    const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'remote-liveness-cache-'));
    t.teardown(() => rmSync(cacheDir, { recursive: true, force: true }));
    const file = path.join(cacheDir, 'frames.json');
    const measure = loadMotionCheck(buildConfig({})).check;
    const sequences = loadSequences(dir);
    const first = openFrameAnalysisCache(file);
    const fresh = await evaluateSequences(engine, sequences, measure, undefined, first);
    first.save();
    t.ok(existsSync(file), 'the cache is written');
    // An engine that must not be asked: every frame is in the cache.
    const refusing = { analyze: () => { throw new Error('the engine was asked'); } } as unknown as FaceEngine;
    const again = await evaluateSequences(refusing, sequences, measure, undefined, openFrameAnalysisCache(file));
    t.same(again.map((o) => [o.sequence, o.accepted, o.refusedBy]), fresh.map((o) => [o.sequence, o.accepted, o.refusedBy]), 'the same outcomes from the cache');
    // The cache is checked against each frame's bytes: a stored analysis of other bytes is not used.
    const stored = JSON.parse(readFileSync(file, 'utf8')) as Record<string, { sha256: string }[]>;
    stored['selfie-still'][0].sha256 = '0'.repeat(64);
    writeFileSync(file, JSON.stringify(stored));
    const [redone] = await evaluateSequences(refusing, sequences.filter((s) => s.sequence === 'selfie-still'), measure, undefined, openFrameAnalysisCache(file));
    t.equal(redone.frames[0].faceCount, 0, 'a frame whose bytes changed goes back to the engine (which fails here)');
    t.ok(redone.frames[0].problem, `the engine's failure is that frame's problem: ${redone.frames[0].problem}`);
  });

  t.test('the command writes the report, the outcomes and the plot', async (t) => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'remote-liveness-out-'));
    t.teardown(() => rmSync(out, { recursive: true, force: true }));
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'eval/remote-liveness.eval.ts', '--data', dir, '--out', out], { cwd: projectRoot });
    t.match(stdout, /### Combined decision/);
    t.match(stdout, /\| BPCER bona fide \| 2 \| 2 refused \|/);
    t.match(stdout, /5 sequences \(2 bona fide, 3 attacks\): figures from so few samples are indicative only/);
    t.match(stdout, /### Injection signal: a picture that never changes \(near-identical-frames/);
    t.match(stdout, /frame timing and the camera label cannot be judged from a folder of frames/);
    const report = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8'));
    t.equal(report.sequences, 5);
    t.same(report.figures.map((f: { check: string }) => f.check), ['frames', 'motion-parallax', 'challenge-steps', 'identical-frames', 'near-identical-frames', 'passive-pad', 'combined']);
    const outcomes = JSON.parse(readFileSync(path.join(out, 'outcomes.json'), 'utf8'));
    t.equal(outcomes.length, 5);
    t.notOk('landmarks' in outcomes[0].frames[0], 'landmarks are not written out');
    const png = readFileSync(path.join(out, 'remote-liveness.png'));
    t.same([...png.subarray(1, 4)], [...Buffer.from('PNG')], 'a PNG');
  });

  t.test('a bad folder is a clear error and exit 1; bad arguments exit 2', async (t) => {
    const bad = mkdtempSync(path.join(os.tmpdir(), 'remote-liveness-bad-'));
    const out = path.join(bad, 'out');
    t.teardown(() => rmSync(bad, { recursive: true, force: true }));
    writeFileSync(path.join(bad, 'sequences.csv'), 'sequence,label,species,source,frames\ns,attack,print,x,gone.jpg\n');
    const failure = await run(process.execPath, ['--import', 'tsx', 'eval/remote-liveness.eval.ts', '--data', bad, '--out', out], { cwd: projectRoot }).then(() => null, (e) => e);
    t.equal(failure?.code, 1);
    t.match(failure?.stderr, /sequences\.csv: line 2: sequence "s": frame "gone\.jpg" is missing/);
    t.notOk(existsSync(out), 'nothing written');
    const usage = await run(process.execPath, ['--import', 'tsx', 'eval/remote-liveness.eval.ts'], { cwd: projectRoot }).then(() => null, (e) => e);
    t.equal(usage?.code, 2);
    t.match(usage?.stderr, /give exactly one of --data DIR or --synthetic/);
  });
}
