import t from 'tap';
import {
  detCurve,
  distancesFromSimilarities,
  equalErrorRate,
  errorRatesAt,
  fnmrAtFmr,
  binomialUpperBound,
} from '../../eval/lib/verification-metrics.js';

// Hand-worked example. Sorted distances and what accepting "distance <= t" gives:
//   t     -inf  0.2  0.4  0.5  0.6  0.7  0.8  0.9  1.1  1.3
//   FMR    0    0    0    .2   .2   .4   .4   .6   .8   1
//   FNMR   1    .75  .5   .5   .25  .25  0    0    0    0
const example = { genuine: [0.8, 0.2, 0.6, 0.4], impostor: [1.3, 0.5, 0.9, 0.7, 1.1] };

t.test('errorRatesAt counts impostors at or below and genuines above the threshold', async (t) => {
  t.same(errorRatesAt(example, 0.65), { threshold: 0.65, fmr: 0.2, fnmr: 0.25, falseMatches: 1, falseNonMatches: 1 });
  t.same(errorRatesAt(example, 0.5), { threshold: 0.5, fmr: 0.2, fnmr: 0.5, falseMatches: 1, falseNonMatches: 2 });
  t.same(errorRatesAt(example, 0), { threshold: 0, fmr: 0, fnmr: 1, falseMatches: 0, falseNonMatches: 4 });
  t.same(errorRatesAt(example, 2), { threshold: 2, fmr: 1, fnmr: 0, falseMatches: 5, falseNonMatches: 0 });
  // A distance equal to the threshold is a match, for genuine and impostor alike.
  t.same(errorRatesAt({ genuine: [0.5, 0.5], impostor: [0.5, 1] }, 0.5), { threshold: 0.5, fmr: 0.5, fnmr: 0, falseMatches: 1, falseNonMatches: 0 });
});

t.test('detCurve has the accept-nothing point and one point per distinct distance', async (t) => {
  const curve = detCurve(example);
  t.same(curve.map((p) => p.threshold), [-Infinity, 0.2, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.1, 1.3]);
  t.same(curve.map((p) => p.fmr), [0, 0, 0, 0.2, 0.2, 0.4, 0.4, 0.6, 0.8, 1]);
  t.same(curve.map((p) => p.fnmr), [1, 0.75, 0.5, 0.5, 0.25, 0.25, 0, 0, 0, 0]);
  t.equal(detCurve({ genuine: [1, 1, 2], impostor: [2, 3] }).length, 4, 'repeated distances give one point');
});

t.test('equalErrorRate interpolates on the DET segment that crosses FMR = FNMR', async (t) => {
  // Crossing between t=0.6 (FMR .2, FNMR .25) and t=0.7 (FMR .4, FNMR .25): gaps +.05 and -.15, so a quarter
  // of the way along: EER = .2 + .25 * .2 = .25 at threshold .6 + .25 * .1 = .625.
  const eer = equalErrorRate(example);
  t.equal(Number(eer.eer.toFixed(12)), 0.25);
  t.equal(Number(eer.threshold.toFixed(12)), 0.625);
  t.equal(eer.below.threshold, 0.6);
  t.equal(eer.above.threshold, 0.7);

  // Separable classes: EER 0 at the largest genuine distance.
  const separable = equalErrorRate({ genuine: [0.1, 0.2], impostor: [0.5, 0.6] });
  t.equal(separable.eer, 0);
  t.equal(separable.threshold, 0.2);

  // An exact crossing at an observed point: t=0.5 gives FMR .5 and FNMR .5.
  const exact = equalErrorRate({ genuine: [0.1, 0.9], impostor: [0.5, 1.5] });
  t.equal(exact.eer, 0.5);
  t.equal(exact.threshold, 0.5);
});

t.test('fnmrAtFmr takes the largest distance whose FMR stays within the target', async (t) => {
  const at20 = fnmrAtFmr(example, 0.2);
  t.equal(at20.resolvable, true);
  t.equal(at20.fmrResolution, 0.2);
  t.same(at20.point, { threshold: 0.6, fmr: 0.2, fnmr: 0.25, falseMatches: 1, falseNonMatches: 1 });
  t.equal(at20.nextImpostorDistance, 0.7, 'thresholds up to the next impostor behave the same');
  t.equal(at20.note, 'threshold = largest distance with at most 1 of 5 impostor comparisons accepted (no interpolation)');

  const at50 = fnmrAtFmr(example, 0.5);
  t.equal(at50.point.threshold, 0.8, 'two false matches allowed (floor of 2.5)');
  t.equal(at50.point.fnmr, 0);
});

