// The app under bench:verify, in its own process: scripts/script-app.ts (SQLite file, audit trail,
// software signing key, one enrolled account) with the REAL face engine (the converted ONNX models, as
// the appliance runs them). Prints `ready <baseUrl>`; answers each IPC message 'probe' with its RSS, its
// CPU time so far and the event-loop delay since the previous probe; exits on SIGTERM.
//   node --import tsx bench/lib/verify-app-child.ts DATA_DIR DATABASE_FILE ENTRA_IDENTITY_JSON MORE_OIDS_JSON REFERENCE_JPEG
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { buildConfig } from '../../src/config/index.js';
import { loadFaceAnalyzer } from '../../src/verification/capture/face-analyzer.js';
import { serveUntilSigterm, startScriptApp, type EntraIdentity } from '../../scripts/script-app.js';

export const KEK = Buffer.alloc(32, 0x6c);
/** monitorEventLoopDelay records whole gaps between its samples: an idle loop reads about this much. */
const LAG_RESOLUTION_MS = 10;

export interface AppProbe {
  rssMiB: number;
  /** CPU time of the whole process (every thread: event loop, libuv pool, OpenCV workers) since it started, ms. */
  cpuMs: number;
  /** Event-loop delay beyond the sampling interval since the previous probe, ms. */
  lagMs: { p50: number; p99: number; max: number };
}

async function main(dataDir: string, databaseFile: string, entra: EntraIdentity, moreOids: string[], referencePhoto: Buffer): Promise<void> {
  // bench:verify's --biometrics: overrides of the biometrics section, to compare settings in one run.
  const biometrics = process.env.PROOFGATE_BENCH_BIOMETRICS;
  const faceEngine = await loadFaceAnalyzer(buildConfig(biometrics ? { biometrics: JSON.parse(biometrics) as unknown } : {}));
  const app = await startScriptApp({
    dataDir, databaseFile, entra, faceEngine, kek: KEK, kekId: 'bench-verify-kek', attestedBy: 'bench-verify', moreOids, referencePhoto,
  });
  const lag = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
  lag.enable();
  const excess = (ns: number) => Math.max(0, ns / 1e6 - LAG_RESOLUTION_MS);
  process.on('message', (message) => {
    if (message !== 'probe') return;
    const probe: AppProbe = {
      rssMiB: process.memoryUsage().rss / (1024 * 1024),
      cpuMs: (({ user, system }) => (user + system) / 1000)(process.cpuUsage()),
      lagMs: { p50: excess(lag.percentile(50)), p99: excess(lag.percentile(99)), max: excess(lag.max) },
    };
    lag.reset();
    process.send?.(probe);
  });
  serveUntilSigterm(app);
}

const [dataDir, databaseFile, identity, oids, referenceJpeg] = process.argv.slice(2);
main(dataDir, databaseFile, JSON.parse(identity) as EntraIdentity, JSON.parse(oids) as string[], readFileSync(referenceJpeg)).catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exit(2);
});
