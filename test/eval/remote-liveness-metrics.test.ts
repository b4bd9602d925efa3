// The arithmetic of eval:remote-liveness: which outcome of which check refuses, APCER per species and
// BPCER with their exact one-sided 95% upper bounds, "not computable" counted as refused for motion and as
// nothing for the injection signals (the server's, on the frames' hashes and thumbnails), the worst species,
// and the closest calls.
import t from 'tap';
import {
  framesCheck, judgeSequence, motionCheck, type MotionReport, type SequenceCheck,
} from '../../eval/lib/remote-liveness-checks.js';
import { injectionChecks, NO_SELFIE_SHA256 } from '../../eval/lib/remote-liveness-injection.js';
import { buildConfig } from '../../src/config/index.js';
import { checkFigures, closestCalls, COMBINED, type SequenceOutcome } from '../../eval/lib/remote-liveness-metrics.js';
import type { FrameAnalysis } from '../../eval/lib/sequence-frames.js';

const landmarks = new Float32Array(468 * 3).map((_, i) => (i % 3 === 2 ? 0 : 100 + (i % 97)));
function frame(sha: string, faces = 1, size = 640): FrameAnalysis {
  return {
    frame: `${sha}.jpg`, sha256: sha, width: size, height: 480, faceCount: faces, detectionScores: [], landmarks: faces > 0 ? landmarks : null,
    yawDeg: null, interocularPx: null, problem: faces > 0 ? null : 'no-detection',
  };
}
const report = (over: Partial<MotionReport>): MotionReport => ({ name: 'motion-parallax', value: 0.05, motion: 12, threshold: 0.03, outcome: 'pass', reason: null, perFrame: [0.05], ...over });

t.test('checks: a still is not computable for motion (refused) and raises no injection signal', async (t) => {
  let calls = 0;
  const measure = () => { calls++; return report({}); };
  const still = await judgeSequence([frame('a')], measure);
  const motion = still.checks.find((c) => c.name === 'motion-parallax')!;
  t.equal(motion.outcome, 'not-computed');
  t.equal(motion.reason, 'a still (one frame) cannot show motion');
  t.ok(motion.refuses, 'the product refuses a still');
  for (const name of ['identical-frames', 'near-identical-frames']) {
    const signal = still.checks.find((c) => c.name === name)!;
    t.same([signal.outcome, signal.refuses], ['not-computed', false], `${name}: not computed on a still, raises nothing`);
  }
  t.same(still.refusedBy, ['motion-parallax']);
  t.notOk(still.accepted);
  t.equal(calls, 0, 'the motion check never sees a still');
  t.equal(still.checks.find((c) => c.name === 'passive-pad')!.outcome, 'not-configured');

  const live = await judgeSequence([frame('a'), frame('b'), frame('c')], measure);
  t.ok(live.accepted, 'three distinct one-face frames with a passing motion check are accepted');
  t.equal(calls, 1);
  t.same(live.checks.find((c) => c.name === 'motion-parallax')!.detail, { motionDeg: 12, framesUsed: 3, perFrame: [0.05] });
  t.match(live.checks.find((c) => c.name === 'near-identical-frames'), { outcome: 'not-computed', refuses: false }, 'no frame bytes, no thumbnails to compare');
});

t.test('checks: each refusal is named', async (t) => {
  t.match(framesCheck([frame('a'), frame('b', 0)]), { outcome: 'fail', refuses: true, value: 1, threshold: 2, reason: /^frame 1 \(b\.jpg\): no face \(no-detection\); every frame must show exactly one face$/ });
  t.match(framesCheck([frame('a', 2), frame('b')]), { outcome: 'fail', reason: /frame 0 \(a\.jpg\): 2 faces found/ });
  t.match(framesCheck([frame('a'), frame('b', 1, 320)]), { outcome: 'fail', reason: 'frame 1 is 320x480, frame 0 is 640x480' });
  const measure = () => report({ value: 0.01, outcome: 'fail', reason: 'flat' });
  t.match(await motionCheck([frame('a'), frame('b', 0), frame('c')], measure), { outcome: 'fail', refuses: true, value: 0.01, detail: { framesUsed: 2 } }, 'measured on the frames with a face');
  t.match(await motionCheck([frame('a'), frame('b', 0)], measure), { outcome: 'not-computed', refuses: true, reason: '1 of 2 frames show a face: no motion to measure' });
  t.match(await motionCheck([frame('a'), frame('b')], () => report({ value: 0.02, outcome: 'not-computed', reason: 'too little motion' })),
    { outcome: 'not-computed', refuses: true, value: 0.02 }, 'too little motion refuses');
  t.match(await motionCheck([frame('a'), frame('b')], () => { throw new Error('bad landmarks'); }),
    { outcome: 'not-computed', refuses: true, reason: 'refused with an error: bad landmarks' }, 'an error in the check refuses, the run goes on');
});

