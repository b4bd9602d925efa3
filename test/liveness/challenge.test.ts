// The active challenge: pass, wrong motion, wrong nonce, stale, future-dated and replayed sequences.
// The replay guard is the real SQLite repository.
import t from 'tap';
import { buildConfig } from '../../src/config/index.js';
import { pickChallenge, pickChallengeSteps, verifyChallenge, SeededRandom, type ChallengeFrame, type ChallengeKind } from '../../src/liveness/index.js';
import { generateSyntheticCapture } from '../../eval/synth/generate-capture.js';
import { tempRepository } from '../helpers/temp-store.js';

const settings = buildConfig({}).liveness.challenge;
const frameSize = { width: 640, height: 480 };
const NONCE = 'challenge-nonce-abcdef0123456789';
// The repository judges expiry by its own clock, so the test runs at the real time.
const T0 = Date.now();

// One subject filmed at fixed distance; each frame is (yaw, pitch, eye closure).
type Pose = [number, number, number];
function sequence(poses: readonly Pose[], nonce = NONCE, start = T0): ChallengeFrame[] {
  return poses.map(([yaw, pitch, closure], i) => {
    const c = generateSyntheticCapture({
      seed: `challenge-${i}`, subjectSeed: 'challenge-subject', label: 'bona-fide', headYawDeg: yaw, headPitchDeg: pitch, eyeClosure: closure,
      distanceMm: [550, 550], maxYawDeg: 6, landmarkJitterPx: 0.3,
    });
    return { landmarks: c.landmarks, nonce, capturedAt: start + i * 150 };
  });
}

const TURN_RIGHT: Pose[] = [[0, 0, 0], [10, 0, 0], [20, 0, 0], [32, 0, 0], [14, 0, 0], [0, 0, 0]];
const TURN_LEFT: Pose[] = [[0, 0, 0], [-10, 0, 0], [-20, 0, 0], [-32, 0, 0], [-14, 0, 0], [0, 0, 0]];
// The generator works in camera coordinates (y down): a negative pitch raises the face.
const LOOK_UP: Pose[] = [[0, 0, 0], [0, -8, 0], [0, -16, 0], [0, -26, 0], [0, -10, 0], [0, 0, 0]];
const BLINK: Pose[] = [[0, 0, 0], [0, 0, 0.6], [0, 0, 1], [0, 0, 0], [0, 0, 0], [0, 0, 0]];
const STILL: Pose[] = [[0, 0, 0], [0, 0, 0], [0, 0, 0], [0, 0, 0], [0, 0, 0], [0, 0, 0]];

t.test('pickChallenge draws every kind, deterministically from a seeded source', async (t) => {
  const a = new SeededRandom('pick');
  const b = new SeededRandom('pick');
  const drawn = Array.from({ length: 80 }, () => pickChallenge(a));
  t.same(drawn, Array.from({ length: 80 }, () => pickChallenge(b)));
  t.same(new Set(drawn), new Set<ChallengeKind>(['turn-left', 'turn-right', 'look-up', 'blink']));
  t.equal(pickChallenge({ next: () => 0.999999 }, ['blink']), 'blink');
  const steps = pickChallengeSteps(new SeededRandom('steps'), ['turn-left', 'turn-right', 'look-up', 'blink'], 3);
  t.equal(new Set(steps).size, 3, 'steps are different kinds');
  t.throws(() => pickChallengeSteps(a, ['blink'], 2), { code: 'ERR_INTERNAL' });
});

t.test('the asked steps pass in order; the wrong, missing or reordered motion fails', async (t) => {
  const { repo } = tempRepository(t);
  let n = 0;
  const run = (poses: Pose[], steps: ChallengeKind[]) => {
    const nonce = `${NONCE}-${n++}`;
    return verifyChallenge({ frames: sequence(poses, nonce), steps, nonce, now: T0 + 3000, frameSize, replayGuard: repo }, settings);
  };
  const right = run(TURN_RIGHT, ['turn-right']);
  t.match(right, { passed: true, reason: null, steps: ['turn-right'] });
  t.ok(right.yawDeg[3] >= settings.minTurnYawDeg, `yaw trace ${right.yawDeg}`);
  t.match(run(TURN_LEFT, ['turn-left']), { passed: true, reason: null });
  t.match(run(TURN_LEFT, ['turn-right']), { passed: false, reason: 'the head turned the other way', stepsSeen: 0 });
  t.match(run(STILL, ['turn-left']), { passed: false, reason: `the head did not turn ${settings.minTurnYawDeg} deg left` });
  const up = run(LOOK_UP, ['look-up']);
  t.match(up, { passed: true, reason: null });
  t.ok(up.pitchDeg[3] - up.pitchDeg[0] >= settings.minLookUpDeg, `pitch trace ${up.pitchDeg}`);
  t.ok(Math.abs(up.yawDeg[3]) < settings.maxStartYawDeg, 'looking up is not read as a turn');
  t.ok(Math.abs(right.pitchDeg[3] - right.pitchDeg[0]) < settings.minLookUpDeg, 'a turn is not read as looking up');
  t.match(run(STILL, ['look-up']), { passed: false, reason: `the head did not look up ${settings.minLookUpDeg} deg` });
  const blink = run(BLINK, ['blink']);
  t.match(blink, { passed: true, reason: null });
  t.ok(blink.eyeOpenness[2] < settings.closedEyeRatio && blink.eyeOpenness[0] > settings.openEyeRatio, `EAR trace ${blink.eyeOpenness}`);
  t.match(run(STILL, ['blink']), { passed: false, reason: 'the eyes never closed' });
  t.match(run([[0, 0, 0], [0, 0, 1], [0, 0, 1]], ['blink']), { passed: false, reason: 'the eyes did not open again' });

  t.match(run([...TURN_LEFT, ...LOOK_UP], ['turn-left', 'look-up']), { passed: true, reason: null, stepsSeen: 2 }, 'two steps in the asked order');
  t.match(run([...LOOK_UP, ...TURN_LEFT], ['turn-left', 'look-up']), { passed: false, reason: `step 2 of 2 (look-up): the head did not look up ${settings.minLookUpDeg} deg`, stepsSeen: 1 },
    'the same steps in the other order fail: a recording of one order does not fit another session');
  t.match(run([...BLINK, ...TURN_RIGHT], ['blink', 'turn-right']), { passed: true });
  t.match(run([...TURN_RIGHT, ...STILL], ['turn-right', 'blink']), { passed: false, reason: 'step 2 of 2 (blink): the eyes never closed' });
});

