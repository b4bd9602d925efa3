// Several frames of one face, combined by their quality: the selfie and the challenge frames a kiosk or
// the challenge-only page films. Two uses:
//   weightedFaceMatch   the returning user's match: the selfie's own distance to the enrolled template AND
//                       the quality-weighted mean of each good frame's distance to it, both judged against
//                       the one threshold (both must be within it);
//   enrolmentEmbedding  a first-time enrolment's template: the quality-weighted mean of the good frames'
//                       normalised embeddings, scaled to their weighted mean length (one vector, so the
//                       store keeps its schema and a one-frame enrolment is exactly that frame's embedding).
// A good frame passes every selfie quality gate (verification.quality); its weight grows with the margin:
//   w = min(1, faceSizePx / (2·minFaceSizePx)) · min(1, sharpness / (2·minSharpness)) · (1 − ½·max(|yaw|/maxYaw, |pitch|/maxPitch, |roll|/maxRoll))
// so a frame twice the minimum size and sharpness, facing the camera, weighs 1 and one just at the gates
// ⅛. A frame below a gate weighs 0: a blurred or turned-away frame never pulls a genuine user down (nor an
// impostor up). Frames reach these functions only after the liveness check that every challenge frame is
// the selfie's person (liveness-challenge-same-person): a frame of someone else never helps, it denies.
// The weighted mean lies between the best and the worst frame's distance, so it matches only when some
// good frame does; averaging correlated frames narrows both the genuine and the impostor distributions.
// Frames can only deny, never carry: the weights follow quality measures the presenter controls (size,
// sharpness, pose), so heavy frames close to the template must not pull a selfie that is itself beyond
// the threshold under it. The selfie alone must match, and the weighted combination must match too.
// Templates stay behind face-template.ts's helpers (embeddingToTemplate / templateToEmbedding).
import type { CheckResult } from '../../core/domain.js';
import type { VerificationQualityConfig } from '../../config/sections/verification.js';
import type { FaceAnalysisResult, FaceAnalyzer, FaceQualityMeasures } from '../capture/ports.js';
import { checkSelfieQuality } from './check-selfie-quality.js';

/** One analysed frame: where it came from (for the audit), its embedding and quality measures. */
export interface FaceFrame {
  label: string;
  embedding: Float32Array;
  quality: FaceQualityMeasures;
}

export interface WeightedFrame extends FaceFrame {
  /** 0 when a quality gate failed (then `excludedBy` names it), else in (0, 1]. */
  weight: number;
  excludedBy: string | null;
}

/** Challenge frames as frames to combine (each has one face: liveness asked for a retry otherwise). */
export function challengeFaceFrames(analyses: readonly FaceAnalysisResult[]): FaceFrame[] {
  return analyses.flatMap((a, i) => (a.face ? [{ label: `challenge frame ${i}`, embedding: a.face.embedding, quality: a.face.quality }] : []));
}

const round = (n: number, places = 4) => Math.round(n * 10 ** places) / 10 ** places;
const ratio = (value: number, limit: number) => (limit > 0 ? Math.abs(value) / limit : 0);

/** The frame's weight in the combination (the rule above); 0 with the failed gate's name when it fails one. */
export function weighFrame(frame: FaceFrame, gates: VerificationQualityConfig): WeightedFrame {
  const failed = checkSelfieQuality(frame.quality, gates).find((c) => c.outcome !== 'pass');
  if (failed) return { ...frame, weight: 0, excludedBy: failed.name };
  const q = frame.quality;
  const size = Math.min(1, q.faceSizePx / (2 * gates.minFaceSizePx));
  const sharp = gates.minSharpness > 0 ? Math.min(1, q.sharpness / (2 * gates.minSharpness)) : 1;
  const pose = 1 - 0.5 * Math.min(1, Math.max(ratio(q.yaw, gates.maxYawDeg), ratio(q.pitch, gates.maxPitchDeg), ratio(q.roll, gates.maxRollDeg)));
  return { ...frame, weight: size * sharp * pose, excludedBy: null };
}

export interface WeightedMatch {
  /** Quality-weighted mean distance of the good frames to the template. */
  distance: number;
  /** The selfie's (the first frame's) own distance to the template. */
  selfieDistance: number;
  match: boolean;
  frames: Array<WeightedFrame & { distance: number | null }>;
  check: CheckResult;
}

/**
 * The face-match check over `frames` (the selfie first: it passed the gates, so at least one frame is
 * good). With the selfie alone it is the selfie's own distance, as a one-frame match always was.
 */
