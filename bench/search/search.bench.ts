// 1:N search benchmark: `npm run bench:search [-- --templates N --queries Q --threads T --k K --seed S]`.
// Fixed, seeded synthetic templates (bench/search/synthetic-templates.ts: identities with capture noise,
// dlib's distance scale), one enrolled template per identity; each query is a fresh capture of a random
// enrolled identity (its "mate"). For each index encoding it measures the build (adding every template
// through TemplateIndex.add), one search at a time (median and p99 over all queries, after a warm-up),
// native memory per template, and the accuracy cost of quantisation after the exact float32 re-score of
// the top-k candidates (what the duplicate check does): recall@1 of the mate, the mate among the
// candidates, and FNMR at the duplicate threshold against an exhaustive exact float32 scan. The peer is a
// plain JavaScript exact scan over the same float32 templates, timed on a few queries in the same run.
// A benchmark, not a test: nothing fails on a number.
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { TemplateIndex, type TemplateEncoding } from '../../src/biometrics/template-index.js';
import { enrolmentDefaults, BUILT_IN_DUPLICATE_THRESHOLDS } from '../../src/config/sections/enrolment.js';
import { median, percentile } from '../../eval/lib/latency-stats.js';
import { SyntheticPopulation, l2 } from './synthetic-templates.js';

const { values } = parseArgs({
  options: {
    templates: { type: 'string', default: '1000000' },
    queries: { type: 'string', default: '300' },
    threads: { type: 'string', default: String(enrolmentDefaults.duplicates.searchThreads) },
    k: { type: 'string', default: String(enrolmentDefaults.duplicates.topK) },
    seed: { type: 'string', default: '20261206' },
    'peer-queries': { type: 'string', default: '10' },
  },
  strict: true,
});
const int = (name: keyof typeof values, min: number) => {
  const v = Number(values[name]);
  if (!Number.isInteger(v) || v < min) throw new Error(`--${name} must be an integer >= ${min} (got ${values[name]})`);
  return v;
};
const N = int('templates', 1000);
const Q = int('queries', 10);
const THREADS = int('threads', 1);
const K = int('k', 1);
const SEED = int('seed', 0);
const PEER_QUERIES = int('peer-queries', 1);
const DIM = 128;
const THRESHOLD = BUILT_IN_DUPLICATE_THRESHOLDS['dlib-resnet'];
const BATCH = 100_000;
const gc = (globalThis as { gc?: () => void }).gc;

const loadBefore = loadavg()[0];
const t0 = performance.now();
const population = new SyntheticPopulation({ identities: N, dimension: DIM, seed: SEED });
const enrolled = new Float32Array(N * DIM);
for (let i = 0; i < N; i++) enrolled.set(population.capture(i), i * DIM);
const mates = Array.from({ length: Q }, () => population.pick(N));
const queries = mates.map((id) => population.capture(id));
const generateMs = performance.now() - t0;
const profileIds = Array.from({ length: N }, (_, i) => `p${i}`);

// Ground truth: each query's mate and its exact distance (FNMR at the threshold needs nothing else). The
// peer's exhaustive exact scan runs on the first few queries only (~1.5 s each at 1M): it times the peer
// and checks that every index's re-scored top-1 is the exhaustive scan's nearest.
const mateDistance = queries.map((q, i) => l2(q, enrolled, mates[i] * DIM));
const exactPeerTimes: number[] = [];
const exhaustiveTop1: number[] = [];
for (let i = 0; i < Math.min(PEER_QUERIES, Q); i++) {
  const start = performance.now();
  let best = -1;
  let bestD = Infinity;
  for (let t = 0; t < N; t++) {
    const d = l2(queries[i], enrolled, t * DIM);
    if (d < bestD) { bestD = d; best = t; }
  }
  exactPeerTimes.push(performance.now() - start);
  exhaustiveTop1.push(best);
}
const fnmrExact = mateDistance.filter((d) => d > THRESHOLD).length;

interface Row {
  encoding: TemplateEncoding;
  threads: number;
  buildMs: number;
  p50: number;
  p99: number;
  /** CPU time (all threads, this process) per search, re-score included: what other load cannot inflate by waiting. */
  cpuMsPerSearch: number;
  bytesPerTemplate: number;
  indexMiB: number;
  kernels: string;
  mateInCandidates: number;
  recallAt1: number;
  detected: number;
  /** Re-scored top-1 equal to the exhaustive scan's nearest, on the peer's queries. */
  top1AsExhaustive: number;
  /** Each query's candidate ids, to compare with the float32 index's. */
  candidateIds: number[][];
  /** Mean |approximate - exact| distance over every candidate returned. */
  distanceError: number;
}