t.test('motion consistency: a head turning shows parallax, a picture moved the same way does not', async (t) => {
  const { repo } = tempRepository(t);
  const motion = buildConfig({}).liveness.motion;
  const live = verifyChallenge({ frames: sequence([...TURN_LEFT, ...LOOK_UP], 'motion-live-nonce-0000'), steps: ['turn-left', 'look-up'], nonce: 'motion-live-nonce-0000', now: T0 + 3000, frameSize, replayGuard: repo }, settings, motion);
  t.match(live.motion, { name: 'motion-parallax', outcome: 'pass', reason: null, threshold: motion.minParallax });
  t.ok(live.motion!.value! > 1.4 * motion.minParallax, `live parallax ${live.motion!.value} is well above ${motion.minParallax}`);
  // A printed frontal face, tilted and swung in front of the camera: every frame is a homography of the first.
  const frontal = sequence([[0, 0, 0]])[0].landmarks as Float32Array;
  const warp = (k: number) => {
    const a = (k / 8) * 0.35; // up to ~20 degrees of swing, with perspective
    const out = new Float32Array(frontal.length);
    for (let i = 0; i < frontal.length / 3; i++) {
      const x = frontal[i * 3] - 320, y = frontal[i * 3 + 1] - 240;
      const w = 1 + (Math.sin(a) * x) / 900;
      out[i * 3] = 320 + (x * Math.cos(a) + 25 * k) / w;
      out[i * 3 + 1] = 240 + (y + 4 * k) / w;
      out[i * 3 + 2] = frontal[i * 3 + 2];
    }
    return out;
  };
  const printFrames = Array.from({ length: 9 }, (_, k) => ({ landmarks: warp(k), nonce: 'motion-print-nonce-000', capturedAt: T0 + k * 150 }));
  const print = verifyChallenge({ frames: printFrames, steps: ['turn-left'], nonce: 'motion-print-nonce-000', now: T0 + 3000, frameSize, replayGuard: repo }, settings, motion);
  t.equal(print.motion!.outcome, 'fail');
  t.ok(print.motion!.value! < motion.minParallax / 2, `print parallax ${print.motion!.value} stays at the jitter floor`);
  const still = verifyChallenge({ frames: sequence(STILL, 'motion-still-nonce-000'), steps: ['blink'], nonce: 'motion-still-nonce-000', now: T0 + 3000, frameSize, replayGuard: repo }, settings, motion);
  t.match(still.motion, { outcome: 'fail', reason: /less than the 10 deg needed/ }, 'no motion: nothing to judge depth by');
});

t.test('wrong nonce, stale, future-dated and replayed sequences are refused', async (t) => {
  const { repo } = tempRepository(t);
  const frames = sequence(TURN_RIGHT);
  const input = { frames, steps: ['turn-right' as const], nonce: NONCE, now: T0 + 2000, frameSize, replayGuard: repo };
  const foreign = frames.map((f, i) => (i === 2 ? { ...f, nonce: 'another-session-nonce-000000' } : f));
  t.throws(() => verifyChallenge({ ...input, frames: foreign }, settings), { code: 'ERR_CHALLENGE_NONCE', status: 400, message: "challenge: frame 2 does not carry this session's nonce" });
  t.throws(() => verifyChallenge({ ...input, now: T0 + 31_000 }, settings), { code: 'ERR_CHALLENGE_STALE', message: 'challenge: the sequence is 31 s old, more than 30 s' });
  t.throws(() => verifyChallenge({ ...input, now: T0 - 5000 }, settings), { code: 'ERR_CHALLENGE_STALE', message: 'challenge: a frame is dated in the future' });
  t.throws(() => verifyChallenge({ ...input, frames: frames.slice(0, 2) }, settings), { code: 'ERR_BAD_REQUEST', message: 'challenge: at least 3 frames are required, got 2' });
  t.throws(() => verifyChallenge({ ...input, frames: [...frames].reverse() }, settings), { code: 'ERR_BAD_REQUEST', message: 'challenge: frame 1 was captured before frame 0' });
  // None of the refusals above consumed the nonce: the first complete attempt passes ...
  t.match(verifyChallenge(input, settings), { passed: true });
  // ... and sending it again is a replay.
  t.throws(() => verifyChallenge(input, settings), { code: 'ERR_REPLAY', status: 409, message: 'challenge: this nonce was already used' });
  // Landmarks are validated like everywhere else.
  const { repo: repo2 } = tempRepository(t);
  const broken = frames.map((f) => ({ ...f, landmarks: new Float32Array(10) }));
  t.throws(() => verifyChallenge({ ...input, frames: broken, replayGuard: repo2 }, settings), { code: 'ERR_LANDMARKS_INVALID' });
});
