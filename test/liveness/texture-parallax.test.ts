// The motion-parallax measure on the tracked texture, on sequences rendered by the synthetic 2D
// generator (eval/synth2d) and analysed by the real face engine, as the server measures a challenge: a
// live head turning passes; a print bent into a cylinder and a 2D warp faking the turn (whose landmarks
// the network still places like a head's) fail. Seeds here are fixed and are not the evaluation's.
import t from 'tap';
import { analyzeFace } from '../../src/biometrics/analyze-face.js';
import type { FaceEngine } from '../../src/biometrics/face-engine.js';
import { buildConfig } from '../../src/config/index.js';
import { validateLandmarks } from '../../src/liveness/capture.js';
import { measureTextureParallax, occludedFraction, peakParallax, seedGrid, evenSubsample, trackingWindowPx, type TrackedFrame } from '../../src/liveness/texture-parallax.js';
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

t.test('the value: the peakFrames-th largest parallax among frames that turned and that a head can give', async (t) => {
  const s = { minFramePoseDeg: 8, peakFrames: 2, maxParallax: 0.35 };
  const frame = (poseChangeDeg: number, parallax: number | null): TrackedFrame => ({ frame: 0, poseChangeDeg, ringTracked: 90, noseTracked: 63, parallax });
  // A live turn at 5 frames/s: near-frontal frames near 0, two peak frames carry the parallax, the peak
  // itself untracked (null). The old statistic (third-largest of all frames) read 0.03 here.
  const live = [frame(1, 0.004), frame(3, 0.01), frame(12, 0.03), frame(20, 0.06), frame(35, null), frame(22, 0.07), frame(2, 0.005), frame(4, 0.02), frame(6, 0.01)];
  t.equal(peakParallax(live, s), 0.06, 'the second-largest of the turned frames');
  t.equal(peakParallax(live, { ...s, peakFrames: 3 }), 0.03);
  // A print slid fast: the tracker slips on frames where the head did not turn; they do not count.
  const slip = [frame(0.9, 0.44), frame(0.8, 0.45), frame(0.6, 0.45), frame(11, 0.01), frame(12, 0.012)];
  t.equal(peakParallax(slip, s), 0.01, 'slipped frames without a turn are not counted');
  // A wild value where the head did turn is no head's either (the nose is at most ~0.35 eye-corner distances in front).
  t.equal(peakParallax([frame(20, 0.61), frame(22, 0.6), frame(18, 0.012), frame(15, 0.01)], s), 0.01, 'implausible frames are not counted');
  t.equal(peakParallax([frame(20, 0.06), frame(5, 0.05)], s), null, 'fewer than peakFrames frames count: not computed');
  t.equal(peakParallax([frame(Number.NaN, 0.06), frame(20, 0.05)], s), null, 'a frame whose pose could not be estimated does not count');
});

t.test('self-occlusion: the largest share of seeds lost in a frame that turned', async (t) => {
  const frame = (poseChangeDeg: number, ringTracked: number, noseTracked: number): TrackedFrame => ({ frame: 0, poseChangeDeg, ringTracked, noseTracked, parallax: 0.05 });
  // A live turn: the far side's points go out of view at the peak and come back.
  t.equal(occludedFraction([frame(2, 90, 63), frame(20, 70, 40), frame(32, 52, 11), frame(3, 90, 62)], 153, 8), 1 - 63 / 153);
  // A warped picture keeps every point; a frame that did not turn does not count, however much it lost (a slip).
  t.equal(occludedFraction([frame(1, 10, 5), frame(20, 90, 63), frame(25, 89, 63)], 153, 8), 1 - 152 / 153);
  t.equal(occludedFraction([frame(1, 10, 5), frame(4, 90, 63)], 153, 8), null, 'no frame turned: not measured');
  t.equal(occludedFraction([frame(30, 0, 0)], 153, 8), 1, 'the ring lost altogether is the most a turn can hide');
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
    t.ok(r.occlusion!.value! >= r.occlusion!.threshold, `part of the face went out of view (${r.occlusion!.value} of the seeds lost >= ${r.occlusion!.threshold})`);
  });

  for (const species of ['print-bent', 'warp-2d'] as const) {
    t.test(`${species}: its texture moves by one homography, it fails`, async (t) => {
      const r = await measure(species, `texture-test-${species}`);
      t.equal(r.outcome, 'fail', `tracked parallax ${r.value} (landmarks ${r.landmarkValue}), motion ${r.motion} deg`);
      t.ok(r.value === null || r.value < r.threshold || r.motion < motion.minMotionDeg, r.reason ?? '');
      if (species === 'warp-2d') t.ok(r.occlusion!.value! < r.occlusion!.threshold, `a 2D warp keeps its points in view (${r.occlusion!.value} lost)`);
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
  t.throws(build({ minFramePoseDeg: -1 }), /liveness\.motion\.tracking\.minFramePoseDeg/);
  t.throws(build({ peakFrames: 0 }), /liveness\.motion\.tracking\.peakFrames/);
  t.throws(build({ minOccludedFraction: 1 }), /liveness\.motion\.tracking\.minOccludedFraction/);
  t.equal(buildConfig({ liveness: { motion: { tracking: { minOccludedFraction: 0 } } } }).liveness.motion.tracking.minOccludedFraction, 0, '0 turns the requirement off');
  t.throws(build({ peakFrames: 1.5 }), /liveness\.motion\.tracking\.peakFrames/);
  // A plausibility cap at or under the bound would drop every frame that could pass.
  t.throws(build({ maxParallax: 0.03 }), { code: 'ERR_CONFIG', message: /liveness\.motion\.tracking\.maxParallax: expected above minParallax \(0\.033\)/ });
  t.equal(buildConfig({ liveness: { motion: { tracking: { windowPx: 15 } } } }).liveness.motion.tracking.windowPx, 15);
});
