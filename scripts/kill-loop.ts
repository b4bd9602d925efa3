// Crash test by hand (not a test, never run by tap): "a decision never leaves without its record" must
// survive kill -9. Each round starts the real app (store, audit trail, OIDC completer, verification
// routes, wired by scripts/script-app.ts) in a child process on one temporary SQLite file; the child
// drives verifications against itself over HTTP (mostly Cancel, the cheapest complete decision, and
// some returning-user passes with the recorded face analyzer the tests use) until the parent kills it
// with SIGKILL at a random moment. After the last round the parent opens the file and prints how many
// sessions ended without an audit record (must be 0) and whether the chain verifies.
//
//   node --import tsx scripts/kill-loop.ts [--rounds 100] [--max-kill-ms 1200] [--keep]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { verifyAuditChain } from '../src/audit/verify-chain.js';
import { openSqliteRepository } from '../src/store/sqlite-repository.js';
import { RecordedFaceAnalyzer, embedding, oneFace } from '../test/helpers/recorded-face-analyzer.js';
import { SimulatedEntra } from '../test/helpers/simulated-entra.js';
import { faceJpeg } from '../test/helpers/face-photos.js';
import { newTake, scriptMacKeys, startScriptApp } from './script-app.js';

const THIS_FILE = fileURLToPath(import.meta.url);
// One wrapping key for every child, so each restart unwraps the data key the first child stored.
const KEK = Buffer.alloc(32, 0x5a);
const KEK_ID = 'kill-loop-kek';

function option(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const n = Number(args[i + 1]);
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`${name}: expected a positive integer, got ${args[i + 1]}`);
  return n;
}

/** The child: the app on `databaseFile`, driving verifications against itself until it is killed. */
async function child(dataDir: string, databaseFile: string): Promise<void> {
  const entra = await SimulatedEntra.create();
  const jwksUrls = await entra.serveJwks();
  const { baseUrl, repository } = await startScriptApp({
    dataDir, databaseFile, entra: { tid: entra.tid, oid: entra.oid, appId: entra.appId, clientId: entra.clientId, jwksUrls },
    faceEngine: new RecordedFaceAnalyzer([oneFace(embedding(1))]), kek: KEK, kekId: KEK_ID, attestedBy: 'kill-loop',
  });
  const selfie = faceJpeg('personA', { width: 320, height: 240, zoom: 1.4 });
  process.stdout.write('ready\n');

  for (let n = 0; ; n += 1) {
    const res = await fetch(`${baseUrl}/oidc/authorize`, {
      method: 'POST', body: new URLSearchParams(await entra.request()), redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    const html = await res.text();
    const m = /action="([^"]*\/verify\/([^/"]+)\/cancel)"/.exec(html);
    if (!m) throw new Error(`no verification page (HTTP ${res.status})`);
    const csrf = repository.getSession(m[2])!.csrfToken;
    const done = n % 4 === 3
      ? await fetch(`${baseUrl}${m[1].replace(/\/cancel$/, '/capture')}`, {
        method: 'POST', body: newTake(selfie, 'kill-loop'), headers: { accept: 'application/json', 'content-type': 'image/jpeg', 'x-csrf-token': csrf },
      })
      : await fetch(`${baseUrl}${m[1]}`, {
        method: 'POST', body: new URLSearchParams({ csrf }), headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
    await done.arrayBuffer();
    process.stdout.write(`${done.status === 200 ? (n % 4 === 3 ? 'pass' : 'cancel') : `http-${done.status}`}\n`);
  }
}

interface RoundResult { decided: number; passes: number; failures: number }

function round(dataDir: string, databaseFile: string, maxKillMs: number): Promise<RoundResult> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', THIS_FILE, '--child', dataDir, databaseFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    const result: RoundResult = { decided: 0, passes: 0, failures: 0 };
    let stderr = '';
    let buffered = '';
    let ready = false;
    proc.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    proc.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        if (line === 'ready' && !ready) {
          ready = true;
          setTimeout(() => proc.kill('SIGKILL'), Math.floor(Math.random() * maxKillMs));
        } else if (line === 'cancel' || line === 'pass') {
          result.decided += 1;
          if (line === 'pass') result.passes += 1;
        } else if (line.startsWith('http-')) result.failures += 1;
      }
    });
    proc.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(result);
      else reject(new Error(`child exited on its own (code ${code}, ready ${ready}): ${stderr.slice(-2000)}`));
    });
  });
}

