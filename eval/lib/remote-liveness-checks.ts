// The server's browser-liveness checks run on one analysed capture sequence, each reported with its
// value, threshold and outcome, and whether that outcome refuses the sequence in the product:
// - frames: every frame shows exactly one face of one size (the server asks for a retry otherwise);
// - motion-parallax: 3D consistency from motion (measureMotionConsistency). A still, or a sequence with
//   fewer than two usable frames, shows no motion: "not computed", and the product refuses it;
// - identical-frames, near-identical-frames: the server's injection signals (measureInjectionSignals, with
//   liveness.injection's thresholds and actions; remote-liveness-injection.ts): frames repeated byte for byte,
//   a picture that never changes. Neither can be computed on a still, and a signal that cannot be computed
//   raises nothing (the motion check refuses the still). The other two signals, frame timing and the camera
//   label, cannot be judged from a folder of frames;
// - passive-pad: the passive presentation-attack model, "not configured" while no model is set;
// - challenge-steps: the asked steps performed in order (the server's step judgement), on a sequence whose
//   note says which steps were asked (`steps=turn-left+look-up`, as the synthetic suite writes it); a
//   sequence that does not say is not judged on it (the server always knows its steps).
import { buildConfig } from '../../src/config/index.js';
import { CHALLENGE_KINDS, type ChallengeKind, type ChallengeSettings } from '../../src/config/sections/liveness.js';
import type { InjectionSignalConfig } from '../../src/config/sections/liveness-injection.js';
import { validateLandmarks } from '../../src/liveness/capture.js';
import { judgeChallengeSteps, type MotionConsistencyReport } from '../../src/liveness/index.js';
import type { LandmarkView } from '../../src/liveness/facemesh-points.js';
import { frameThumbnails, injectionChecks } from './remote-liveness-injection.js';
import type { FrameAnalysis } from './sequence-frames.js';

export type CheckOutcome = 'pass' | 'fail' | 'not-computed' | 'not-configured';

export interface SequenceCheck {
  readonly name: string;
  readonly value: number | null;
  readonly threshold: number | null;
  readonly outcome: CheckOutcome;
  readonly reason: string | null;
  /** The product refuses the sequence on this outcome. */
  readonly refuses: boolean;
  /** Anything else the check reported (the motion seen, the duplicate frames...). */
  readonly detail?: Record<string, unknown>;
}

/** measureMotionConsistency's report. */
export type MotionReport = MotionConsistencyReport;

/**
 * The motion check as the server runs it, bound to its settings: the landmarks of the frames with a face
 * and those frames' bytes as captured (the server tracks their texture), same order.
 */
export type MotionCheck = (views: LandmarkView[], frames: Buffer[]) => MotionReport | Promise<MotionReport>;

export const CHECK_NAMES = ['frames', 'motion-parallax', 'challenge-steps', 'identical-frames', 'near-identical-frames', 'passive-pad'] as const;

export function framesCheck(frames: readonly FrameAnalysis[]): SequenceCheck {
  const bad = frames.findIndex((f) => f.faceCount !== 1 || !f.landmarks);
  const usable = frames.filter((f) => f.faceCount === 1 && f.landmarks).length;
  const base = { name: 'frames', value: usable, threshold: frames.length };
  if (bad >= 0) {
    const f = frames[bad];
    const why = f.landmarks ? `${f.faceCount} faces found` : `no face (${f.problem})`;
    return { ...base, outcome: 'fail', refuses: true, reason: `frame ${bad} (${f.frame}): ${why}; every frame must show exactly one face` };
  }
  const other = frames.findIndex((f) => f.width !== frames[0].width || f.height !== frames[0].height);
  if (other >= 0) return { ...base, outcome: 'fail', refuses: true, reason: `frame ${other} is ${frames[other].width}x${frames[other].height}, frame 0 is ${frames[0].width}x${frames[0].height}` };
  return { ...base, outcome: 'pass', refuses: false, reason: null };
}

/**
 * Runs the motion check on the frames that have a face (even when another frame has none, so the
 * geometry is measured on every sequence; the frames check refuses such a sequence anyway).
 */
