// What the head does over time: a short facing-the-camera lead-in, then each challenge step in turn
// (turn left/right, look up, blink), each eased out to its peak, held briefly and eased back, plus a
// little involuntary sway. Angles follow src/liveness: yaw positive when the subject turns to their own
// right; pitch positive when they look up.
import type { SeededRandom } from '../../src/liveness/random-source.js';

export const HEAD_STEPS = ['turn-left', 'turn-right', 'look-up', 'blink'] as const;
export type HeadStep = (typeof HEAD_STEPS)[number];

export interface HeadPose {
  yawDeg: number;
  pitchDeg: number;
  rollDeg: number;
  /** 0 open .. 1 closed. */
  eyeClosure: number;
  /** Sway of the head's position, mm (camera x, y, z). */
  offsetMm: readonly [number, number, number];
}

export interface MotionScript {
  steps: readonly HeadStep[];
  /** How long each step lasts (the page shows each instruction this long). */
  stepMs: number;
  /** Facing the camera before the first step. */
  leadInMs: number;
  /** Peak angles this person reaches. */
  turnDeg: number;
  lookUpDeg: number;
  /** Sway amplitude (degrees / mm) and its phases. */
  swayDeg: number;
  swayMm: number;
  phases: readonly number[];
}

export function randomMotionScript(rng: SeededRandom, steps: readonly HeadStep[], stepMs = 1400): MotionScript {
  return {
    steps, stepMs,
    leadInMs: rng.uniform(250, 600),
    turnDeg: rng.uniform(22, 38),
    lookUpDeg: rng.uniform(14, 24),
    swayDeg: rng.uniform(0.5, 2),
    swayMm: rng.uniform(1, 4),
    phases: Array.from({ length: 8 }, () => rng.uniform(0, 2 * Math.PI)),
  };
}

/** The steps' end plus a short moment facing the camera again (`tailMs`). */
export function scriptDurationMs(script: MotionScript, tailMs = 200): number {
  return script.leadInMs + script.steps.length * script.stepMs + tailMs;
}

/**
 * `count` distinct steps from `kinds` in random order, as the server's challenge picks them (the suite
 * passes liveness.challenge.kinds and .steps). Always `count` draws whatever `kinds` holds (while kinds
 * remain), so the same seed with another pool changes only the steps, not the webcam or scene after them.
 */
export function randomSteps(rng: SeededRandom, kinds: readonly HeadStep[] = HEAD_STEPS, count = 2): HeadStep[] {
  const pool = [...new Set(kinds)];
  const out: HeadStep[] = [];
  while (out.length < count && pool.length > 0) out.push(pool.splice(rng.int(0, pool.length - 1), 1)[0]);
  return out;
}

/** 0 at the step's start and end, 1 held over its middle (smooth ease out and back). */
export function stepEnvelope(f: number): number {
  if (f <= 0 || f >= 1) return 0;
  const rise = 0.4, hold = 0.25;
  const ease = (x: number) => x * x * (3 - 2 * x);
  if (f < rise) return ease(f / rise);
  if (f < rise + hold) return 1;
  return ease(Math.max(0, (1 - f) / (1 - rise - hold)));
}

/** Which step runs at time t and how far into it (0..1); null outside the steps. */
export function stepAt(script: MotionScript, tMs: number): { step: HeadStep; fraction: number } | null {
  const inSteps = tMs - script.leadInMs;
  if (inSteps < 0) return null;
  const index = Math.floor(inSteps / script.stepMs);
  if (index >= script.steps.length) return null;
  return { step: script.steps[index], fraction: (inSteps - index * script.stepMs) / script.stepMs };
}

export function poseAt(script: MotionScript, tMs: number): HeadPose {
  const s = tMs / 1000;
  const p = script.phases;
  const sway = (i: number, hz: number) => Math.sin(2 * Math.PI * hz * s + p[i]);
  let yawDeg = script.swayDeg * sway(0, 0.37);
  let pitchDeg = script.swayDeg * 0.7 * sway(1, 0.29);
  const rollDeg = script.swayDeg * 0.5 * sway(2, 0.23);
  let eyeClosure = 0;
  const at = stepAt(script, tMs);
  if (at) {
    const e = stepEnvelope(at.fraction);
    if (at.step === 'turn-left') yawDeg -= script.turnDeg * e;
    else if (at.step === 'turn-right') yawDeg += script.turnDeg * e;
    else if (at.step === 'look-up') pitchDeg += script.lookUpDeg * e;
    // Shut for about a quarter of the step, closing and opening over about a tenth each side.
    else eyeClosure = Math.min(1, Math.max(0, (0.22 - Math.abs(at.fraction - 0.5)) / 0.08));
  }
  const offsetMm = [script.swayMm * sway(3, 0.31), script.swayMm * 0.6 * sway(4, 0.41), script.swayMm * 2 * sway(5, 0.19)] as const;
  return { yawDeg, pitchDeg, rollDeg, eyeClosure, offsetMm };
}
