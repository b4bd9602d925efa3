import t from 'tap';
import { renderLatencyTable, renderThroughputTable } from '../../bench/lib/faces-bench-report.js';
import type { FaceBenchResult } from '../../bench/lib/faces-bench-child.js';

type OkResult = Extract<FaceBenchResult, { ok: true }>;

function side(system: string, scale: number): OkResult {
  // Calls of 10, 20, 30 ms (times scale) with a decode stage of a fifth of each; the first image is a crop.
  const sequential = [1, 2, 3].map((n) => ({
    image: n === 1 ? 'a-face.jpg' : `b${n}.jpg`,
    wallMs: 10 * n * scale,
    stages: { decode: 2 * n * scale, detect: 8 * n * scale },
    faceFound: true,
  }));
  return {
    ok: true,
    system,
    description: system,
    stages: ['decode', 'detect'],
    loadMs: 100 * scale,
    rssBeforeLoadMiB: 50,
    rssAfterLoadMiB: 60 * scale,
    peakRssMiB: 70 * scale,
    eventLoopLagMs: { p50: 1 * scale, p99: 2 * scale, max: 3 * scale },
    sequential,
    throughput: [1, 2, 4].map((concurrency) => ({ concurrency, calls: 10, faces: 10, seconds: (10 / concurrency) * scale })),
  };
}

t.test('latency rows give median, nearest-rank p99 and the peer / proofgate ratio', async (t) => {
  const lines = renderLatencyTable(side('proofgate', 1), side('face-api', 4)).split('\n');
  t.equal(lines[0], '| stage (ms) | proofgate p50 | proofgate p99 | face-api p50 | face-api p99 | p50 ratio (peer / proofgate) |');
  t.ok(lines.includes('| decode | 4.0 | 6.0 | 16.0 | 24.0 | 4.00x |'));
  t.ok(lines.includes('| total (wall), all images | 20.0 | 30.0 | 80.0 | 120.0 | 4.00x |'));
  t.ok(lines.includes('| total (wall), face crops | 10.0 | 10.0 | 40.0 | 40.0 | 4.00x |'));
  t.ok(lines.includes('| total excl. decode | 16.0 | 24.0 | 64.0 | 96.0 | 4.00x |'));
});

t.test('throughput rows and a missing side', async (t) => {
  const lines = renderThroughputTable(side('proofgate', 1), side('face-api', 2)).split('\n');
  t.ok(lines.includes('| faces/s, 4 calls in flight | 4.0 | 2.0 | 0.50x |'));
  t.ok(lines.includes('| peak RSS during the run (MiB) | 70.0 | 140.0 | 2.00x |'));
  const idle = { ...side('proofgate', 1), eventLoopLagMs: { p50: 0.1, p99: 2, max: 3 } };
  t.ok(renderThroughputTable(idle, side('face-api', 100)).split('\n').some((line) => line.startsWith('| event-loop lag p50') && line.endsWith('| 0.1 | 100.0 | - |')), 'no ratio of a near-zero value');
  const peerOnly = renderThroughputTable(undefined, side('face-api', 1)).split('\n');
  t.ok(peerOnly.includes('| faces/s, 1 call in flight | - | 1.0 | - |'));
});
