// Soak test by hand (not a test, never run by tap): the real app (scripts/script-app.ts: SQLite file,
// software signing key, audit trail, recorded face analyzer so a pass costs little CPU) runs in a child
// process; this process plays Entra and N concurrent people over loopback (127.0.0.1 only) for the given
// time: mostly returning-user passes, some denials (a stranger's face), some cancels, and a few
// malformed requests that must be refused with a 4xx. Each selfie is a new take (a unique JPEG comment),
// so the duplicate-capture check never fires. After a warm-up (not counted; the child's RSS is read at
// its end) it prints one line a minute and, at the end, a summary, then stops the child and verifies the
// audit chain of the database. Exits non-zero on any error or a chain failure.
//
//   node --import tsx scripts/soak.ts [--minutes 10 | --seconds S] [--concurrency 8] [--warmup-seconds 30] [--keep]
//
// The default of 8 clients: on 2 cores, 20 s trials sustained 146.5 verifications/s with 2 clients, 105.7
// with 4 and 152.9 with 8 (the highest, no errors; p99 135 ms, queueing but no collapse).
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, percentile } from '../eval/lib/latency-stats.js';
import { verifyAuditChain } from '../src/audit/verify-chain.js';
import { openSqliteRepository } from '../src/store/sqlite-repository.js';
import type { FaceAnalysisResult, FaceAnalyzer, FaceComparisonResult } from '../src/verification/capture/ports.js';
import { RecordedFaceAnalyzer, embedding, oneFace } from '../test/helpers/recorded-face-analyzer.js';
import { SimulatedEntra, parseFormPost } from '../test/helpers/simulated-entra.js';
import { faceJpeg } from '../test/helpers/face-photos.js';
import { newTake, scriptMacKeys, serveUntilSigterm, startScriptApp, type EntraIdentity } from './script-app.js';
import { REQUEST_TIMEOUT_MS, isFailure, mib, openCapturePage, postSelfie, postTo, rssKiB, startAppChild, stopChild } from './flow-driver.js';

const THIS_FILE = fileURLToPath(import.meta.url);
const KEK = Buffer.alloc(32, 0x5b);
const KEK_ID = 'soak-kek';
const STRANGER_TAG = 'soak-stranger';
/** A client loop's own bound, whatever the clock says. */
const MAX_ITERATIONS_PER_CLIENT = 1_000_000;

type Kind = 'pass' | 'deny' | 'cancel' | 'malformed';
const KINDS: Kind[] = ['pass', 'deny', 'cancel', 'malformed'];
/** The mix, per 20 iterations of a client: 14 passes, 3 denials, 2 cancels, 1 malformed request. */
const MIX: Kind[] = [
  'pass', 'pass', 'pass', 'deny', 'pass', 'pass', 'cancel', 'pass', 'pass', 'deny',
  'pass', 'pass', 'pass', 'malformed', 'pass', 'pass', 'cancel', 'pass', 'deny', 'pass',
];

