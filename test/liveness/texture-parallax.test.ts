// The motion-parallax measure on the tracked texture, on sequences rendered by the synthetic 2D
// generator (eval/synth2d) and analysed by the real face engine, as the server measures a challenge: a
// live head turning passes; a print bent into a cylinder and a 2D warp faking the turn (whose landmarks
// the network still places like a head's) fail. Seeds here are fixed and are not the evaluation's.
import t from 'tap';
import { analyzeFace } from '../../src/biometrics/analyze-face.js';
import type { FaceEngine } from '../../src/biometrics/face-engine.js';
import { buildConfig } from '../../src/config/index.js';
import { validateLandmarks } from '../../src/liveness/capture.js';
import { measureTextureParallax, seedGrid, evenSubsample, trackingWindowPx } from '../../src/liveness/texture-parallax.js';
import { PORTRAIT_SUBJECTS, loadPortrait, type Portrait } from '../../eval/synth2d/portrait-subjects.js';
import { renderSequence } from '../../eval/synth2d/render-sequence.js';
import type { Synth2dSpecies } from '../../eval/synth2d/species-2d.js';
import { loadEngine, missingModels } from '../helpers/face-engine-fixture.js';

const motion = buildConfig({}).liveness.motion;

t.test('seed grids and the frame subsample', async (t) => {
  const view = { points: Float32Array.from({ length: 468 * 2 }, (_, i) => (i % 2 ? 200 : 100)), stride: 2 as const };
  t.same(seedGrid(view, [0], 3, 2), [
    { x: 98, y: 198 }, { x: 100, y: 198 }, { x: 102, y: 198 },
    { x: 98, y: 200 }, { x: 100, y: 200 }, { x: 102, y: 200 },
    { x: 98, y: 202 }, { x: 100, y: 202 }, { x: 102, y: 202 },
  ]);
  t.same(evenSubsample(4, 10), [0, 1, 2, 3]);
  t.same(evenSubsample(10, 4), [0, 3, 6, 9]);
});

t.test('the tracking window follows the face: windowFraction of the eye-corner distance, odd, within windowPx..61', async (t) => {
  const s = { ...motion.tracking, windowPx: 9, windowFraction: 0.2 };
  t.equal(trackingWindowPx(s, 30), 9, 'a tiny face gets the smallest window');
  t.equal(trackingWindowPx(s, 100), 21);
  t.equal(trackingWindowPx(s, 112), 23, 'an even size is made odd');
  t.equal(trackingWindowPx(s, 1000), 61, 'capped at the configuration bound');
  t.equal(trackingWindowPx({ ...s, windowFraction: 0, windowPx: 21 }, 500), 21, 'windowFraction 0: the fixed window');
});

t.test('a sequence whose frames and landmarks disagree in number is an internal error', async (t) => {
  await t.rejects(measureTextureParallax([Buffer.alloc(1)], [], motion), { code: 'ERR_INTERNAL' });
});

const missing = missingModels();
if (missing) t.fail(missing);
else registerRenderedTests();

function registerRenderedTests(): void {
  let engine: FaceEngine;
  let portrait: Portrait;
  t.before(async () => {
    engine = await loadEngine();
    portrait = await loadPortrait({ analyzeFace: (image: Buffer) => analyzeFace(engine, image, { embedding: false }) }, PORTRAIT_SUBJECTS[1]);
  });
  t.teardown(() => engine.close());

  async function measure(species: Synth2dSpecies, seed: string) {
    const seq = renderSequence({ species, portrait, seed, steps: ['turn-left', 'turn-right'], fps: 6, resolution: [640, 480] });
    const views = [];
    for (const frame of seq.frames) {
      const a = await analyzeFace(engine, frame, { embedding: false });
      if (!a.face) throw new Error(`${species}: a frame without a face`);
      views.push(validateLandmarks(a.face.landmarks468, a.image.width, a.image.height));
    }
    return measureTextureParallax(seq.frames, views, motion);
  }

  t.test('a live head turning passes on its tracked texture', async (t) => {
    const r = await measure('bona-fide', 'texture-test-live');
    t.equal(r.method, 'texture');
    t.equal(r.outcome, 'pass', `tracked parallax ${r.value} (landmarks ${r.landmarkValue}), motion ${r.motion} deg: ${r.reason}`);
    t.ok(r.perFrame.length > 3, 'measured on several frames');
  });

  for (const species of ['print-bent', 'warp-2d'] as const) {
    t.test(`${species}: its texture moves by one homography, it fails`, async (t) => {
      const r = await measure(species, `texture-test-${species}`);
      t.equal(r.outcome, 'fail', `tracked parallax ${r.value} (landmarks ${r.landmarkValue}), motion ${r.motion} deg`);
      t.ok(r.value === null || r.value < r.threshold || r.motion < motion.minMotionDeg, r.reason ?? '');
    });
  }
}

t.test('liveness.motion.tracking is validated, each error naming its key', async (t) => {
  const build = (tracking: Record<string, unknown>) => () => buildConfig({ liveness: { motion: { tracking } } });
  t.throws(build({ windowPx: 20 }), /liveness\.motion\.tracking\.windowPx/, 'an even window');
  t.throws(build({ minParallax: -0.1 }), /liveness\.motion\.tracking\.minParallax/);
  // A bound that cannot refuse a flat picture is a check that cannot fail: refused at start-up.
  t.throws(build({ minParallax: 0 }), { code: 'ERR_CONFIG', message: /^config config\.liveness\.motion\.tracking\.minParallax: expected at least 0\.01: a lower bound cannot refuse a flat picture .*received 0$/ });
  t.throws(build({ minParallax: 0.005 }), /liveness\.motion\.tracking\.minParallax: expected at least 0\.01/);
  t.throws(() => buildConfig({ liveness: { motion: { minParallax: 0 } } }), { code: 'ERR_CONFIG', message: /^config config\.liveness\.motion\.minParallax: expected at least 0\.02: a lower bound cannot refuse a flat picture/ });
  t.equal(buildConfig({ liveness: { motion: { tracking: { minParallax: 0.01 } } } }).liveness.motion.tracking.minParallax, 0.01, 'the floor itself is accepted');
  t.throws(build({ reacquire: true }), /liveness\.motion\.tracking\.reacquire/, 'reacquire is a named mode, not a boolean');
  t.throws(build({ windowFraction: 2 }), /liveness\.motion\.tracking\.windowFraction/);
  t.throws(build({ maxFrames: 1 }), /liveness\.motion\.tracking\.maxFrames/);
  t.throws(build({ seedGrid: 0 }), /liveness\.motion\.tracking\.seedGrid/);
  t.throws(build({ unknownKey: 1 }), /liveness\.motion\.tracking/, 'an unknown key');
  t.equal(buildConfig({ liveness: { motion: { tracking: { windowPx: 15 } } } }).liveness.motion.tracking.windowPx, 15);
});
