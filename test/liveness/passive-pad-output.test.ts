// How a passive model's raw output becomes its live value and outcome (pure; no model needed).
import t from 'tap';
import { judgePassiveOutput, passiveLiveValue } from '../../src/liveness/passive-pad-output.js';

const f = (...v: number[]) => Float32Array.from(v);

t.test('softmax, sigmoid and score read the live value', async (t) => {
  t.ok(Math.abs(passiveLiveValue(f(0, Math.log(3)), { name: null, size: 2, kind: 'softmax', liveIndex: 1 }) - 0.75) < 1e-6);
  t.equal(passiveLiveValue(f(1000, 1000, -1000), { name: null, size: 3, kind: 'softmax', liveIndex: 1 }), 0.5, 'large logits stay finite');
  t.ok(Math.abs(passiveLiveValue(f(0), { name: null, size: 1, kind: 'sigmoid', liveIndex: 0 }) - 0.5) < 1e-9);
  t.equal(passiveLiveValue(f(0.2, 7.5), { name: null, size: 2, kind: 'score', liveIndex: 1 }), 7.5);
  t.throws(() => passiveLiveValue(f(1, 2, 3), { name: null, size: 2, kind: 'score', liveIndex: 1 }), /holds 3 values, not 2/);
});

t.test('pass at or above the threshold, fail below, fail on a non-number', async (t) => {
  const slot = { output: { name: null, size: 2, kind: 'score' as const, liveIndex: 1 }, threshold: 0.5 };
  t.same(judgePassiveOutput(f(0, 0.5), slot), { name: 'passive-pad', value: 0.5, threshold: 0.5, outcome: 'pass', reason: 'live score 0.5 >= 0.5' });
  t.same(judgePassiveOutput(f(0, 0.4999), slot), { name: 'passive-pad', value: 0.4999, threshold: 0.5, outcome: 'fail', reason: 'live score 0.4999 < 0.5' });
  t.match(judgePassiveOutput(f(Number.NaN, 0.9), slot), { value: null, outcome: 'fail', reason: /not a number/ });
});
