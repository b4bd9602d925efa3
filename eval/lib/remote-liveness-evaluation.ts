// The harness of `npm run eval:remote-liveness`: every sequence of a data folder through the real face
// engine frame by frame, then through the server's browser-liveness checks (remote-liveness-checks.ts).
import { readFileSync } from 'node:fs';
import type { FaceEngine } from '../../src/biometrics/face-engine.js';
import type { FrameAnalysisCache } from './frame-analysis-cache.js';
import type { LivenessConfig } from '../../src/config/sections/liveness.js';
import { askedSteps, judgeSequence, type MotionCheck } from './remote-liveness-checks.js';
import type { SequenceOutcome } from './remote-liveness-metrics.js';
import { analyseSequenceFrames, type FrameAnalysis } from './sequence-frames.js';
import type { LivenessSequence } from './sequences-csv.js';

/** One frame as outcomes.json records it (the landmarks themselves are left out). */
export type FrameSummary = Omit<FrameAnalysis, 'landmarks'>;

export interface EvaluatedSequence extends SequenceOutcome {
  readonly note: string;
  readonly frames: readonly FrameSummary[];
}

export async function evaluateSequences(
  engine: FaceEngine, sequences: readonly LivenessSequence[], measure: MotionCheck,
  progress: (done: number, s: EvaluatedSequence) => void = () => {}, cache?: FrameAnalysisCache,
  liveness?: Pick<LivenessConfig, 'challenge' | 'injection'>,
): Promise<EvaluatedSequence[]> {
  const out: EvaluatedSequence[] = [];
  for (const s of sequences) {
    const frames = cache ? await cache.analyse(engine, s.sequence, s.frames, s.framePaths) : await analyseSequenceFrames(engine, s.frames, s.framePaths);
    // The frames' bytes again for the motion check, which tracks their texture as the server does, and for
    // the thumbnails of near-identical-frames. The step judgement runs when the caller gives the liveness
    // settings; it is scored only on sequences whose note names the asked steps. Without them the injection
    // signals are judged with the shipped liveness.injection.
    const challenge = liveness ? { steps: askedSteps(s.note), settings: liveness.challenge } : undefined;
    const verdict = await judgeSequence(frames, measure, s.framePaths.map((file) => readFileSync(file)), challenge, liveness?.injection);
    const evaluated: EvaluatedSequence = {
      sequence: s.sequence, label: s.label, species: s.species, source: s.source, note: s.note, frameCount: frames.length,
      checks: verdict.checks, accepted: verdict.accepted, refusedBy: verdict.refusedBy,
      frames: frames.map(({ landmarks: _landmarks, ...summary }) => summary),
    };
    out.push(evaluated);
    progress(out.length, evaluated);
  }
  return out;
}
