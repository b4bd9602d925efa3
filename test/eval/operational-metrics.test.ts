// The operational-rate metrics of eval:faces on hand-computed cases: Clopper-Pearson intervals, the
// rule-of-three estimability limit, FNMR at a target FMR with its pair counts, the within-set pair
// enumeration, the impostor-tail extrapolation and the held-out score fusion.
import t, { type Test } from 'tap';
import { binomialCdf, binomialLowerBound, clopperPearson95, estimableAt, ruleOfThree } from '../../eval/lib/rate-bounds.js';
import { operationalRate, operationalRates, ratesAtThreshold } from '../../eval/lib/operational-rates.js';
import { extrapolateImpostorTail, probit } from '../../eval/lib/tail-extrapolation.js';
import { withinSetPairs } from '../../eval/lib/within-set-pairs.js';
import { fitFusion, fusedDistance, leaveOneGroupOut } from '../../eval/lib/score-fusion.js';
import type { LabelledImage } from '../../eval/lib/faces-dataset.js';

const close = (t: Test, got: number, want: number, tol: number, what: string) => t.ok(Math.abs(got - want) <= tol, `${what}: ${got} ≈ ${want}`);

t.test('binomial CDF and Clopper-Pearson bounds', async (t) => {
  close(t, binomialCdf(1, 2, 0.5), 0.75, 1e-12, 'P(X <= 1), n 2, p 0.5');
  close(t, binomialCdf(0, 1_000_000, 1e-6), Math.exp(1_000_000 * Math.log1p(-1e-6)), 1e-12, 'no underflow at n = 1e6');
  // 0 of 10: upper = 1 - 0.025^(1/10) = 0.308497; 10 of 10: lower = 0.025^(1/10) = 0.691503.
  const none = clopperPearson95(0, 10);
  t.equal(none.lower95, 0);
  close(t, none.upper95, 1 - 0.025 ** 0.1, 1e-9, '0/10 upper');
  const all = clopperPearson95(10, 10);
  close(t, all.lower95, 0.025 ** 0.1, 1e-9, '10/10 lower');
  t.equal(all.upper95, 1);
  // 1 of 2: upper solves 1 - p^2 = 0.025 (p = sqrt(0.975)); lower solves 1 - (1 - p)^2 = 0.025.
  const half = clopperPearson95(1, 2);
  close(t, half.upper95, Math.sqrt(0.975), 1e-9, '1/2 upper');
  close(t, half.lower95, 1 - Math.sqrt(0.975), 1e-9, '1/2 lower');
  t.equal(half.rate, 0.5);
  t.equal(binomialLowerBound(0, 5, 0.975), 0);
  t.throws(() => clopperPearson95(3, 2), RangeError);
});

t.test('estimability follows the rule of three', async (t) => {
  t.equal(estimableAt(1e-2, 299), false);
  t.equal(estimableAt(1e-2, 300), true);
  t.equal(estimableAt(1e-4, 29_999), false);
  t.equal(estimableAt(1e-4, 30_000), true);
  t.equal(ruleOfThree(1018), 3 / 1018);
});

t.test('FNMR at FMR with counts and intervals, or "not estimable"', async (t) => {
  // 300 impostors: 0.35, 0.40, 0.45, 0.50 and 296 at 1.0; 4 genuine: 0.1, 0.2, 0.3, 0.9.
  const impostor = [0.35, 0.4, 0.45, 0.5, ...Array.from({ length: 296 }, () => 1)];
  const distances = { genuine: [0.1, 0.2, 0.3, 0.9], impostor };
  const at1e2 = operationalRate(distances, 1e-2);
  if (!at1e2.estimable) return t.fail('1e-2 is estimable with 300 impostors');
  t.equal(at1e2.threshold, 0.45, 'largest distance with at most 3 of 300 false matches');
  t.same([at1e2.fmr.errors, at1e2.fmr.trials, at1e2.fnmr.errors, at1e2.fnmr.trials], [3, 300, 1, 4]);
  const at1e3 = operationalRate(distances, 1e-3);
  t.same(at1e3, {
    targetFmr: 1e-3, estimable: false, genuine: 4, impostors: 300, ruleOfThreeBound: 0.01,
    note: 'not estimable at this FMR with 300 pairs (needs >= 3000); rule-of-three bound 1.00e-2',
  });
  t.same(operationalRates(distances).map((r) => r.estimable), [true, false, false], '1e-2, 1e-3, 1e-4');
  const shipped = ratesAtThreshold(distances, 0.3);
  t.same([shipped.fmr.errors, shipped.fnmr.errors], [0, 1], 'at 0.3: no impostor, the 0.9 genuine pair misses');
});