t.test('injection checks: the server\'s identical-frames and near-identical-frames, its thresholds and actions', async (t) => {
  const config = buildConfig({}).liveness.injection;
  const signal = (checks: SequenceCheck[], name: string) => checks.find((c) => c.name === name)!;
  // 4x4 thumbnails: a moving head changes the picture by tens of grey levels, a still picture with noise by about one.
  const moving = (n: number) => [...Array(n).keys()].map((i) => new Uint8Array(16).fill(100 + 10 * i));
  let seed = 3;
  const noise = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % 3) - 1;
  const noisyStill = (n: number) => [...Array(n).keys()].map(() => new Uint8Array(16).map(() => 100 + noise()));
  const names = (checks: SequenceCheck[]) => checks.map((c) => c.name);

  const live = injectionChecks([frame('a'), frame('b'), frame('c')], moving(3), config);
  t.same(names(live), ['identical-frames', 'near-identical-frames'], 'the two signals a folder of frames carries; no frame timing, no camera label');
  t.match(signal(live, 'identical-frames'), { outcome: 'pass', refuses: false, value: 0, threshold: 1, reason: null, detail: { action: 'refuse' } });
  t.match(signal(live, 'near-identical-frames'), { outcome: 'pass', refuses: false, value: 20, threshold: 1.5 });

  const stalled = injectionChecks([frame('a'), frame('b'), frame('b'), frame('c')], moving(4), config);
  t.match(signal(stalled, 'identical-frames'), { outcome: 'pass', refuses: false, value: 1 }, 'one repeat is a camera stall: the server allows maxRepeatedFrames 1');
  const looped = injectionChecks([frame('a'), frame('b'), frame('a'), frame('b')], moving(4), config);
  t.match(signal(looped, 'identical-frames'), {
    outcome: 'fail', refuses: true, value: 2, threshold: 1, reason: /^2 challenge frame\(s\) repeat an earlier picture byte for byte \(frame 2, 3\); at most 1 allowed$/,
  });

  const noisy = injectionChecks([frame('a'), frame('b'), frame('c'), frame('d')], noisyStill(4), config);
  t.match(signal(noisy, 'identical-frames'), { outcome: 'pass', value: 0 }, 'no two frames alike byte for byte');
  const near = signal(noisy, 'near-identical-frames');
  t.match(near, { outcome: 'fail', refuses: true, threshold: 1.5, reason: /never changed by 1.5 grey levels over 4 frames.*a still picture/ });
  t.ok(near.value! > 0 && near.value! < 1.5, `noise alone changed the thumbnail by ${near.value}`);

  const recorded = { ...config, nearIdenticalFrames: { ...config.nearIdenticalFrames, action: 'record' as const } };
  t.match(signal(injectionChecks([frame('a'), frame('b')], noisyStill(2), recorded), 'near-identical-frames'),
    { outcome: 'fail', refuses: false, detail: { action: 'record' } }, 'a raised signal set to record does not refuse, as in the server');
  t.match(signal(injectionChecks([frame('a'), frame('b')], [moving(1)[0], null], config), 'near-identical-frames'),
    { outcome: 'not-computed', refuses: false, value: null }, 'a frame without a thumbnail (it did not decode): not computed');
  t.notMatch(NO_SELFIE_SHA256, /^[0-9a-f]{64}$/, 'the stand-in for the absent selfie is no sha256: it matches no frame');
  t.same(injectionChecks([frame('a')], moving(1), config).map((c) => [c.outcome, c.refuses]), [['not-computed', false], ['not-computed', false]], 'a still');
});

