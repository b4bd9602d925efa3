// The depth-liveness evaluation across seeds: which seeds were tuned on, the --seeds list, and each
// species' worst seed with its Clopper-Pearson bound next to the pooled figure.
import t from 'tap';
import { rate, type LivenessFigures } from '../../eval/lib/liveness-metrics.js';
import { HELD_OUT_SEEDS, parseSeedList, seedRole, TUNING_SEEDS, worstAcrossSeeds } from '../../eval/lib/liveness-seeds.js';

const figures = (apcer: Record<string, [number, number]>, bpcer: [number, number]): LivenessFigures => ({
  apcer: Object.fromEntries(Object.entries(apcer).map(([s, [e, n]]) => [s, rate(e, n)])),
  worstApcer: null, worstFlatApcer: null, bpcer: rate(...bpcer), bpcerByCell: {}, bonaFideNotComputed: rate(0, bpcer[1]), bonaFideFailures: {},
});

t.test('seed roles: tuning and held-out seeds are disjoint; anything else is untuned', async (t) => {
  t.notOk(TUNING_SEEDS.some((s) => HELD_OUT_SEEDS.includes(s)), 'no seed is both');
  t.ok(HELD_OUT_SEEDS.length >= 3, 'at least three held-out seeds');
  t.equal(seedRole('eval-liveness-1'), 'tuning');
  t.equal(seedRole(HELD_OUT_SEEDS[0]), 'held-out');
  t.equal(seedRole('fresh-seed'), 'untuned');
});

t.test('--seeds / --seed', async (t) => {
  t.same(parseSeedList(undefined, undefined), [...HELD_OUT_SEEDS], 'default: the held-out seeds');
  t.same(parseSeedList('a, b,c', undefined), ['a', 'b', 'c']);
  t.same(parseSeedList(undefined, 'only'), ['only'], '--seed is one seed');
  t.throws(() => parseSeedList('a', 'b'), /not both/);
  t.throws(() => parseSeedList('a,,b', undefined), /1\.\.100 characters/);
  t.throws(() => parseSeedList('a,b,a', undefined), /listed twice/);
});

t.test('worst case across seeds: the worst seed per species, ties to the larger bound, pooled beside it', async (t) => {
  const w = worstAcrossSeeds([
    { seed: 's1', role: 'tuning', figures: figures({ 'print-curved': [0, 150], 'print-flat': [0, 150] }, [1, 630]) },
    { seed: 's2', role: 'held-out', figures: figures({ 'print-curved': [1, 150], 'print-flat': [0, 50] }, [0, 630]) },
    { seed: 's3', role: 'held-out', figures: figures({ 'print-curved': [0, 150] }, [2, 630]) },
  ]);
  t.match(w.apcer['print-curved'], { worstSeed: 's2', worst: { errors: 1, total: 150 }, pooled: { errors: 1, total: 450 } });
  t.equal(w.apcer['print-curved'].worst.upper95, rate(1, 150).upper95, 'the worst seed keeps its own Clopper-Pearson bound');
  t.match(w.apcer['print-flat'], { worstSeed: 's2', worst: { errors: 0, total: 50 }, pooled: { errors: 0, total: 200 } }, 'all zero: the seed with the largest bound (fewest captures)');
  t.match(w.bpcer, { worstSeed: 's3', worst: { errors: 2, total: 630 }, pooled: { errors: 3, total: 1890 } });
  t.throws(() => worstAcrossSeeds([]), /at least one seed/);
});
