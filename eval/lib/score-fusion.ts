// Score-level fusion of two embedders: logistic regression on the pair's two distances,
//   log-odds(same person) = w0 + w1 * d1 + w2 * d2,
// fitted by Newton's method (IRLS) with both classes weighted equally and a small ridge term, on
// standardised distances. The fused comparison is the negated log-odds, a distance like the others
// (smaller = more alike). Held-out figures come from leave-one-group-out: every pair is scored by a
// model fitted without its group (its source set), so nothing reported was fitted on itself.

export interface FusionModel {
  /** Applied to standardised inputs: z_j = (d_j - mean_j) / sd_j. */
  readonly mean: readonly [number, number];
  readonly sd: readonly [number, number];
  readonly weights: readonly [number, number, number];
}

export interface FusionSample {
  readonly d: readonly [number, number];
  readonly same: boolean;
}

const RIDGE = 1e-3;

function meanSd(values: readonly number[]): [number, number] {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
  return [mean, Math.sqrt(variance) || 1];
}

export function fitFusion(samples: readonly FusionSample[]): FusionModel {
  const genuine = samples.filter((s) => s.same).length;
  const impostor = samples.length - genuine;
  if (genuine === 0 || impostor === 0) throw new RangeError(`fusion needs both classes (got ${genuine} genuine, ${impostor} impostor)`);
  const [m0, s0] = meanSd(samples.map((s) => s.d[0]));
  const [m1, s1] = meanSd(samples.map((s) => s.d[1]));
  const rows = samples.map((s) => ({ x: [1, (s.d[0] - m0) / s0, (s.d[1] - m1) / s1], y: s.same ? 1 : 0, w: s.same ? 0.5 / genuine : 0.5 / impostor }));
  let beta = [0, 0, 0];
  for (let iter = 0; iter < 100; iter++) {
    const grad = [0, 0, 0];
    const hess = [[RIDGE, 0, 0], [0, RIDGE, 0], [0, 0, RIDGE]];
    for (let j = 0; j < 3; j++) grad[j] = -RIDGE * beta[j];
    for (const r of rows) {
      const eta = beta[0] * r.x[0] + beta[1] * r.x[1] + beta[2] * r.x[2];
      const p = 1 / (1 + Math.exp(-eta));
      for (let j = 0; j < 3; j++) {
        grad[j] += r.w * (r.y - p) * r.x[j];
        for (let k = 0; k < 3; k++) hess[j][k] += r.w * p * (1 - p) * r.x[j] * r.x[k];
      }
    }
    const step = solve3(hess, grad);
    beta = beta.map((b, j) => b + step[j]);
    if (Math.max(...step.map(Math.abs)) < 1e-10) break;
  }
  return { mean: [m0, m1], sd: [s0, s1], weights: [beta[0], beta[1], beta[2]] };
}

/** Negated log-odds of "same person": a fused distance. */
export function fusedDistance(model: FusionModel, d: readonly [number, number]): number {
  const z0 = (d[0] - model.mean[0]) / model.sd[0];
  const z1 = (d[1] - model.mean[1]) / model.sd[1];
  return -(model.weights[0] + model.weights[1] * z0 + model.weights[2] * z1);
}

/** Every sample scored by a model fitted on the other groups; returns the held-out fused distances and the models. */
export function leaveOneGroupOut(
  samples: readonly (FusionSample & { readonly group: string })[],
): { distances: number[]; models: Map<string, FusionModel> } {
  const groups = [...new Set(samples.map((s) => s.group))].sort();
  if (groups.length < 2) throw new RangeError('leave-one-group-out needs at least 2 groups');
  const models = new Map<string, FusionModel>();
  for (const g of groups) models.set(g, fitFusion(samples.filter((s) => s.group !== g)));
  return { distances: samples.map((s) => fusedDistance(models.get(s.group)!, s.d)), models };
}

function solve3(a: number[][], b: number[]): number[] {
  const m = a.map((row, i) => [...row, b[i]]);
  for (let col = 0; col < 3; col++) {
    let pivot = col;
    for (let r = col + 1; r < 3; r++) if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) pivot = r;
    [m[col], m[pivot]] = [m[pivot], m[col]];
    for (let r = 0; r < 3; r++) {
      if (r === col) continue;
      const f = m[r][col] / m[col][col];
      for (let c = col; c < 4; c++) m[r][c] -= f * m[col][c];
    }
  }
  return [m[0][3] / m[0][0], m[1][3] / m[1][1], m[2][3] / m[2][2]];
}