async function measure(encoding: TemplateEncoding, threads: number): Promise<Row> {
  gc?.();
  const index = new TemplateIndex({ dimension: DIM, encoding, threads });
  const buildStart = performance.now();
  for (let from = 0; from < N; from += BATCH) {
    const entries = [];
    for (let i = from; i < Math.min(N, from + BATCH); i++) entries.push({ profileId: profileIds[i], vector: enrolled.subarray(i * DIM, (i + 1) * DIM) });
    await index.add(entries);
  }
  const buildMs = performance.now() - buildStart;
  for (let i = 0; i < 10; i++) await index.search(queries[i % Q], K); // warm-up
  const times: number[] = [];
  const cpuBefore = process.cpuUsage();
  let mateInCandidates = 0;
  let recallAt1 = 0;
  let detected = 0;
  let top1AsExhaustive = 0;
  const candidateIds: number[][] = [];
  let errorSum = 0;
  let errorCount = 0;
  for (let i = 0; i < Q; i++) {
    const start = performance.now();
    const candidates = await index.search(queries[i], K);
    times.push(performance.now() - start);
    // The duplicate check's re-score: exact float32 distances of the candidates, nearest first.
    const rescored = candidates
      .map((c) => ({ id: Number(c.profileId.slice(1)), d: l2(queries[i], enrolled, Number(c.profileId.slice(1)) * DIM) }))
      .sort((a, b) => a.d - b.d);
    if (rescored.some((c) => c.id === mates[i])) mateInCandidates++;
    if (rescored[0]?.id === mates[i]) recallAt1++;
    const hit = rescored[0] !== undefined && rescored[0].d <= THRESHOLD;
    if (hit && rescored[0].id === mates[i]) detected++;
    candidateIds.push(candidates.map((c) => Number(c.profileId.slice(1))));
    for (const c of candidates) {
      errorSum += Math.abs(c.approximateDistance - l2(queries[i], enrolled, Number(c.profileId.slice(1)) * DIM));
      errorCount++;
    }
    if (i < exhaustiveTop1.length && rescored[0]?.id === exhaustiveTop1[i]) top1AsExhaustive++;
  }
  const cpu = process.cpuUsage(cpuBefore);
  const info = index.info();
  return {
    cpuMsPerSearch: (cpu.user + cpu.system) / 1000 / Q,
    encoding, threads, buildMs, p50: median(times), p99: percentile(times, 99), bytesPerTemplate: info.bytesPerTemplate,
    indexMiB: info.bytes / 2 ** 20, kernels: info.kernels, mateInCandidates, recallAt1, detected, top1AsExhaustive, candidateIds, distanceError: errorSum / Math.max(1, errorCount),
  };
}

const rows: Row[] = [];
for (const encoding of ['int8', 'float16', 'float32'] as const) rows.push(await measure(encoding, THREADS));
if (THREADS !== 1) rows.push(await measure('int8', 1));

const pct = (n: number, of: number) => `${((100 * n) / of).toFixed(1)}% (${n}/${of})`;
const peerP50 = median(exactPeerTimes);
console.log(`Host: ${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.versions.node}, 1-minute load average ${loadBefore.toFixed(1)} at the start and ${loadavg()[0].toFixed(1)} at the end (other work on the same cores inflates every time). ${N.toLocaleString('en')} synthetic ${DIM}-d templates`
  + ` (seed ${SEED}, generated in ${(generateMs / 1000).toFixed(1)} s), ${Q} mated queries, k = ${K}, duplicate threshold ${THRESHOLD}.`
  + ` Latency: one search at a time through TemplateIndex.search, ${Q} samples after 10 warm-up searches; p99 nearest-rank.\n`);
console.log('| encoding | threads | kernels | build (all templates) | search p50 | search p99 | CPU time / search | bytes / template | index memory | peer (JS exact scan) p50 / p50 |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(`| ${r.encoding} | ${r.threads} | ${r.kernels} | ${(r.buildMs / 1000).toFixed(2)} s | ${r.p50.toFixed(2)} ms | ${r.p99.toFixed(2)} ms | ${r.cpuMsPerSearch.toFixed(1)} ms | ${r.bytesPerTemplate} | ${r.indexMiB.toFixed(0)} MiB | ${(peerP50 / r.p50).toFixed(1)}x |`);
}
console.log(`\nPeer: a JavaScript exact float32 scan (one thread), p50 ${peerP50.toFixed(0)} ms over ${exactPeerTimes.length} queries.\n`);
const reference = rows.find((r) => r.encoding === 'float32' && r.threads === THREADS)!;
const overlap = (r: Row) => {
  let same = 0;
  r.candidateIds.forEach((ids, i) => { const ref = new Set(reference.candidateIds[i]); same += ids.filter((id) => ref.has(id)).length; });
  return pct(same, reference.candidateIds.reduce((n, ids) => n + ids.length, 0));
};
console.log(`| search | mate among the top ${K} | recall@1 of the mate (after exact re-score) | FNMR at d <= ${THRESHOLD} (mate missed) | top-1 = exhaustive exact scan's nearest | top-${K} shared with the float32 index's | mean abs. error of the approximate distance |`);
console.log('|---|---|---|---|---|---|---|');
console.log(`| exact float32 distance to the mate (ground truth) | - | - | ${pct(fnmrExact, Q)} | - | - | - |`);
for (const r of rows.filter((x) => x.threads === THREADS)) {
  console.log(`| ${r.encoding} index, top ${K}, exact re-score | ${pct(r.mateInCandidates, Q)} | ${pct(r.recallAt1, Q)} | ${pct(Q - r.detected, Q)} | ${pct(r.top1AsExhaustive, exhaustiveTop1.length)} | ${overlap(r)} | ${r.distanceError.toFixed(5)} |`);
}
