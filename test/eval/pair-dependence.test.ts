// Distinct identities behind the pairs and the leave-one-set-out check of the "closest impostor − margin"
// threshold rule (eval/lib/pair-dependence.ts), on hand-computed cases.
import t from 'tap';
import { distinctIdentities, leaveOneSetOutMarginRule } from '../../eval/lib/pair-dependence.js';
import type { LabelledPair } from '../../eval/lib/within-set-pairs.js';

const pair = (sourceSet: string, identityA: string, identityB: string, n = 0): LabelledPair =>
  ({ pathA: `${sourceSet}/${identityA}${n}.jpg`, pathB: `${sourceSet}/${identityB}${n + 1}.jpg`, same: identityA === identityB, sourceSet, identityA, identityB });

t.test('distinct identities: many pairs, few people', async (t) => {
  const pairs = [pair('s1', 'ann', 'ann', 0), pair('s1', 'ann', 'ann', 2), pair('s1', 'bob', 'bob'), pair('s1', 'ann', 'bob', 0), pair('s1', 'bob', 'ann', 4), pair('s2', 'ann', 'bob')];
  t.same(distinctIdentities(pairs), { genuineIdentities: 2, impostorIdentityPairs: 2 }, 'ann/bob and bob/ann in s1 are one identity pair; s2 is another set');
});

t.test('the margin rule is fitted without the held-out set and judged on it', async (t) => {
  const scored = [
    { pair: pair('a', 'x', 'y'), distance: 0.6 }, { pair: pair('a', 'x', 'x'), distance: 0.3 },
    { pair: pair('b', 'x', 'y'), distance: 0.5 }, { pair: pair('b', 'x', 'x'), distance: 0.47 },
    { pair: pair('c', 'x', 'y'), distance: 0.55 }, { pair: pair('c', 'x', 'x'), distance: 0.52 },
  ];
  const r = leaveOneSetOutMarginRule(scored, 0.02);
  t.same(r.folds.map((f) => [f.set, Math.round(f.threshold * 100) / 100, f.falseMatches, f.falseNonMatches]), [
    ['a', 0.48, 0, 0], // closest impostor of b, c: 0.5
    ['b', 0.53, 1, 0], // closest of a, c: 0.55; b's impostor at 0.5 falls under it
    ['c', 0.48, 0, 1], // closest of a, b: 0.5; c's genuine at 0.52 is above it
  ]);
  t.same([r.fmr.errors, r.fmr.trials, r.fnmr.errors, r.fnmr.trials], [1, 3, 1, 3]);
  t.throws(() => leaveOneSetOutMarginRule(scored.filter((s) => s.pair.sourceSet === 'a'), 0.02), RangeError);
});