function option(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const n = Number(args[i + 1]);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name}: expected a non-negative number, got ${args[i + 1]}`);
  return n;
}

/** The owner's face for every selfie, a stranger's for one whose JPEG comment carries STRANGER_TAG. */
class SoakFaceAnalyzer implements FaceAnalyzer {
  readonly #owner = new RecordedFaceAnalyzer([oneFace(embedding(1))]);
  readonly #stranger = new RecordedFaceAnalyzer([oneFace(embedding(2))]);
  readonly modelId = this.#owner.modelId;
  analyzeFace(image: Buffer): Promise<FaceAnalysisResult> {
    return (image.includes(STRANGER_TAG) ? this.#stranger : this.#owner).analyzeFace(image);
  }
  compareFaces(a: Float32Array, b: Float32Array, threshold: number): FaceComparisonResult {
    return this.#owner.compareFaces(a, b, threshold);
  }
}

/** The child: the app on `databaseFile`, until SIGTERM. */
async function child(dataDir: string, databaseFile: string, identity: EntraIdentity, moreOids: string[]): Promise<void> {
  const app = await startScriptApp({
    dataDir, databaseFile, entra: identity, faceEngine: new SoakFaceAnalyzer(), kek: KEK, kekId: KEK_ID, attestedBy: 'soak', moreOids,
  });
  serveUntilSigterm(app);
}

interface Stats {
  byKind: Record<Kind, number>;
  /** Full verifications (authorize to decision), ms. */
  latencies: number[];
  errors: number;
}

function newStats(): Stats {
  return { byKind: { pass: 0, deny: 0, cancel: 0, malformed: 0 }, latencies: [], errors: 0 };
}

const completed = (s: Stats) => s.byKind.pass + s.byKind.deny + s.byKind.cancel;

class Driver {
  stats = newStats();
  readonly errorSamples: string[] = [];
  readonly #selfie = faceJpeg('personA', { width: 320, height: 240, zoom: 1.4 });
  readonly #strangerSelfie = faceJpeg('personB', { width: 320, height: 240, zoom: 1.4 });

  constructor(private readonly entra: SimulatedEntra, private readonly baseUrl: string) {}

  #fail(kind: Kind, what: string): void {
    this.stats.errors += 1;
    if (this.errorSamples.length < 10) this.errorSamples.push(`${kind}: ${what}`);
  }

  #post(url: string, body: BodyInit, contentType: string, extra: Record<string, string> = {}): Promise<Response> {
    return postTo(this.baseUrl, url, body, contentType, extra);
  }

  /** One verification (or one malformed request) of `kind`; records its outcome. */
  /** One verification (or malformed request) for account `oid`: each client has its own, as the app checks one capture per account at a time. */
  async run(kind: Kind, n: number, oid: string): Promise<void> {
    const t0 = performance.now();
    try {
      const problem = kind === 'malformed' ? await this.#malformed(n) : await this.#verification(kind, oid);
      if (problem) {
        this.#fail(kind, problem);
        return;
      }
    } catch (e) {
      this.#fail(kind, (e as Error).message);
      return;
    }
    this.stats.byKind[kind] += 1;
    if (kind !== 'malformed') this.stats.latencies.push(performance.now() - t0);
  }

  async #verification(kind: Exclude<Kind, 'malformed'>, oid: string): Promise<string | null> {
    const page = await openCapturePage(this.entra, this.baseUrl, oid);
    if (isFailure(page)) return page.detail;
    if (kind === 'cancel') {
      const res = await this.#post(page.cancelUrl, new URLSearchParams({ csrf: page.csrf }), 'application/x-www-form-urlencoded');
      const form = parseFormPost(await res.text());
      if (res.status !== 200 || form?.fields.error !== 'access_denied') return `cancel: HTTP ${res.status}, error ${form?.fields.error}`;
      return null;
    }
    const selfie = kind === 'pass' ? newTake(this.#selfie, 'soak-owner') : newTake(this.#strangerSelfie, STRANGER_TAG);
    const reply = await postSelfie(this.baseUrl, page, selfie);
    if (isFailure(reply)) return reply.detail;
    const fields = reply.postBack?.fields ?? {};
    const ok = kind === 'pass'
      ? reply.outcome === 'decided' && reply.decision === 'verified' && typeof fields.id_token === 'string'
      : reply.outcome === 'decided' && reply.decision === 'denied' && fields.error === 'access_denied';
    return ok ? null : `capture: expected ${kind === 'pass' ? 'verified' : 'denied'}, got ${reply.outcome}/${reply.decision} ${fields.error ?? ''}`;
  }

  /** A request the appliance must refuse with a 4xx (and never a 5xx or a 2xx). */
  async #malformed(n: number): Promise<string | null> {
    const unknown = `/verify/${randomUUID()}/capture`;
    const variant = n % 4;
    let res: Response;
    if (variant === 0) {
      // A redirect_uri that is not one of Entra's: refused before anything is posted back.
      res = await this.#post('/oidc/authorize', new URLSearchParams(await this.entra.request({ fields: { redirect_uri: 'https://attacker.example/cb' } })), 'application/x-www-form-urlencoded');
    } else if (variant === 1) {
      res = await this.#post(unknown, newTake(this.#selfie, 'soak-unknown'), 'image/jpeg', { accept: 'application/json', 'x-csrf-token': 'x' });
    } else if (variant === 2) {
      res = await this.#post(unknown, 'not an image', 'text/plain', { accept: 'application/json', 'x-csrf-token': 'x' });
    } else {
      res = await fetch(`${this.baseUrl}${unknown}`, { redirect: 'manual', signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    }
    await res.arrayBuffer();
    return res.status >= 400 && res.status < 500 ? null : `malformed #${variant}: HTTP ${res.status}, expected a 4xx`;
  }
}

