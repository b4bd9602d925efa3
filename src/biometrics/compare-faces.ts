// compareFaces(a, b, policy): Euclidean distance between two descriptors, a calibrated score and the
// decision. The score is a logistic map of the distance,
//   score = 1 / (1 + exp(steepness * (distance - midpoint)))
// (Platt scaling): 0.5 at the midpoint, where same and different person are equally likely, rising
// towards 1 for smaller distances. Midpoint and steepness are fitted on evaluation pairs
// (biometrics.matching); the decision uses the threshold alone, so the score never changes a result.
import { biometricsDefaults } from '../config/sections/biometrics.js';
import { ProofgateError } from '../core/errors.js';

export interface MatchPolicy {
  /** Largest distance counted as the same person. */
  threshold: number;
  /** Distance at which the score is 0.5 (default: the threshold). */
  scoreMidpoint?: number;
  /** Default biometrics.matching.scoreSteepness's default, 12 (dlib descriptors: 0.4 -> 0.92, 0.6 -> 0.5, 0.8 -> 0.08). */
  scoreSteepness?: number;
}

export interface FaceComparison {
  distance: number;
  /** 0..1, larger is more alike; see the mapping above. */
  score: number;
  threshold: number;
  match: boolean;
}

/** biometrics.matching.scoreSteepness's default, for callers that pass a bare threshold. */
const DEFAULT_STEEPNESS = biometricsDefaults.matching.scoreSteepness;

export function compareFaces(a: Float32Array, b: Float32Array, policy: MatchPolicy | number): FaceComparison {
  const { threshold, scoreMidpoint = threshold, scoreSteepness = DEFAULT_STEEPNESS } = typeof policy === 'number' ? { threshold: policy } : policy;
  if (!(a instanceof Float32Array) || !(b instanceof Float32Array)) {
    throw new ProofgateError('ERR_BAD_REQUEST', 'compareFaces: both embeddings must be Float32Arrays', { status: 400 });
  }
  if (a.length !== b.length || a.length === 0) {
    throw new ProofgateError('ERR_BAD_REQUEST', `compareFaces: embeddings of different models (${a.length} vs ${b.length} values) cannot be compared`, { status: 400 });
  }
  if (!Number.isFinite(threshold) || threshold < 0 || !Number.isFinite(scoreMidpoint) || !(scoreSteepness > 0)) {
    throw new ProofgateError('ERR_BAD_REQUEST', 'compareFaces: threshold, midpoint and steepness must be finite and non-negative', { status: 400 });
  }
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    sum += d * d;
  }
  const distance = Math.sqrt(sum);
  if (!Number.isFinite(distance)) throw new ProofgateError('ERR_BAD_REQUEST', 'compareFaces: an embedding holds NaN or infinity', { status: 400 });
  return {
    distance,
    score: 1 / (1 + Math.exp(scoreSteepness * (distance - scoreMidpoint))),
    threshold,
    match: distance <= threshold,
  };
}
