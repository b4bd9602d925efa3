// compareFaces: exact distances, the documented logistic score, the decision, and refusals.
import t from 'tap';
import { compareFaces } from '../../src/biometrics/compare-faces.js';

const vec = (...v: number[]) => Float32Array.from(v);

t.test('distance is Euclidean and the decision uses the threshold alone', async (t) => {
  const r = compareFaces(vec(0, 0, 0), vec(0.3, 0.4, 0), 0.6);
  t.equal(r.distance.toFixed(6), '0.500000');
  t.equal(r.threshold, 0.6);
  t.equal(r.match, true);
  // 0.5 and 0.625 are exact in float32, so these compare the boundary itself.
  t.equal(compareFaces(vec(0, 0), vec(0.5, 0), 0.5).match, true, 'equal to the threshold matches');
  t.equal(compareFaces(vec(0, 0), vec(0.625, 0), 0.5).match, false);
  t.same(compareFaces(vec(1, 2, 3), vec(1, 2, 3), 0.6), { distance: 0, score: 1 / (1 + Math.exp(12 * -0.6)), threshold: 0.6, match: true });
});

t.test('score = 1 / (1 + exp(steepness * (distance - midpoint)))', async (t) => {
  const at = (d: number, policy: Parameters<typeof compareFaces>[2]) => compareFaces(vec(0), vec(d), policy).score;
  t.equal(at(0.625, 0.625), 0.5, '0.5 at the midpoint (default: the threshold)');
  t.equal(at(0.4, 0.6).toFixed(4), (1 / (1 + Math.exp(-2.4))).toFixed(4), 'steepness 12 by default: 0.4 -> 0.917');
  t.equal(at(0.8, 0.6).toFixed(4), (1 / (1 + Math.exp(2.4))).toFixed(4), '0.8 -> 0.083');
  t.equal(at(0.5, { threshold: 0.45, scoreMidpoint: 0.5, scoreSteepness: 20 }), 0.5, 'the midpoint is independent of the threshold');
  const policy = { threshold: 0.45, scoreMidpoint: 0.5, scoreSteepness: 20 };
  t.equal(compareFaces(vec(0), vec(0.48), policy).match, false, 'the score (above 0.5 here) never changes the decision');
  t.ok(compareFaces(vec(0), vec(0.48), policy).score > 0.5);
  let previous = 1;
  for (let d = 0; d <= 1.5; d += 0.05) {
    const s = at(d, 0.6);
    t.ok(s <= previous && s >= 0 && s <= 1, `monotonic in 0..1 at ${d.toFixed(2)}`);
    previous = s;
  }
});

t.test('refuses what cannot be compared', async (t) => {
  t.throws(() => compareFaces(vec(1, 2), vec(1, 2, 3), 0.6), { code: 'ERR_BAD_REQUEST', message: 'compareFaces: embeddings of different models (2 vs 3 values) cannot be compared' });
  t.throws(() => compareFaces(vec(), vec(), 0.6), { code: 'ERR_BAD_REQUEST' });
  t.throws(() => compareFaces([1, 2] as never, vec(1, 2), 0.6), { code: 'ERR_BAD_REQUEST', message: 'compareFaces: both embeddings must be Float32Arrays' });
  t.throws(() => compareFaces(vec(NaN, 0), vec(0, 0), 0.6), { code: 'ERR_BAD_REQUEST', message: 'compareFaces: an embedding holds NaN or infinity' });
  t.throws(() => compareFaces(vec(0), vec(0), -1), { code: 'ERR_BAD_REQUEST' });
  t.throws(() => compareFaces(vec(0), vec(0), { threshold: 0.6, scoreSteepness: 0 }), { code: 'ERR_BAD_REQUEST' });
});