t.test('every within-set pair, none across sets, unlabelled images in none', async (t) => {
  const img = (p: string, sourceSet: string, identity: string): LabelledImage => ({ path: p, absolutePath: `/x/${p}`, sourceSet, identity, numFaces: identity ? 1 : -1 });
  const pairs = withinSetPairs([img('a1', 'A', 'x'), img('a2', 'A', 'x'), img('a3', 'A', 'y'), img('g', 'A', ''), img('b1', 'B', 'x')]);
  t.same(pairs.map((p) => `${p.pathA}-${p.pathB}:${p.same ? 'genuine' : 'impostor'}`), ['a1-a2:genuine', 'a1-a3:impostor', 'a2-a3:impostor']);
  t.same(pairs[1], { pathA: 'a1', pathB: 'a3', same: false, sourceSet: 'A', identityA: 'x', identityB: 'y' });
});

t.test('impostor tail extrapolation recovers a Gaussian tail exactly', async (t) => {
  close(t, probit(0.975), 1.959963985, 1e-8, 'probit(0.975)');
  close(t, probit(1e-4), -3.719016485, 1e-8, 'probit(1e-4)');
  close(t, probit(0.5), 0, 1e-12, 'probit(0.5)');
  const n = 100;
  const impostor = Array.from({ length: n }, (_, i) => 1 + 0.1 * probit((i + 0.5) / n)).reverse();
  const fit = extrapolateImpostorTail(impostor, 1e-4);
  t.equal(fit.tailPoints, 20, 'at least 20 points (10% of 100 is fewer)');
  close(t, fit.intercept, 1, 1e-9, 'intercept');
  close(t, fit.slope, 0.1, 1e-9, 'slope');
  close(t, fit.threshold, 1 + 0.1 * -3.719016485, 1e-8, 'threshold = 1 + 0.1 probit(1e-4)');
  t.throws(() => extrapolateImpostorTail([1, 2], 1e-4), RangeError);
});

t.test('score fusion: weights follow the informative distance; held-out scores ignore their own labels', async (t) => {
  // Same person exactly when d1 < 0.5; d2 is a fixed pattern unrelated to the label.
  const samples = Array.from({ length: 60 }, (_, i) => ({ d: [i < 20 ? 0.3 + i * 0.005 : 0.55 + i * 0.005, ((i * 7) % 10) / 10] as [number, number], same: i < 20, group: `g${i % 3}` }));
  const model = fitFusion(samples);
  t.ok(model.weights[1] < 0, 'a larger d1 lowers the log-odds of "same"');
  t.ok(Math.abs(model.weights[2]) < Math.abs(model.weights[1]) / 5, 'd2 carries little weight');
  t.ok(fusedDistance(model, [0.3, 0.5]) < fusedDistance(model, [0.7, 0.5]), 'fused distance rises with d1');
  const heldOut = leaveOneGroupOut(samples);
  t.same([...heldOut.models.keys()], ['g0', 'g1', 'g2']);
  // Flipping every label of g0 changes the models for g1 and g2 but not g0's own held-out scores.
  const flipped = samples.map((s) => (s.group === 'g0' ? { ...s, same: !s.same } : s));
  const again = leaveOneGroupOut(flipped);
  const g0 = (r: typeof heldOut) => r.distances.filter((_, i) => samples[i].group === 'g0');
  t.same(g0(again), g0(heldOut), 'g0 is scored by a model that never saw g0');
  t.not(again.distances[1], heldOut.distances[1], 'g1 is scored by a model that saw g0');
});
