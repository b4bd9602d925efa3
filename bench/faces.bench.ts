// Face pipeline benchmark: `npm run bench:faces [-- --rounds N] [-- --systems proofgate,face-api] [-- --out FILE]`.
// Each side runs in its own child process, one after the other (never both at once, so they do not share
// the CPU), on the fixed images of bench/lib/bench-images.ts. Prints markdown tables: per-stage
// latency median/p99, faces/s at 1, 2 and 4 calls in flight, RSS and event-loop lag, each with the ratio
// of the peer (face-api on TF.js WASM) to proofgate. A benchmark, not a test: nothing here fails on a time.
import { fork } from 'node:child_process';
import { cpus } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadBenchImages, type BenchImage } from './lib/bench-images.js';
import type { FaceBenchResult } from './lib/faces-bench-child.js';
import { renderLatencyTable, renderThroughputTable } from './lib/faces-bench-report.js';

const childScript = path.join(path.dirname(fileURLToPath(import.meta.url)), 'lib', 'faces-bench-child.ts');

function runSide(system: string, rounds: number, images: readonly BenchImage[]): Promise<FaceBenchResult> {
  return new Promise((resolve) => {
    process.stderr.write(`running ${system} (${rounds} rounds)...\n`);
    const child = fork(childScript, ['--system', system, '--rounds', String(rounds)], {
      execArgv: ['--import', 'tsx'],
      serialization: 'advanced',
    });
    child.send(images);
    let result: FaceBenchResult | undefined;
    child.on('message', (message) => {
      result = message as FaceBenchResult;
    });
    child.on('exit', (code, signal) => {
      resolve(result ?? { ok: false, system, error: `child exited with ${signal ?? `code ${code}`} before reporting` });
    });
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '5' },
      systems: { type: 'string', default: 'proofgate,face-api' },
      out: { type: 'string', default: 'out/bench-faces.json' },
    },
    strict: true,
  });
  const rounds = Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a positive integer (got ${values.rounds})`);
  const images = loadBenchImages();
  const results: FaceBenchResult[] = [];
  for (const system of values.systems.split(',')) results.push(await runSide(system.trim(), rounds, images));

  for (const failed of results.filter((r) => !r.ok)) process.stdout.write(`${failed.system}: not measured: ${(failed as { error: string }).error}\n`);
  const ok = results.filter((r): r is Extract<FaceBenchResult, { ok: true }> => r.ok);
  const proofgate = ok.find((r) => r.system === 'proofgate');
  const peer = ok.find((r) => r.system !== 'proofgate');
  const calls = ok[0]?.sequential.length ?? 0;
  process.stdout.write(
    `\nHost: ${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.versions.node}. ` +
      `${calls} sequential calls per side (${rounds} rounds over ${calls / rounds} images) after one warm-up round; ` +
      `p99 is nearest-rank, so with ${calls} samples it is about the worst call.\n\n`,
  );
  for (const r of ok) process.stdout.write(`- ${r.system}: ${r.description}\n`);
  process.stdout.write(`\n${renderLatencyTable(proofgate, peer)}\n\n${renderThroughputTable(proofgate, peer)}\n`);
  const outFile = path.resolve(values.out);
  mkdirSync(path.dirname(outFile), { recursive: true });
  writeFileSync(outFile, JSON.stringify({ generatedAt: new Date().toISOString(), rounds, results }, null, 2));
  process.stdout.write(`\nwrote ${outFile}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:faces failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
