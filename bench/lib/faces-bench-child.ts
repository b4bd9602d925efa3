// One side of the face benchmark, run in its own process so RSS and event-loop lag belong to that side
// alone. Started by bench/faces.bench.ts with `--system NAME --rounds N`; receives the encoded images as
// its first IPC message (so no side pays for preparing them) and answers with one FaceBenchResult.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { SYSTEM_LOADERS } from '../../eval/systems/index.js';
import type { FaceSystem } from '../../eval/lib/face-system.js';
import type { BenchImage } from './bench-images.js';

export interface CallSample {
  readonly image: string;
  /** Wall time of the whole analyze() call as the caller sees it, ms. */
  readonly wallMs: number;
  readonly stages: Record<string, number>;
  readonly faceFound: boolean;
}

export interface ThroughputSample {
  readonly concurrency: number;
  readonly calls: number;
  readonly faces: number;
  readonly seconds: number;
}

export type FaceBenchResult =
  | {
      readonly ok: true;
      readonly system: string;
      readonly description: string;
      readonly stages: readonly string[];
      readonly loadMs: number;
      readonly rssBeforeLoadMiB: number;
      readonly rssAfterLoadMiB: number;
      readonly peakRssMiB: number;
      /** Event-loop delay over all measured calls, ms beyond the monitor's sampling interval. */
      readonly eventLoopLagMs: { readonly p50: number; readonly p99: number; readonly max: number };
      readonly sequential: readonly CallSample[];
      readonly throughput: readonly ThroughputSample[];
    }
  | { readonly ok: false; readonly system: string; readonly error: string };

const MIB = 1024 * 1024;
/** monitorEventLoopDelay samples every this many ms and records the whole gap between samples. */
const LAG_RESOLUTION_MS = 10;

/**
 * Lets the event loop turn between calls, as a server does between requests; without it a pipeline whose
 * awaits resolve only through microtasks (TF.js WASM) would never let the lag monitor's timer fire.
 */
const turnEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function timedCall(system: FaceSystem, image: BenchImage): Promise<CallSample> {
  const start = performance.now();
  const probe = await system.analyze(image.bytes);
  return { image: image.name, wallMs: performance.now() - start, stages: probe.timings, faceFound: probe.template !== null };
}

/** `concurrency` callers each keep one call in flight until rounds x images calls are done. */
async function throughputAt(system: FaceSystem, images: readonly BenchImage[], rounds: number, concurrency: number): Promise<ThroughputSample> {
  const total = rounds * images.length;
  let next = 0;
  let faces = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const image = images[next++ % images.length];
        if ((await system.analyze(image.bytes)).template !== null) faces++;
        await turnEventLoop();
      }
    }),
  );
  return { concurrency, calls: total, faces, seconds: (performance.now() - start) / 1000 };
}

async function run(systemName: string, rounds: number, images: readonly BenchImage[]): Promise<FaceBenchResult> {
  const loader = SYSTEM_LOADERS[systemName];
  if (!loader) throw new Error(`unknown system "${systemName}"`);
  const rssBeforeLoadMiB = process.memoryUsage().rss / MIB;
  const loadStart = performance.now();
  const system = await loader();
  const loadMs = performance.now() - loadStart;
  const rssAfterLoadMiB = process.memoryUsage().rss / MIB;
  try {
    for (const image of images) await system.analyze(image.bytes); // warm-up, not measured
    const lag = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
    lag.enable();
    const sequential: CallSample[] = [];
    for (let round = 0; round < rounds; round++) {
      for (const image of images) {
        sequential.push(await timedCall(system, image));
        await turnEventLoop();
      }
    }
    const throughput: ThroughputSample[] = [];
    for (const concurrency of [1, 2, 4]) throughput.push(await throughputAt(system, images, rounds, concurrency));
    lag.disable();
    return {
      ok: true,
      system: system.name,
      description: system.description,
      stages: system.stages,
      loadMs,
      rssBeforeLoadMiB,
      rssAfterLoadMiB,
      peakRssMiB: (process.resourceUsage().maxRSS * 1024) / MIB,
      // The histogram holds gaps between samples, so an idle loop reads ~10 ms: report only the excess.
      eventLoopLagMs: {
        p50: Math.max(0, lag.percentile(50) / 1e6 - LAG_RESOLUTION_MS),
        p99: Math.max(0, lag.percentile(99) / 1e6 - LAG_RESOLUTION_MS),
        max: Math.max(0, lag.max / 1e6 - LAG_RESOLUTION_MS),
      },
      sequential,
      throughput,
    };
  } finally {
    await system.close();
  }
}

const { values } = parseArgs({ options: { system: { type: 'string' }, rounds: { type: 'string', default: '5' } }, strict: true });
const systemName = values.system ?? '';
if (!process.send) throw new Error('faces-bench-child must be started with an IPC channel (child_process.fork)');
process.once('message', (message) => {
  // Structured-clone IPC turns the Buffers into Uint8Arrays; wrap them again without copying.
  const images = (message as { name: string; bytes: Uint8Array }[]).map((m) => ({
    name: m.name,
    bytes: Buffer.from(m.bytes.buffer, m.bytes.byteOffset, m.bytes.byteLength),
  }));
  run(systemName, Number(values.rounds), images)
    .catch((error: unknown): FaceBenchResult => ({ ok: false, system: systemName, error: error instanceof Error ? error.message : String(error) }))
    .then((result) => process.send?.(result, () => process.exit(0)));
});