function outcome(sequence: string, species: string, checks: Record<string, [SequenceCheck['outcome'], number | null]>): SequenceOutcome {
  const list: SequenceCheck[] = Object.entries(checks).map(([name, [o, value]]) => ({
    name, value, threshold: name === 'motion-parallax' ? 0.03 : 0, outcome: o, reason: null,
    refuses: o === 'fail' || (o === 'not-computed' && name === 'motion-parallax'),
  }));
  const refusedBy = list.filter((c) => c.refuses).map((c) => c.name);
  return {
    sequence, label: species === 'bona-fide' ? 'bona-fide' : 'attack', species, source: 'test', frameCount: 3,
    checks: [...list, { name: 'passive-pad', value: null, threshold: null, outcome: 'not-configured', reason: null, refuses: false }],
    accepted: refusedBy.length === 0, refusedBy,
  };
}

t.test('figures: APCER per species, BPCER, not computable, worst species, exact bounds', async (t) => {
  const outcomes = [
    outcome('bf1', 'bona-fide', { 'motion-parallax': ['pass', 0.09], 'identical-frames': ['pass', 0] }),
    outcome('bf2', 'bona-fide', { 'motion-parallax': ['pass', 0.031], 'identical-frames': ['pass', 0] }),
    outcome('bf3', 'bona-fide', { 'motion-parallax': ['fail', 0.02], 'identical-frames': ['pass', 0] }),
    outcome('bf-still', 'bona-fide', { 'motion-parallax': ['not-computed', null], 'identical-frames': ['not-computed', null] }),
    outcome('p1', 'print', { 'motion-parallax': ['fail', 0.01], 'identical-frames': ['pass', 0] }),
    outcome('p2', 'print', { 'motion-parallax': ['pass', 0.04], 'identical-frames': ['pass', 0] }),
    outcome('p3', 'print', { 'motion-parallax': ['fail', 0.029], 'identical-frames': ['pass', 0] }),
    outcome('p4', 'print', { 'motion-parallax': ['not-computed', null], 'identical-frames': ['not-computed', null] }),
    outcome('r1', 'replay', { 'motion-parallax': ['pass', 0.05], 'identical-frames': ['fail', 3] }),
  ];
  const motion = checkFigures(outcomes, 'motion-parallax');
  t.match(motion.apcer.print, { errors: 1, total: 4, notComputed: 1, rate: 0.25 });
  // One-sided 95% Clopper-Pearson: 1 of 4 -> 0.7514, 1 of 1 -> 1, 2 of 4 bona fide -> 0.9024.
  t.ok(Math.abs(motion.apcer.print.upper95 - 0.7514) < 1e-4, `1/4 upper bound ${motion.apcer.print.upper95}`);
  t.match(motion.apcer.replay, { errors: 1, total: 1, rate: 1, upper95: 1 });
  t.match(motion.apcerAll, { errors: 2, total: 5, notComputed: 1 });
  t.match(motion.bpcer, { errors: 2, total: 4, notComputed: 1, rate: 0.5 });
  t.ok(Math.abs(motion.bpcer.upper95 - 0.9024) < 1e-4, `2/4 upper bound ${motion.bpcer.upper95}`);
  t.equal(motion.worstSpecies?.species, 'replay');

  const copies = checkFigures(outcomes, 'identical-frames');
  t.match(copies.apcer.print, { errors: 4, total: 4, notComputed: 1 }, 'not computable lets the attack through this check alone');
  t.match(copies.apcer.replay, { errors: 0, total: 1 });
  t.ok(Math.abs(copies.apcer.replay.upper95 - 0.95) < 1e-9, '0 of 1: upper bound 95%');
  t.match(copies.bpcer, { errors: 0, total: 4, notComputed: 1 });
  t.ok(Math.abs(copies.bpcer.upper95 - (1 - 0.05 ** (1 / 4))) < 1e-9, '0 of n: 1 - 0.05^(1/n)');
  t.equal(copies.worstSpecies?.species, 'print');

  const combined = checkFigures(outcomes, COMBINED);
  t.match(combined.apcer.print, { errors: 1, total: 4, notComputed: 1 });
  t.match(combined.apcer.replay, { errors: 0, total: 1 }, 'the injection signal refuses what motion let through');
  t.match(combined.bpcer, { errors: 2, total: 4, notComputed: 1 });
  t.equal(combined.worstSpecies?.species, 'print');

  const pad = checkFigures(outcomes, 'passive-pad');
  t.ok(pad.notConfigured, 'a check no sequence configured has no figures');
  t.same(pad.apcer, {});
  t.equal(pad.bpcer.total, 0);

  const calls = closestCalls(outcomes, 'motion-parallax', 2);
  t.same(calls.attacks.map((c) => c.sequence), ['r1', 'p2'], 'attacks by value over threshold, highest first');
  t.same(calls.bonaFide.map((c) => c.sequence), ['bf3', 'bf2'], 'bona fide lowest first; stills have no value');
  t.ok(Math.abs(calls.bonaFide[0].ratio - 0.02 / 0.03) < 1e-12);
});