async function main(args: string[]): Promise<number> {
  const seconds = args.includes('--seconds') ? option(args, '--seconds', 600) : option(args, '--minutes', 10) * 60;
  const concurrency = Math.max(1, Math.floor(option(args, '--concurrency', 8)));
  const warmupSeconds = option(args, '--warmup-seconds', 30);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'proofgate-soak-'));
  const databaseFile = path.join(dataDir, 'proofgate.sqlite');
  const entra = await SimulatedEntra.create();
  let proc: ChildProcess | null = null;
  try {
    const jwksUrls = await entra.serveJwks();
    // One account per client: the app checks one capture per account at a time (a second gets 409 ERR_REPLAY).
    const moreOids = Array.from({ length: concurrency - 1 }, () => randomUUID());
    const started = await startAppChild(THIS_FILE, ['--child', dataDir, databaseFile, JSON.stringify({ tid: entra.tid, oid: entra.oid, appId: entra.appId, clientId: entra.clientId, jwksUrls } satisfies EntraIdentity), JSON.stringify(moreOids)]);
    proc = started.proc;
    const pid = proc.pid!;
    const driver = new Driver(entra, started.baseUrl);
    const oids = [entra.oid, ...moreOids];
    process.stdout.write(`soak: ${concurrency} clients, ${warmupSeconds} s warm-up then ${seconds} s, ${cpus().length} CPU(s), node ${process.version}, child pid ${pid}, ${new Date().toISOString()}\n`);

    const t0 = Date.now();
    const warmupEnd = t0 + warmupSeconds * 1000;
    const deadline = warmupEnd + seconds * 1000;
    const client = async (index: number) => {
      for (let n = 0; n < MAX_ITERATIONS_PER_CLIENT && Date.now() < deadline; n += 1) {
        await driver.run(MIX[(n + index * 7) % MIX.length], n, oids[index]);
      }
    };
    const clients = Promise.all(Array.from({ length: concurrency }, (_, i) => client(i)));

    await new Promise((r) => setTimeout(r, warmupEnd - Date.now()));
    const warmup = driver.stats;
    driver.stats = newStats();
    const measuredStart = performance.now();
    const rssStart = rssKiB(pid);
    process.stdout.write(`warm-up: ${completed(warmup)} verifications, ${warmup.errors} errors; child RSS ${mib(rssStart)}\n`);

    let lastCompleted = 0;
    let minute = 0;
    const ticker = setInterval(() => {
      minute += 1;
      const s = driver.stats;
      const done = completed(s);
      process.stdout.write(`minute ${String(minute).padStart(2)}: ${done} verifications (+${done - lastCompleted}, ` +
        `${((done - lastCompleted) / 60).toFixed(1)}/s), errors ${s.errors}, child RSS ${mib(rssKiB(pid))}\n`);
      lastCompleted = done;
    }, 60_000);
    await clients;
    clearInterval(ticker);
    const measuredSeconds = (performance.now() - measuredStart) / 1000;
    const rssEnd = rssKiB(pid);
    const s = driver.stats;
    const errors = s.errors + warmup.errors;

    const exitCode = await stopChild(proc);
    proc = null;
    const repo = openSqliteRepository(databaseFile);
    let chainOk = false;
    let chainLine: string;
    try {
      // The child's software key is gone with it: the stored public keys are what is left to trust here.
      const chain = await verifyAuditChain(repo, repo.auditKeys(), { macKeys: scriptMacKeys(KEK) });
      chainOk = chain.ok;
      chainLine = `${chain.ok ? 'OK' : `FAILED at seq ${chain.problem?.seq} (${chain.problem?.kind}): ${chain.problem?.reason}`}, ` +
        `records ${chain.records}, checkpoints ${chain.checkpoints}, sealed through ${chain.sealedThrough}, record MACs checked ${chain.macs?.checked ?? 0}`;
    } finally {
      repo.close();
    }

    const row = (k: string, v: string) => `| ${k} | ${v} |`;
    process.stdout.write([
      '',
      '| soak | |',
      '|---|---:|',
      row('duration (after warm-up)', `${measuredSeconds.toFixed(1)} s`),
      row('concurrent clients', String(concurrency)),
      row('verifications', String(completed(s))),
      ...KINDS.filter((k) => k !== 'malformed').map((k) => row(`  ${k}`, String(s.byKind[k]))),
      row('malformed requests refused (4xx)', String(s.byKind.malformed)),
      row('mean rate', `${(completed(s) / measuredSeconds).toFixed(1)} verifications/s`),
      row('full verification p50', `${median(s.latencies).toFixed(1)} ms`),
      row('full verification p99', `${percentile(s.latencies, 99).toFixed(1)} ms`),
      row('errors (warm-up included)', `${errors}${errors === 0 ? '' : ' (must be 0)'}`),
      row('child RSS after warm-up', mib(rssStart)),
      row('child RSS at the end', mib(rssEnd)),
      row('RSS growth', `${mib(rssEnd - rssStart)} (${(((rssEnd - rssStart) / rssStart) * 100).toFixed(1)} %)`),
      row('child exit', String(exitCode)),
      '',
      ...(driver.errorSamples.length > 0 ? ['first errors:', ...driver.errorSamples.map((e) => `  ${e}`), ''] : []),
      `audit chain: ${chainLine}`,
      `result: ${errors === 0 && chainOk ? 'OK' : 'FAILED'}`,
      '',
    ].join('\n'));
    return errors === 0 && chainOk ? 0 : 1;
  } finally {
    if (proc) await stopChild(proc);
    await entra.close();
    if (args.includes('--keep')) process.stdout.write(`database kept: ${databaseFile}\n`);
    else rmSync(dataDir, { recursive: true, force: true });
  }
}

const argv = process.argv.slice(2);
if (argv[0] === '--child') {
  child(argv[1], argv[2], JSON.parse(argv[3]) as EntraIdentity, JSON.parse(argv[4]) as string[]).catch((e: unknown) => {
    process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
    process.exit(2);
  });
} else {
  main(argv).then((code) => { process.exitCode = code; }, (e: unknown) => {
    process.stderr.write(`soak: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 2;
  });
}
