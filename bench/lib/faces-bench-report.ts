// Markdown tables for the face benchmark: per-stage latency (median, p99) and throughput/resources, with
// the ratio of the peer to proofgate measured in the same run.
import { median, percentile } from '../../eval/lib/latency-stats.js';
import type { CallSample, FaceBenchResult } from './faces-bench-child.js';

type OkResult = Extract<FaceBenchResult, { ok: true }>;

const ms = (value: number): string => (Number.isFinite(value) ? value.toFixed(1) : '-');
/** Ratios of values under 0.5 (ms, MiB, faces/s) are mostly timer noise, so they are not shown. */
const ratio = (peer: number, proofgate: number): string =>
  Number.isFinite(peer) && Number.isFinite(proofgate) && proofgate >= 0.5 && peer >= 0.5 ? `${(peer / proofgate).toFixed(2)}x` : '-';

interface Row {
  readonly label: string;
  readonly values: (result: OkResult) => readonly number[];
}

function stageRows(stages: readonly string[]): Row[] {
  const isCrop = (s: CallSample): boolean => s.image.endsWith('-face.jpg');
  return [
    ...stages.map((stage) => ({ label: stage, values: (r: OkResult) => r.sequential.map((s) => s.stages[stage] ?? Number.NaN).filter(Number.isFinite) })),
    { label: 'total (wall), all images', values: (r: OkResult) => r.sequential.map((s) => s.wallMs) },
    { label: 'total (wall), 1920 px photos', values: (r: OkResult) => r.sequential.filter((s) => !isCrop(s)).map((s) => s.wallMs) },
    { label: 'total (wall), face crops', values: (r: OkResult) => r.sequential.filter(isCrop).map((s) => s.wallMs) },
    {
      label: 'total excl. decode',
      values: (r: OkResult) => r.sequential.map((s) => s.wallMs - (s.stages.decode ?? 0)),
    },
  ];
}

/** Per-stage latency table; `proofgate` and `peer` may be missing when a side failed. */
export function renderLatencyTable(proofgate: OkResult | undefined, peer: OkResult | undefined): string {
  const stages = [...new Set([...(proofgate?.stages ?? []), ...(peer?.stages ?? [])])];
  const lines = [
    `| stage (ms) | proofgate p50 | proofgate p99 | ${peer?.system ?? 'peer'} p50 | ${peer?.system ?? 'peer'} p99 | p50 ratio (peer / proofgate) |`,
    '|---|---:|---:|---:|---:|---:|',
  ];
  for (const row of stageRows(stages)) {
    const a = proofgate ? row.values(proofgate) : [];
    const b = peer ? row.values(peer) : [];
    lines.push(
      `| ${row.label} | ${ms(median(a))} | ${ms(percentile(a, 99))} | ${ms(median(b))} | ${ms(percentile(b, 99))} | ${ratio(median(b), median(a))} |`,
    );
  }
  return lines.join('\n');
}

export function renderThroughputTable(proofgate: OkResult | undefined, peer: OkResult | undefined): string {
  const facesPerSecond = (r: OkResult | undefined, c: number): number => {
    const t = r?.throughput.find((x) => x.concurrency === c);
    return t ? t.faces / t.seconds : Number.NaN;
  };
  const rows: [string, (r: OkResult | undefined) => number][] = [
    ['faces/s, 1 call in flight', (r) => facesPerSecond(r, 1)],
    ['faces/s, 2 calls in flight', (r) => facesPerSecond(r, 2)],
    ['faces/s, 4 calls in flight', (r) => facesPerSecond(r, 4)],
    ['model load (ms)', (r) => r?.loadMs ?? Number.NaN],
    ['RSS before models (MiB)', (r) => r?.rssBeforeLoadMiB ?? Number.NaN],
    ['RSS with models loaded (MiB)', (r) => r?.rssAfterLoadMiB ?? Number.NaN],
    ['peak RSS during the run (MiB)', (r) => r?.peakRssMiB ?? Number.NaN],
    ['event-loop lag p50 (ms, beyond the 10 ms sampling)', (r) => r?.eventLoopLagMs.p50 ?? Number.NaN],
    ['event-loop lag p99 (ms)', (r) => r?.eventLoopLagMs.p99 ?? Number.NaN],
    ['event-loop lag max (ms)', (r) => r?.eventLoopLagMs.max ?? Number.NaN],
  ];
  const lines = [`| measure | proofgate | ${peer?.system ?? 'peer'} | ratio (peer / proofgate) |`, '|---|---:|---:|---:|'];
  for (const [label, value] of rows) lines.push(`| ${label} | ${ms(value(proofgate))} | ${ms(value(peer))} | ${ratio(value(peer), value(proofgate))} |`);
  return lines.join('\n');
}