t.test('figures: an empty species list and no bona fide give no worst species and n = 0', async (t) => {
  const f = checkFigures([], 'motion-parallax');
  t.equal(f.worstSpecies, null);
  t.equal(f.bpcer.total, 0);
  t.ok(Number.isNaN(f.bpcer.rate), 'no rate without samples');
  t.notOk(f.notConfigured);
});

t.test('challenge-steps: the server\'s step judgement on sequences whose note names the asked steps', async (t) => {
  const { buildConfig } = await import('../../src/config/index.js');
  const { generateSyntheticCapture } = await import('../../eval/synth/generate-capture.js');
  const { askedSteps, challengeStepsCheck } = await import('../../eval/lib/remote-liveness-checks.js');
  const settings = buildConfig({}).liveness.challenge;
  // Rendered landmarks of one head: a turn to the subject's left then back.
  const turn = [0, -10, -20, -32, -14, 0].map((yaw, i): FrameAnalysis => {
    const c = generateSyntheticCapture({ seed: `steps-${i}`, subjectSeed: 'steps-subject', label: 'bona-fide', headYawDeg: yaw, headPitchDeg: 0, eyeClosure: 0, distanceMm: [550, 550], maxYawDeg: 6, landmarkJitterPx: 0.3 });
    return { ...frame(`turn-${i}`), landmarks: c.landmarks };
  });

  t.same(askedSteps('subject=s01 steps=turn-left+look-up fps=5'), ['turn-left', 'look-up']);
  t.equal(askedSteps('subject=s01 fps=5'), null, 'a note without steps: not judged');
  t.throws(() => askedSteps('steps=turn-left+wave'), /unknown challenge step "wave"/);

  t.match(challengeStepsCheck(turn, ['turn-left'], settings), { name: 'challenge-steps', outcome: 'pass', refuses: false, value: 1, threshold: 1 });
  t.match(challengeStepsCheck(turn, ['turn-right'], settings), { outcome: 'fail', refuses: true, value: 0, reason: 'the head turned the other way' });
  t.match(challengeStepsCheck(turn, ['turn-left', 'look-up'], settings), { outcome: 'fail', refuses: true, value: 1, reason: /^step 2 of 2 \(look-up\)/ }, 'the value counts the steps found in order');
  t.match(challengeStepsCheck([turn[0], { ...frame('x', 0) }], ['turn-left'], settings), { outcome: 'not-computed', refuses: true });

  const measure = () => report({});
  const judged = await judgeSequence(turn, measure, [], { steps: ['turn-right'], settings });
  t.same(judged.refusedBy, ['challenge-steps'], 'the wrong turn refuses the sequence');
  const unjudged = await judgeSequence(turn, measure, [], { steps: null, settings });
  t.notOk(unjudged.checks.some((c) => c.name === 'challenge-steps'), 'no steps known: the check is left out, not passed');
  t.ok(unjudged.accepted);
});
