// Whole-verification benchmark: `npm run bench:verify [-- --seconds 30] [-- --rates 10,20,30,40]
// [-- --clients 1,2,4,8] [-- --warmup-seconds 5] [-- --peer-rounds 1] [-- --out out/bench-verify.json]
// [-- --biometrics '{"threads":1}']` (--biometrics: overrides of the app's biometrics settings).
// The real app (bench/lib/verify-app-child.ts: scripts/script-app.ts with the real face engine) runs in a
// child process; this process plays Entra and the browsers over loopback, each verification a full
// returning-user flow: authorize POST with a signed id_token_hint, the capture page, one selfie POST (a new
// take each time), and the decision's form_post must carry an id_token. Two modes:
//   open loop  (--rates): requests start on a clock at R/s for --seconds, whatever has completed, so
//              queueing shows in the latency (measured from each request's scheduled start);
//   closed loop (--clients): N clients each start the next verification when the last one ends.
// The app checks one capture per account at a time (a second gets 409 ERR_REPLAY), so the run enrols
// --accounts accounts (same reference photo) and each verification in flight holds one of them.
// Each step's id_token_hints are signed before it starts (bench/lib/hint-stock.ts): Entra signs them on
// its own servers, not on the appliance's cores.
// Per step: verifications/s achieved, p50/p90/p99 latency, errors by HTTP status and error code, the
// app child's RSS before and after, its CPU time per verified verification and its event-loop lag.
// Before the steps, the face-api peer (TF.js WASM) is timed per face in its own process
// (bench/lib/faces-bench-child.ts), never beside the app.
// The app accepts a selfie without depth (verification.assurance.returningUser 'none', as the capture
// tests do): this measures the face path, NOT depth liveness. A benchmark, not a test: nothing fails on a time.
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { median, percentile } from '../eval/lib/latency-stats.js';
import { SimulatedEntra } from '../test/helpers/simulated-entra.js';
import { faceJpeg } from '../test/helpers/face-photos.js';
import { newTake, type EntraIdentity } from '../scripts/script-app.js';
import { isFailure, openCapturePage, postSelfie, startAppChild, stopChild, type AppChild } from '../scripts/flow-driver.js';
import { loadBenchImages } from './lib/bench-images.js';
import { HintStock } from './lib/hint-stock.js';
import type { FaceBenchResult } from './lib/faces-bench-child.js';
import type { AppProbe } from './lib/verify-app-child.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const appChildScript = path.join(here, 'lib', 'verify-app-child.ts');
const facesChildScript = path.join(here, 'lib', 'faces-bench-child.ts');
/** MALLOC_ARENA_MAX of appliance/systemd/proofgate.service (docs/scale.md, "Memory"). */
const APPLIANCE_MALLOC_ARENA_MAX = '2';
/** Open loop: a step stops waiting for stragglers this long after its last scheduled start. */
const DRAIN_LIMIT_MS = 35_000;

interface StepResult {
  mode: 'open' | 'closed';
  /** Offered rate (open loop, /s) or clients (closed loop). */
  load: number;
  seconds: number;
  started: number;
  verified: number;
  perSecond: number;
  latencyMs: { p50: number; p90: number; p99: number };
  errors: Record<string, number>;
  rssStartMiB: number;
  rssEndMiB: number;
  /**
   * The app's CPU time (all its threads) during the step per verified verification (refusals' small cost
   * included): what one costs, read about the same on a busy host as on a quiet one, where wall-clock
   * figures are not (the client and other work share the CPU).
   */
  appCpuMsPerVerified: number;
  lagMs: AppProbe['lagMs'];
  /** This process's CPU time (the browsers' and Entra's side: HTTP, pages, selfie copies) per verified. */
  clientCpuMsPerVerified: number;
  /** Hints signed during the step because an account's stock ran out (bench/lib/hint-stock.ts). */
  hintsMintedInStep: number;
}

function numberList(text: string, name: string): number[] {
  const list = text.split(',').filter((s) => s.trim() !== '').map(Number);
  if (list.some((n) => !Number.isFinite(n) || n <= 0)) throw new Error(`--${name}: expected positive numbers separated by commas, got "${text}"`);
  return list;
}

function probe(app: AppChild): Promise<AppProbe> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the app child did not answer a probe within 30 s')), 30_000);
    app.proc.once('message', (m) => { clearTimeout(timer); resolve(m as AppProbe); });
    app.proc.send('probe');
  });
}