export async function motionCheck(frames: readonly FrameAnalysis[], measure: MotionCheck, frameBytes: readonly Buffer[] = []): Promise<SequenceCheck> {
  const withFace = frames.filter((f) => f.landmarks);
  const bytesWithFace = frames.flatMap((f, i) => (f.landmarks && frameBytes[i] ? [frameBytes[i]] : []));
  const base = { name: 'motion-parallax', value: null, threshold: null, refuses: true };
  if (frames.length === 1) return { ...base, outcome: 'not-computed', reason: 'a still (one frame) cannot show motion' };
  if (withFace.length < 2) return { ...base, outcome: 'not-computed', reason: `${withFace.length} of ${frames.length} frames show a face: no motion to measure` };
  try {
    const views = withFace.map((f) => validateLandmarks(f.landmarks!, f.width, f.height));
    const r = await measure(views, bytesWithFace);
    const method = r.method === 'texture' ? { landmarkValue: r.landmarkValue ?? null, occlusion: r.occlusion ?? null } : {};
    return {
      name: 'motion-parallax', value: r.value, threshold: r.threshold, outcome: r.outcome, reason: r.reason,
      refuses: r.outcome !== 'pass', detail: { motionDeg: r.motion, framesUsed: withFace.length, perFrame: r.perFrame, ...method },
    };
  } catch (error) {
    return { ...base, outcome: 'not-computed', reason: `refused with an error: ${(error as Error).message}` };
  }
}

export function passivePadCheck(): SequenceCheck {
  return { name: 'passive-pad', value: null, threshold: null, outcome: 'not-configured', refuses: false, reason: 'no passive presentation-attack model is configured' };
}

/** The steps a sequence's note says were asked (`steps=turn-left+look-up`); null when it does not say. */
export function askedSteps(note: string): ChallengeKind[] | null {
  const field = note.split(/\s+/).find((f) => f.startsWith('steps='));
  if (!field) return null;
  const steps = field.slice('steps='.length).split('+').filter((k) => k.length > 0);
  const unknown = steps.find((k) => !(CHALLENGE_KINDS as readonly string[]).includes(k));
  if (unknown !== undefined) throw new Error(`note ${JSON.stringify(note)}: unknown challenge step ${JSON.stringify(unknown)}`);
  return steps.length > 0 ? (steps as ChallengeKind[]) : null;
}

/**
 * The server's step judgement on the frames that show a face (the frames check refuses a sequence where
 * one does not). Value: how many of the asked steps were found in order.
 */
export function challengeStepsCheck(frames: readonly FrameAnalysis[], steps: readonly ChallengeKind[], settings: ChallengeSettings): SequenceCheck {
  const base = { name: 'challenge-steps', threshold: steps.length };
  const withFace = frames.filter((f) => f.landmarks);
  if (withFace.length < 2) return { ...base, value: null, outcome: 'not-computed', refuses: true, reason: `${withFace.length} of ${frames.length} frames show a face: no steps to judge` };
  const views = withFace.map((f) => validateLandmarks(f.landmarks!, f.width, f.height));
  const judged = judgeChallengeSteps(steps, views, settings);
  return {
    ...base, value: judged.stepsSeen, outcome: judged.passed ? 'pass' : 'fail', refuses: !judged.passed, reason: judged.reason,
    detail: { steps, yawDeg: judged.yawDeg, pitchDeg: judged.pitchDeg },
  };
}

export interface SequenceVerdict {
  readonly checks: SequenceCheck[];
  readonly accepted: boolean;
  /** Names of the checks that refused it. */
  readonly refusedBy: string[];
}

/** The asked steps (null: not known) and the settings to judge them with. */
export interface StepsToJudge {
  readonly steps: readonly ChallengeKind[] | null;
  readonly settings: ChallengeSettings;
}

let shippedInjection: InjectionSignalConfig | undefined;

/** liveness.injection as the server ships it: the settings a caller that names none is judged with. */
export function shippedInjectionConfig(): InjectionSignalConfig {
  shippedInjection ??= buildConfig({}).liveness.injection;
  return shippedInjection;
}

/**
 * Every check on one sequence. `frameBytes`: the frames' bytes, same order (the motion check tracks their
 * texture, near-identical-frames compares their thumbnails); without them near-identical-frames is not computed.
 */
export async function judgeSequence(
  frames: readonly FrameAnalysis[], measure: MotionCheck, frameBytes: readonly Buffer[] = [], challenge?: StepsToJudge,
  injection: InjectionSignalConfig = shippedInjectionConfig(),
): Promise<SequenceVerdict> {
  const checks = [framesCheck(frames), await motionCheck(frames, measure, frameBytes)];
  if (challenge?.steps) checks.push(challengeStepsCheck(frames, challenge.steps, challenge.settings));
  const thumbnails = frames.length < 2 ? [] : await frameThumbnails(frameBytes, injection.nearIdenticalFrames.thumbnailSize);
  checks.push(...injectionChecks(frames, thumbnails, injection), passivePadCheck());
  const refusedBy = checks.filter((c) => c.refuses).map((c) => c.name);
  return { checks, accepted: refusedBy.length === 0, refusedBy };
}