t.test('fnmrAtFmr says so when the impostor count cannot resolve the target', async (t) => {
  const at10 = fnmrAtFmr(example, 0.1);
  t.equal(at10.resolvable, false);
  t.same(at10.point, { threshold: 0.4, fmr: 0, fnmr: 0.5, falseMatches: 0, falseNonMatches: 2 });
  t.ok(Math.abs(at10.fmrUpper95 - (1 - 0.05 ** (1 / 5))) < 1e-12, 'exact bound for 0 of 5');

  // The project's dev set: 336 impostor comparisons resolve 1e-2 (3 false matches allowed) but not 1e-3.
  const impostor = Array.from({ length: 336 }, (_, i) => 1 + i / 336);
  const devLike = { genuine: [0.3, 0.5, 1.005, 2], impostor };
  const at1e2 = fnmrAtFmr(devLike, 1e-2);
  t.equal(at1e2.resolvable, true);
  t.equal(at1e2.point.falseMatches, 3);
  t.equal(at1e2.point.threshold, impostor[2]);
  const at1e3 = fnmrAtFmr(devLike, 1e-3);
  t.equal(at1e3.resolvable, false);
  t.equal(at1e3.point.threshold, 0.5);
  t.equal(at1e3.point.fnmr, 0.5);
  t.equal(at1e3.nextImpostorDistance, 1);
  t.equal(
    at1e3.note,
    'not resolvable: 336 impostor comparisons resolve FMR only down to 1/336 = 2.98e-3; reported is the zero-false-match point, ' +
      'whose true FMR is only known to be below 8.88e-3 (95% upper bound)',
  );
});

t.test('a failed comparison entered as +Infinity never matches', async (t) => {
  const withFailures = { genuine: [0.2, Infinity], impostor: [0.5, Infinity] };
  t.same(errorRatesAt(withFailures, 0.3), { threshold: 0.3, fmr: 0, fnmr: 0.5, falseMatches: 0, falseNonMatches: 1 });
  t.equal(equalErrorRate(withFailures).eer, 0.5);
});

t.test('binomialUpperBound is the exact one-sided Clopper-Pearson bound', async (t) => {
  // 0 errors: closed form 1 - alpha^(1/n); 336 trials at 95% gives 8.876e-3 (rule of three: 8.93e-3).
  t.ok(Math.abs(binomialUpperBound(0, 336, 0.95) - (1 - 0.05 ** (1 / 336))) < 1e-12);
  t.equal(binomialUpperBound(0, 336, 0.95).toFixed(6), '0.008876');
  // 1 error in 10 at 95%: the p with (1-p)^10 + 10 p (1-p)^9 = 0.05 is 0.3942 (Clopper-Pearson tables).
  t.equal(binomialUpperBound(1, 10, 0.95).toFixed(4), '0.3942');
  t.equal(binomialUpperBound(5, 5, 0.95), 1);
});

t.test('similarities are negated into distances', async (t) => {
  const distances = distancesFromSimilarities({ genuine: [0.9, 0.7], impostor: [0.1] });
  t.same(distances, { genuine: [-0.9, -0.7], impostor: [-0.1] });
  t.equal(fnmrAtFmr(distances, 0.5).point.fnmr, 0);
});

t.test('bad inputs are refused with a message naming the problem', async (t) => {
  t.throws(() => errorRatesAt({ genuine: [], impostor: [1] }, 0.5), new RangeError('error rates need genuine and impostor comparisons (got 0 genuine, 1 impostor)'));
  t.throws(
    () => detCurve({ genuine: [0.1, Number.NaN], impostor: [1] }),
    new RangeError('comparison distances must be numbers, +Infinity for a failed comparison (got NaN)'),
  );
  t.throws(() => binomialUpperBound(3, 2, 0.95), new RangeError('need integers 0 <= errors <= trials, trials >= 1 (got 3 of 2)'));
  t.throws(() => fnmrAtFmr(example, 0), new RangeError('target FMR must lie in (0, 1) (got 0)'));
  t.throws(() => fnmrAtFmr(example, 1.5), new RangeError('target FMR must lie in (0, 1) (got 1.5)'));
});