/** One full returning-user verification; null when it ended in a signed id_token, else the error's label. */
async function verifyOnce(entra: SimulatedEntra, hints: HintStock, baseUrl: string, selfie: Buffer, oid: string): Promise<string | null> {
  try {
    const page = await openCapturePage(entra, baseUrl, oid, await hints.take(oid));
    if (isFailure(page)) return `authorize ${page.status} ${page.code ?? ''}`.trim();
    const reply = await postSelfie(baseUrl, page, newTake(selfie, 'bench-verify'));
    if (isFailure(reply)) return `capture ${reply.status} ${reply.code ?? ''}`.trim();
    const fields = reply.postBack?.fields ?? {};
    if (reply.outcome === 'decided' && reply.decision === 'verified' && typeof fields.id_token === 'string') return null;
    return `capture 200 ${reply.outcome}/${reply.decision}${fields.error ? ` ${fields.error}` : ''}`;
  } catch (e) {
    const name = (e as Error).name;
    return name === 'TimeoutError' ? 'client timeout' : `network ${(e as Error).message}`.slice(0, 80);
  }
}

class Tally {
  latencies: number[] = [];
  errors: Record<string, number> = {};
  started = 0;
  record(startMs: number, error: string | null): void {
    if (error === null) this.latencies.push(performance.now() - startMs);
    else this.errors[error] = (this.errors[error] ?? 0) + 1;
  }
}

/** The enrolled accounts not in a verification now. */
class AccountPool {
  readonly #free: string[];
  constructor(readonly all: readonly string[]) { this.#free = [...all]; }
  acquire(): string | undefined { return this.#free.shift(); }
  release(oid: string): void { this.#free.push(oid); }
}

async function openLoop(entra: SimulatedEntra, hints: HintStock, baseUrl: string, selfie: Buffer, rate: number, seconds: number, tally: Tally, pool: AccountPool): Promise<void> {
  const t0 = performance.now();
  const total = Math.round(rate * seconds);
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    tally.started++;
    const oid = pool.acquire();
    if (oid === undefined) {
      tally.record(due, 'client: every account busy (raise --accounts)');
      continue;
    }
    // Latency from the scheduled start, so a late start (a busy client loop) counts against the run.
    inFlight.push(verifyOnce(entra, hints, baseUrl, selfie, oid).then((error) => { pool.release(oid); tally.record(due, error); }));
  }
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.all(inFlight), new Promise((r) => { timer = setTimeout(r, DRAIN_LIMIT_MS); })]);
  clearTimeout(timer);
}

async function closedLoop(entra: SimulatedEntra, hints: HintStock, baseUrl: string, selfie: Buffer, clients: number, seconds: number, tally: Tally, pool: AccountPool): Promise<void> {
  const deadline = performance.now() + seconds * 1000;
  await Promise.all(Array.from({ length: clients }, async (_, i) => {
    const oid = pool.all[i];
    while (performance.now() < deadline) {
      const start = performance.now();
      tally.started++;
      tally.record(start, await verifyOnce(entra, hints, baseUrl, selfie, oid));
    }
  }));
}

async function step(app: AppChild, entra: SimulatedEntra, selfie: Buffer, mode: 'open' | 'closed', load: number, seconds: number, pool: AccountPool): Promise<StepResult> {
  // Hints for the step, minted before it (bench/lib/hint-stock.ts): open loop, the step's share per
  // account and some over (accounts are taken in turn, not evenly); closed loop, each client's account
  // enough for 60 verifications/s between all clients.
  const hints = new HintStock(entra);
  if (mode === 'open') await hints.fill(pool.all, Math.ceil((load * seconds) / pool.all.length) + 3);
  else await hints.fill(pool.all.slice(0, load), Math.ceil((60 * seconds) / load));
  const before = await probe(app);
  const tally = new Tally();
  const benchCpu = process.cpuUsage();
  const t0 = performance.now();
  if (mode === 'open') await openLoop(entra, hints, app.baseUrl, selfie, load, seconds, tally, pool);
  else await closedLoop(entra, hints, app.baseUrl, selfie, load, seconds, tally, pool);
  const elapsed = (performance.now() - t0) / 1000;
  const benchCpuMs = (({ user, system }) => (user + system) / 1000)(process.cpuUsage(benchCpu));
  const after = await probe(app);
  const l = tally.latencies;
  return {
    mode, load, seconds: elapsed, started: tally.started, verified: l.length, perSecond: l.length / elapsed,
    latencyMs: { p50: median(l), p90: percentile(l, 90), p99: percentile(l, 99) },
    errors: tally.errors, rssStartMiB: before.rssMiB, rssEndMiB: after.rssMiB,
    appCpuMsPerVerified: l.length > 0 ? (after.cpuMs - before.cpuMs) / l.length : NaN, lagMs: after.lagMs,
    clientCpuMsPerVerified: l.length > 0 ? benchCpuMs / l.length : NaN, hintsMintedInStep: hints.mintedInStep,
  };
}

