// The active challenge: pass, wrong motion, wrong nonce, stale, future-dated and replayed sequences.
// The replay guard is the real SQLite repository.
import t from 'tap';
import { buildConfig } from '../../src/config/index.js';
import { pickChallenge, verifyChallenge, SeededRandom, type ChallengeFrame, type ChallengeKind } from '../../src/liveness/index.js';
import { generateSyntheticCapture } from '../../eval/synth/generate-capture.js';
import { tempRepository } from '../helpers/temp-store.js';

const settings = buildConfig({}).liveness.challenge;
const frameSize = { width: 640, height: 480 };
const NONCE = 'challenge-nonce-abcdef0123456789';
// The repository judges expiry by its own clock, so the test runs at the real time.
const T0 = Date.now();

// One subject filmed at fixed distance; each step is (yaw, eye closure).
function sequence(steps: readonly [number, number][], nonce = NONCE, start = T0): ChallengeFrame[] {
  return steps.map(([yaw, closure], i) => {
    const c = generateSyntheticCapture({
      seed: `challenge-${i}`, subjectSeed: 'challenge-subject', label: 'bona-fide', headYawDeg: yaw, eyeClosure: closure,
      distanceMm: [550, 550], maxYawDeg: 6, landmarkJitterPx: 0.3,
    });
    return { landmarks: c.landmarks, nonce, capturedAt: start + i * 200 };
  });
}

const TURN_RIGHT: [number, number][] = [[0, 0], [10, 0], [20, 0], [32, 0]];
const TURN_LEFT: [number, number][] = [[0, 0], [-10, 0], [-20, 0], [-32, 0]];
const BLINK: [number, number][] = [[0, 0], [0, 0.6], [0, 1], [0, 0]];
const STILL: [number, number][] = [[0, 0], [0, 0], [0, 0], [0, 0]];

t.test('pickChallenge draws every kind, deterministically from a seeded source', async (t) => {
  const a = new SeededRandom('pick');
  const b = new SeededRandom('pick');
  const drawn = Array.from({ length: 60 }, () => pickChallenge(a));
  t.same(drawn, Array.from({ length: 60 }, () => pickChallenge(b)));
  t.same(new Set(drawn), new Set<ChallengeKind>(['turn-left', 'turn-right', 'blink']));
  t.equal(pickChallenge({ next: () => 0.999999 }, ['blink']), 'blink');
});

t.test('the asked motion passes; the wrong or missing motion fails', async (t) => {
  const { repo } = tempRepository(t);
  let n = 0;
  const run = (steps: [number, number][], challenge: ChallengeKind) => {
    const nonce = `${NONCE}-${n++}`;
    return verifyChallenge({ frames: sequence(steps, nonce), challenge, nonce, now: T0 + 2000, frameSize, replayGuard: repo }, settings);
  };
  const right = run(TURN_RIGHT, 'turn-right');
  t.match(right, { passed: true, reason: null, challenge: 'turn-right' });
  t.ok(right.yawDeg[3] >= settings.minTurnYawDeg, `yaw trace ${right.yawDeg}`);
  t.match(run(TURN_LEFT, 'turn-left'), { passed: true, reason: null });
  t.match(run(TURN_LEFT, 'turn-right'), { passed: false, reason: 'the head turned the other way' });
  t.match(run(STILL, 'turn-left'), { passed: false, reason: `the head did not turn ${settings.minTurnYawDeg} deg after facing the camera` });
  const blink = run(BLINK, 'blink');
  t.match(blink, { passed: true, reason: null });
  t.ok(blink.eyeOpenness[2] < settings.closedEyeRatio && blink.eyeOpenness[0] > settings.openEyeRatio, `EAR trace ${blink.eyeOpenness}`);
  t.match(run(STILL, 'blink'), { passed: false, reason: 'the eyes never closed' });
  t.match(run([[0, 0], [0, 1], [0, 1]], 'blink'), { passed: false, reason: 'the eyes did not open again' });
});

t.test('wrong nonce, stale, future-dated and replayed sequences are refused', async (t) => {
  const { repo } = tempRepository(t);
  const frames = sequence(TURN_RIGHT);
  const input = { frames, challenge: 'turn-right' as const, nonce: NONCE, now: T0 + 2000, frameSize, replayGuard: repo };
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
