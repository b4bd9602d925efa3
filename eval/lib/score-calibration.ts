// Fits the distance-to-score mapping that compareFaces() uses,
//   score(d) = 1 / (1 + exp(steepness * (d - midpoint))),
// to genuine and impostor distances (Platt scaling): a logistic regression of "same person" on distance.
// The two classes get equal total weight, so the midpoint is where same and different are equally likely
// under equal priors rather than under this data set's 1:2 genuine:impostor mix. Platt's smoothed targets
// ((n+ + 1)/(n+ + 2) and 1/(n- + 2) instead of 1 and 0) keep the fit finite when the classes separate.
import type { ComparisonDistances } from './verification-metrics.js';

export interface ScoreMapping {
  readonly midpoint: number;
  readonly steepness: number;
  /** Newton iterations used; the fit stops when a step moves both parameters by less than 1e-10. */
  readonly iterations: number;
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

export function fitScoreMapping(distances: ComparisonDistances): ScoreMapping {
  const genuine = distances.genuine.filter(Number.isFinite);
  const impostor = distances.impostor.filter(Number.isFinite);
  if (genuine.length === 0 || impostor.length === 0) {
    throw new RangeError(`a score mapping needs finite genuine and impostor distances (got ${genuine.length} and ${impostor.length})`);
  }
  const samples = [
    ...genuine.map((d) => ({ d, target: (genuine.length + 1) / (genuine.length + 2), weight: 0.5 / genuine.length })),
    ...impostor.map((d) => ({ d, target: 1 / (impostor.length + 2), weight: 0.5 / impostor.length })),
  ];
  // P(same | d) = sigmoid(a + b d); start flat at the midpoint between the class means.
  const meanOf = (values: readonly number[]): number => values.reduce((s, v) => s + v, 0) / values.length;
  let b = -1;
  let a = -b * ((meanOf(genuine) + meanOf(impostor)) / 2);
  for (let iteration = 1; iteration <= 100; iteration++) {
    let ga = 0;
    let gb = 0;
    let haa = 0;
    let hab = 0;
    let hbb = 0;
    for (const { d, target, weight } of samples) {
      const p = sigmoid(a + b * d);
      ga += weight * (target - p);
      gb += weight * (target - p) * d;
      const w = weight * p * (1 - p);
      haa += w;
      hab += w * d;
      hbb += w * d * d;
    }
    // Newton step on the (concave) log-likelihood: [a, b] += H^-1 g with H = the information matrix.
    const det = haa * hbb - hab * hab;
    if (!(det > 0)) throw new RangeError('score mapping fit failed: all distances are equal');
    const stepA = (hbb * ga - hab * gb) / det;
    const stepB = (haa * gb - hab * ga) / det;
    a += stepA;
    b += stepB;
    if (Math.abs(stepA) < 1e-10 && Math.abs(stepB) < 1e-10) return { midpoint: -a / b, steepness: -b, iterations: iteration };
  }
  throw new RangeError('score mapping fit did not converge in 100 Newton iterations');
}