async function main(args: string[]): Promise<number> {
  const rounds = option(args, '--rounds', 100);
  const maxKillMs = option(args, '--max-kill-ms', 1200);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'proofgate-kill-loop-'));
  const databaseFile = path.join(dataDir, 'proofgate.sqlite');
  const started = Date.now();
  const total: RoundResult = { decided: 0, passes: 0, failures: 0 };
  try {
    for (let i = 1; i <= rounds; i += 1) {
      const r = await round(dataDir, databaseFile, maxKillMs);
      total.decided += r.decided;
      total.passes += r.passes;
      total.failures += r.failures;
      if (i % 10 === 0) process.stdout.write(`round ${i}/${rounds}: ${total.decided} decisions answered so far\n`);
    }
    const repo = openSqliteRepository(databaseFile);
    try {
      const db = repo.database;
      const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
      const byStatus = db.prepare('SELECT status, count(*) AS n FROM verification_sessions GROUP BY status ORDER BY status').all() as { status: string; n: number }[];
      const withoutRecord = count(`SELECT count(*) AS n FROM verification_sessions s WHERE s.status <> 'open'
        AND NOT EXISTS (SELECT 1 FROM audit_records a WHERE a.session_id = s.session_id)`);
      const recordWhileOpen = count(`SELECT count(*) AS n FROM verification_sessions s WHERE s.status = 'open'
        AND EXISTS (SELECT 1 FROM audit_records a WHERE a.session_id = s.session_id)`);
      const twice = count('SELECT count(*) AS n FROM (SELECT session_id FROM audit_records WHERE session_id IS NOT NULL GROUP BY session_id HAVING count(*) > 1)');
      // The children's software keys are gone with them: the stored public keys are what is left to trust here.
      const chain = await verifyAuditChain(repo, repo.auditKeys(), { macKeys: scriptMacKeys(KEK) });
      process.stdout.write([
        `kill-loop: ${rounds} rounds of kill -9 in ${Math.round((Date.now() - started) / 1000)} s`,
        `decisions answered before a kill: ${total.decided} (${total.passes} passes), non-200 answers: ${total.failures}`,
        `sessions: ${byStatus.map((s) => `${s.status} ${s.n}`).join(', ')}`,
        `sessions decided without an audit record: ${withoutRecord}`,
        `open sessions with an audit record: ${recordWhileOpen}`,
        `sessions with more than one audit record: ${twice}`,
        `audit chain: ${chain.ok ? 'OK' : `FAILED at seq ${chain.problem?.seq} (${chain.problem?.kind}): ${chain.problem?.reason}`}, records ${chain.records}, checkpoints ${chain.checkpoints}, sealed through ${chain.sealedThrough}, record MACs checked ${chain.macs?.checked ?? 0}`,
        `result: ${withoutRecord === 0 && recordWhileOpen === 0 && twice === 0 && chain.ok ? 'OK' : 'FAILED'}`,
        '',
      ].join('\n'));
      return withoutRecord === 0 && recordWhileOpen === 0 && twice === 0 && chain.ok ? 0 : 1;
    } finally {
      repo.close();
    }
  } finally {
    if (args.includes('--keep')) process.stdout.write(`database kept: ${databaseFile}\n`);
    else rmSync(dataDir, { recursive: true, force: true });
  }
}

const argv = process.argv.slice(2);
if (argv[0] === '--child') {
  child(argv[1], argv[2]).catch((e: unknown) => {
    process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
    process.exit(2);
  });
} else {
  main(argv).then((code) => { process.exitCode = code; }, (e: unknown) => {
    process.stderr.write(`kill-loop: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 2;
  });
}