function peerPerFace(rounds: number): Promise<{ system: string; medianMs: number; p99Ms: number; calls: number } | { error: string }> {
  return new Promise((resolve) => {
    const child = fork(facesChildScript, ['--system', 'face-api', '--rounds', String(rounds)], { execArgv: ['--import', 'tsx'], serialization: 'advanced' });
    child.send(loadBenchImages());
    let result: FaceBenchResult | undefined;
    child.on('message', (m) => { result = m as FaceBenchResult; });
    child.on('exit', (code, signal) => {
      if (!result) return resolve({ error: `peer child exited with ${signal ?? `code ${code}`} before reporting` });
      if (!result.ok) return resolve({ error: result.error });
      // The single-face crops only: the full demo photos hold several faces each.
      const wall = result.sequential.filter((c) => c.image.endsWith('-face.jpg')).map((c) => c.wallMs);
      resolve({ system: result.system, medianMs: median(wall), p99Ms: percentile(wall, 99), calls: wall.length });
    });
  });
}

const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '-');

function renderTable(steps: StepResult[]): string {
  const rows = steps.map((s) => {
    const errors = Object.entries(s.errors).map(([k, v]) => `${k}: ${v}`).join('; ') || '0';
    const load = s.mode === 'open' ? `open ${s.load}/s` : `closed ${s.load} client${s.load === 1 ? '' : 's'}`;
    return `| ${load} | ${s.started} | ${s.verified} | ${fmt(s.perSecond)} | ${fmt(s.latencyMs.p50, 0)} / ${fmt(s.latencyMs.p90, 0)} / ${fmt(s.latencyMs.p99, 0)} | ${errors} | ` +
      `${fmt(s.rssStartMiB, 0)} → ${fmt(s.rssEndMiB, 0)} | ${fmt(s.appCpuMsPerVerified)} | ${fmt(s.clientCpuMsPerVerified)} | ${fmt(s.lagMs.p50)} / ${fmt(s.lagMs.p99)} / ${fmt(s.lagMs.max)} |`;
  });
  return [
    '| load | started | verified | verified/s | latency p50 / p90 / p99 ms | errors | app RSS MiB start → end | app CPU ms per verified | client CPU ms per verified | app loop lag p50 / p99 / max ms |',
    '|---|---:|---:|---:|---:|---|---:|---:|---:|---:|',
    ...rows,
  ].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '30' },
      rates: { type: 'string', default: '10,20,30,40' },
      clients: { type: 'string', default: '1,2,4,8' },
      'warmup-seconds': { type: 'string', default: '5' },
      'peer-rounds': { type: 'string', default: '1' },
      accounts: { type: 'string', default: '64' },
      out: { type: 'string', default: 'out/bench-verify.json' },
      biometrics: { type: 'string' },
    },
    strict: true,
  });
  const seconds = Number(values.seconds);
  const warmup = Number(values['warmup-seconds']);
  const peerRounds = Number(values['peer-rounds']);
  if (!(seconds > 0)) throw new Error(`--seconds must be positive (got ${values.seconds})`);
  if (!(warmup >= 0)) throw new Error(`--warmup-seconds must be zero or more (got ${values['warmup-seconds']})`);
  if (!Number.isInteger(peerRounds) || peerRounds < 0) throw new Error(`--peer-rounds must be a whole number (got ${values['peer-rounds']}); 0 skips the peer`);
  const rates = numberList(values.rates, 'rates');
  const clients = numberList(values.clients, 'clients').map(Math.floor);
  const accounts = Number(values.accounts);
  if (!Number.isInteger(accounts) || accounts < Math.max(1, ...clients)) throw new Error(`--accounts must be a whole number at least the largest --clients (got ${values.accounts})`);

  if (values.biometrics !== undefined) {
    try {
      JSON.parse(values.biometrics);
    } catch {
      throw new Error(`--biometrics: expected a JSON object of biometrics settings, e.g. '{"threads":1}', got ${values.biometrics}`);
    }
    // Read by the app child (bench/lib/verify-app-child.ts); its config validation names a wrong key.
    process.env.PROOFGATE_BENCH_BIOMETRICS = values.biometrics;
  }
  const host = `${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.versions.node}`;
  process.stderr.write(`bench:verify on ${host}\n`);
  const peer = peerRounds > 0 ? (process.stderr.write('timing the face-api peer per face...\n'), await peerPerFace(peerRounds)) : null;

  const dataDir = mkdtempSync(path.join(tmpdir(), 'proofgate-bench-verify-'));
  const entra = await SimulatedEntra.create();
  let app: AppChild | null = null;
  const steps: StepResult[] = [];
  try {
    const jwksUrls = await entra.serveJwks();
    const identity: EntraIdentity = { tid: entra.tid, oid: entra.oid, appId: entra.appId, clientId: entra.clientId, jwksUrls };
    const moreOids = Array.from({ length: accounts - 1 }, () => randomUUID());
    const pool = new AccountPool([entra.oid, ...moreOids]);
    process.stderr.write(`starting the app with the real face engine, enrolling ${accounts} accounts...\n`);
    // The enrolment photo is made here, so the app's RSS holds no demo-photo pixels the appliance never has.
    const referenceJpeg = path.join(dataDir, 'reference.jpg');
    writeFileSync(referenceJpeg, faceJpeg('personA'));
    // The app runs with the allocator settings of appliance/systemd/proofgate.service, so its RSS is the appliance's.
    process.env.MALLOC_ARENA_MAX ??= APPLIANCE_MALLOC_ARENA_MAX;
    app = await startAppChild(appChildScript, [dataDir, path.join(dataDir, 'proofgate.sqlite'), JSON.stringify(identity), JSON.stringify(moreOids), referenceJpeg]);
    const selfie = faceJpeg('personA', { width: 640, height: 480, zoom: 1.5, dx: 12, dy: 8, quality: 85 });
    if (warmup > 0) {
      process.stderr.write(`warm-up: 1 client for ${warmup} s (not reported)...\n`);
      await closedLoop(entra, new HintStock(entra), app.baseUrl, selfie, 1, warmup, new Tally(), pool);
    }
    for (const rate of rates) {
      process.stderr.write(`open loop ${rate}/s for ${seconds} s...\n`);
      steps.push(await step(app, entra, selfie, 'open', rate, seconds, pool));
    }
    for (const n of clients) {
      process.stderr.write(`closed loop ${n} client(s) for ${seconds} s...\n`);
      steps.push(await step(app, entra, selfie, 'closed', n, seconds, pool));
    }
  } finally {
    if (app) await stopChild(app.proc);
    await entra.close();
    rmSync(dataDir, { recursive: true, force: true });
  }

  process.stdout.write(
    `\nbench:verify on ${host}; ${seconds} s per step, ${accounts} enrolled accounts. Each verification: authorize (signed hint) → capture page → ` +
      'one 640x480 selfie → decided, form_post with an id_token. The real face engine; verification.assurance.returningUser ' +
      "'none': this measures the face path, NOT depth liveness. Open-loop latency counts from each request's scheduled start. " +
      'The id_token_hints are signed before each step (Entra signs them on its own servers); the client column is this process (HTTP, pages, selfies).\n' +
      (steps.some((s) => s.hintsMintedInStep > 0) ? `hints signed during a step (an account's stock ran out): ${steps.map((s) => s.hintsMintedInStep).join(', ')}\n` : '') + '\n' +
      `${renderTable(steps)}\n\n` +
      (peer === null ? 'face-api peer: not measured (--peer-rounds 0)\n'
        : 'error' in peer ? `face-api peer: not measured: ${peer.error}\n`
          : `face-api peer (${peer.system}, same host, its own process, before the steps): ${fmt(peer.medianMs)} ms per single-face crop median, p99 ${fmt(peer.p99Ms)} ms, ${peer.calls} sequential calls\n`),
  );
  const outFile = path.resolve(values.out);
  mkdirSync(path.dirname(outFile), { recursive: true });
  writeFileSync(outFile, JSON.stringify({ generatedAt: new Date().toISOString(), host, seconds, accounts, measures: 'face path; verification.assurance.returningUser none', peer, steps }, null, 2));
  process.stdout.write(`\nwrote ${outFile}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:verify failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