export async function weightedFaceMatch(
  engine: Pick<FaceAnalyzer, 'compareFaces'>, frames: readonly FaceFrame[], template: Float32Array, threshold: number, gates: VerificationQualityConfig,
): Promise<WeightedMatch> {
  const weighed: WeightedMatch['frames'] = [];
  let sum = 0;
  let total = 0;
  for (const frame of frames) {
    const w = weighFrame(frame, gates);
    if (w.weight === 0) {
      weighed.push({ ...w, distance: null });
      continue;
    }
    const { distance } = await engine.compareFaces(frame.embedding, template, threshold);
    weighed.push({ ...w, distance });
    sum += w.weight * distance;
    total += w.weight;
  }
  if (total === 0) throw new Error('weightedFaceMatch: no frame passed the quality gates (the selfie must)');
  const selfieExact = weighed[0].distance;
  if (selfieExact === null) throw new Error('weightedFaceMatch: the selfie (the first frame) must pass the quality gates');
  const exact = sum / total;
  // Both: the frames may deny a selfie that matches, never admit one that does not.
  const match = exact <= threshold && selfieExact <= threshold;
  const distance = round(exact);
  const selfieDistance = round(selfieExact);
  const within = (d: number, exactD: number) => `${d} ${exactD <= threshold ? '<=' : '>'} ${threshold}`;
  const used = weighed.filter((f) => f.distance !== null);
  const reason = frames.length === 1
    ? `embedding distance ${distance} ${match ? `<= ${threshold} (same person)` : `> ${threshold} (not the enrolled person)`}`
    : `selfie distance ${within(selfieDistance, selfieExact)} and quality-weighted distance ${within(distance, exact)} over ${used.length} of ${frames.length} frames: `
      + `${match ? 'same person' : 'not the enrolled person'} (both must be within the threshold); `
      + weighed.map((f) => (f.distance === null ? `${f.label} not used (${f.excludedBy})` : `${f.label} ${round(f.distance)} (weight ${round(f.weight, 3)})`)).join(', ');
  // The check's score is the larger of the two, so score <= threshold exactly when the check passes.
  const score = Math.max(distance, selfieDistance);
  return {
    distance, selfieDistance, match, frames: weighed,
    check: { name: 'face-match', score, threshold, outcome: match ? 'pass' : 'fail', reason: reason.length > 4000 ? `${reason.slice(0, 3997)}...` : reason },
  };
}

export interface EnrolmentEmbedding {
  embedding: Float32Array;
  frames: WeightedFrame[];
  /** The audit's account of it: frames used of frames offered, and their weights. */
  check: CheckResult;
}

/** The enrolment template of the good frames (the rule above); the selfie must be among them. */
export function enrolmentEmbedding(frames: readonly FaceFrame[], gates: VerificationQualityConfig): EnrolmentEmbedding {
  const weighed = frames.map((f) => weighFrame(f, gates));
  const good = weighed.filter((f) => f.weight > 0);
  if (good.length === 0) throw new Error('enrolmentEmbedding: no frame passed the quality gates (the selfie must)');
  if (good.length === 1) {
    return { embedding: good[0].embedding, frames: weighed, check: enrolmentFramesCheck(weighed, 1, frames.length) };
  }
  const length = good[0].embedding.length;
  if (good.some((f) => f.embedding.length !== length)) throw new Error('enrolmentEmbedding: frames of different embedders');
  const direction = new Float64Array(length);
  let norms = 0;
  let total = 0;
  for (const f of good) {
    const norm = Math.hypot(...f.embedding);
    if (!(norm > 0)) continue;
    for (let i = 0; i < length; i++) direction[i] += (f.weight * f.embedding[i]) / norm;
    norms += f.weight * norm;
    total += f.weight;
  }
  const size = Math.hypot(...direction);
  if (total === 0 || !(size > 0)) throw new Error('enrolmentEmbedding: the good frames have no direction in common');
  const scale = norms / total / size;
  const embedding = Float32Array.from(direction, (v) => v * scale);
  return { embedding, frames: weighed, check: enrolmentFramesCheck(weighed, good.length, frames.length) };
}

function enrolmentFramesCheck(weighed: readonly WeightedFrame[], used: number, offered: number): CheckResult {
  const reason = `template: quality-weighted mean of ${used} of ${offered} frame(s); `
    + weighed.map((f) => (f.weight > 0 ? `${f.label} weight ${round(f.weight, 3)}` : `${f.label} not used (${f.excludedBy})`)).join(', ');
  return { name: 'enrolment-frames', score: used, threshold: null, outcome: 'pass', reason: reason.length > 4000 ? `${reason.slice(0, 3997)}...` : reason };
}
