// The 1:N template index (src/biometrics/template-index.ts over native/src/search): every encoding ranks
// like an exhaustive float32 scan (float32 exactly, int8 and float16 once the candidates are re-scored),
// add/remove/replace by profile id, and every bad argument refused with a message before native code runs.
import t from 'tap';
import { TemplateIndex, TEMPLATE_INDEX_LIMITS, type TemplateEncoding } from '../../src/biometrics/template-index.js';
import { SyntheticPopulation, l2 } from '../../bench/search/synthetic-templates.js';

const DIM = 128;
const N = 3000;
const population = new SyntheticPopulation({ identities: N, dimension: DIM, seed: 7 });
const enrolled = Array.from({ length: N }, (_, i) => population.capture(i));
const queries = Array.from({ length: 40 }, (_, i) => ({ mate: (i * 71) % N, vector: population.capture((i * 71) % N) }));

function bruteForce(q: Float32Array, k: number, live: (i: number) => boolean = () => true): { id: number; d: number }[] {
  return enrolled.map((v, id) => ({ id, d: l2(q, v) })).filter((c) => live(c.id)).sort((a, b) => a.d - b.d).slice(0, k);
}

async function filled(encoding: TemplateEncoding, threads = 2): Promise<TemplateIndex> {
  const index = new TemplateIndex({ dimension: DIM, encoding, threads });
  await index.add(enrolled.map((vector, i) => ({ profileId: `p${i}`, vector })));
  return index;
}

t.test('float32: the same top 10, in the same order and distances, as an exhaustive float32 scan', async (t) => {
  const index = await filled('float32');
  t.equal(index.size, N);
  for (const q of queries) {
    const got = await index.search(q.vector, 10);
    const want = bruteForce(q.vector, 10);
    t.same(got.map((c) => c.profileId), want.map((c) => `p${c.id}`));
    got.forEach((c, i) => t.ok(Math.abs(c.approximateDistance - want[i].d) < 1e-4, `distance ${c.approximateDistance} ~ ${want[i].d}`));
  }
});

t.test('int8 and float16: the mate first after the exact re-score, and the exhaustive top 10 recalled', async (t) => {
  for (const encoding of ['int8', 'float16'] as const) {
    const index = await filled(encoding, 1);
    let recalled = 0;
    for (const q of queries) {
      const got = await index.search(q.vector, 10);
      const rescored = got.map((c) => ({ id: Number(c.profileId.slice(1)), d: l2(q.vector, enrolled[Number(c.profileId.slice(1))]) })).sort((a, b) => a.d - b.d);
      t.equal(rescored[0].id, q.mate, `${encoding}: the mate is first`);
      const want = new Set(bruteForce(q.vector, 10).map((c) => c.id));
      recalled += got.filter((c) => want.has(Number(c.profileId.slice(1)))).length;
      for (const c of got) t.ok(Math.abs(c.approximateDistance - l2(q.vector, enrolled[Number(c.profileId.slice(1))])) < 0.01, `${encoding}: approximate distance within 0.01`);
    }
    t.ok(recalled / (queries.length * 10) >= 0.9, `${encoding}: ${recalled} of ${queries.length * 10} exhaustive top-10 neighbours recalled`);
  }
});

t.test('remove and replace by profile id; a freed slot is reused and never returned', async (t) => {
  const index = await filled('int8');
  const q = queries[0];
  await index.remove([`p${q.mate}`, 'no-such-profile']);
  t.equal(index.size, N - 1);
  t.notOk(index.has(`p${q.mate}`));
  const after = await index.search(q.vector, 5);
  t.notOk(after.some((c) => c.profileId === `p${q.mate}`), 'the removed template is gone');
  t.equal(after[0].profileId, `p${bruteForce(q.vector, 1, (i) => i !== q.mate)[0].id}`);
  // A new profile takes the freed slot; re-adding an id replaces its template.
  await index.add([{ profileId: 'fresh', vector: q.vector }]);
  t.equal(index.info().slots, N, 'the freed slot was reused');
  t.same((await index.search(q.vector, 1)).map((c) => c.profileId), ['fresh']);
  await index.add([{ profileId: 'fresh', vector: enrolled[5] }]);
  t.equal(index.size, N);
  t.same((await index.search(enrolled[5], 2)).map((c) => c.profileId).sort(), ['fresh', 'p5']);
  const info = index.info();
  t.match(info, { dimension: DIM, encoding: 'int8', live: N, bytesPerTemplate: DIM + 8 });
});

t.test('fewer templates than k: all of them; an empty index: none', async (t) => {
  const index = new TemplateIndex({ dimension: DIM, encoding: 'float16', threads: 2 });
  t.same(await index.search(queries[0].vector, 5), []);
  await index.add([{ profileId: 'a', vector: enrolled[0] }, { profileId: 'b', vector: enrolled[1] }]);
  t.equal((await index.search(queries[0].vector, 5)).length, 2);
});

t.test('bad arguments are refused with a message, and change nothing', async (t) => {
  const index = await filled('int8');
  const bad = (message: RegExp) => ({ code: 'ERR_BAD_REQUEST', status: 400, message });
  t.throws(() => new TemplateIndex({ dimension: 0, encoding: 'int8', threads: 1 }), bad(/dimension must be an integer 1\.\.1024, got 0/));
  t.throws(() => new TemplateIndex({ dimension: 128, encoding: 'int4' as TemplateEncoding, threads: 1 }), bad(/encoding must be int8 \| float16 \| float32, got int4/));
  t.throws(() => new TemplateIndex({ dimension: 128, encoding: 'int8', threads: 99 }), bad(/threads must be an integer 1\.\.16/));
  t.throws(() => index.search(new Float32Array(127), 5), bad(/query holds 127 values, the index's templates 128/));
  const nan = Float32Array.from(enrolled[0]);
  nan[3] = Number.NaN;
  t.throws(() => index.search(nan, 5), bad(/query holds NaN or infinity at 3/));
  t.throws(() => index.search(enrolled[0], 0), bad(/k must be an integer 1\.\.1000, got 0/));
  t.throws(() => index.search(enrolled[0], 1e9), bad(/k must be an integer 1\.\.1000, got 1000000000/));
  t.throws(() => index.search([1, 2, 3] as unknown as Float32Array, 5), bad(/query must be a Float32Array/));
  t.throws(() => index.add([{ profileId: 'x', vector: nan }]), bad(/entry 0 \(x\) holds NaN or infinity at 3/));
  t.throws(() => index.add([{ profileId: 'x', vector: enrolled[0] }, { profileId: 'x', vector: enrolled[1] }]), bad(/profile x appears twice/));
  t.throws(() => index.add([{ profileId: '', vector: enrolled[0] }]), bad(/profileId must be a string of 1\.\.200 characters/));
  t.throws(() => index.add(new Array(TEMPLATE_INDEX_LIMITS.maxBatch + 1).fill({ profileId: 'y', vector: enrolled[0] })), bad(/at most 100000 templates per add/));
  t.equal(index.size, N, 'nothing was added or removed');
  t.equal((await index.search(queries[1].vector, 1))[0].profileId, `p${queries[1].mate}`);
});
