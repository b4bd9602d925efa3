// Two appliance processes behind one load balancer, one of them killed in the middle of a burst. Each node
// is the real app in its own process (test/helpers/app-node-child.ts: scripts/script-app.ts with the real
// face engine) on one PostgreSQL store, one SoftHSM token directory (the signing key, the evidence
// key-wrapping key and the audit MAC key, as real nodes share an HSM token) and one public URL (the load
// balancer's). A burst of returning-user verifications is spread over both; while node A holds captures
// it is judging, it gets SIGKILL. Node B keeps serving; what A had open is retried on B as a person and
// the load balancer would; and nothing is lost: every id_token has exactly one audit record, the chain
// both wrote verifies with its MACs, no session is decided without its record, and only the accounts
// whose claims A died holding are refused (409, until the claim lapses: the session's lifetime plus a
// minute, too long for this test; test/verification/two-nodes.test.ts shows the lapse with a moved clock).
import t, { type Test } from 'tap';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { initHsm } from '../../src/hsm/init-token.js';
import { openApplianceHsm } from '../../src/hsm/open-hsm.js';
import { verifyAuditChain } from '../../src/audit/verify-chain.js';
import { openPostgresRepository } from '../../src/store/postgres/open-postgres.js';
import { captureClaimKey } from '../../src/store/sqlite-capture-claims.js';
import { CLAIM_MARGIN_MS } from '../../src/verification/flow/capture-claims.js';
import { isFailure, openCapturePage, postSelfie, type CapturePage, type CaptureReply, type FlowFailure } from '../../scripts/flow-driver.js';
import { newTake, type EntraIdentity } from '../../scripts/script-app.js';
import { startPostgres } from '../helpers/postgres-server.js';
import { createTestToken } from '../helpers/softhsm.js';
import { SimulatedEntra } from '../helpers/simulated-entra.js';
import { faceJpeg } from '../helpers/face-photos.js';
import type { AppNodeOptions } from '../helpers/app-node-child.js';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'helpers', 'app-node-child.ts');
/** The load balancer's URL: the issuer both nodes sign as. Nothing listens there; the test routes. */
const PUBLIC_URL = 'https://verify.contoso.example';
const WAVE_ONE = 12;
const WAVE_TWO = 20;
/** Of wave two's verifications on A, these have opened their session when A dies and capture afterwards. */
const ON_PAGE_AT_KILL = 3;
/** Kill A once it holds this many claims (a session and an account claim per capture it is judging or queueing). */
const CLAIMS_AT_KILL = 6;
const SLOW = 120_000;

t.setTimeout(600_000);

interface Node {
  name: 'A' | 'B';
  proc: ChildProcess;
  baseUrl: string;
}

/** Starts a node and waits for its `ready <baseUrl>` line; stopped (SIGKILL if SIGTERM is not enough) at teardown. */
function startNode(t: Test, name: Node['name'], opts: AppNodeOptions): Promise<Node> {
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(opts)], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.teardown(() => stopNode(proc));
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`node ${name} not ready within ${SLOW} ms`)), SLOW);
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^ready (\S+)$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ name, proc, baseUrl: m[1] });
      }
    });
    proc.once('exit', (code, signal) => { clearTimeout(timer); reject(new Error(`node ${name} exited before it was ready (code ${code}, signal ${signal})`)); });
  });
}

const exited = (proc: ChildProcess) => proc.exitCode !== null || proc.signalCode !== null;

function stopNode(proc: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (exited(proc)) return resolve();
    const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
    proc.once('exit', () => { clearTimeout(timer); resolve(); });
    proc.kill('SIGTERM');
  });
}

/** One request's answer, as a browser or Entra sees it: a reply, a refusal, or a connection that broke. */
type Step<T> = { ok: T } | { refused: FlowFailure } | { broken: string };

async function step<T extends object>(call: () => Promise<T | FlowFailure>): Promise<Step<T>> {
  try {
    const r = await call();
    return isFailure(r) ? { refused: r } : { ok: r as T };
  } catch (e) {
    return { broken: `${(e as Error).message} ${String((e as { cause?: unknown }).cause ?? '')}`.trim() };
  }
}

/** What one person's verification came to. */
interface Verification {
  index: number;
  oid: string;
  /** Where the load balancer sent it first. */
  node: Node['name'];
  /** Every session it opened, in order (the id in the capture URL). */
  sessions: string[];
  /** The id_token, the node that answered it and the session it ended. */
  token: { idToken: string; by: Node['name']; sessionId: string } | null;
  /** The last refusal or broken connection, when it ended without a token. */
  last: string | null;
  /** A request of it to node A broke (A died under it). */
  cutOnA: boolean;
}

const sessionOf = (page: CapturePage) => /\/verify\/([^/]+)\/capture$/.exec(page.captureUrl)![1];

t.test('node A is killed mid-burst: node B keeps serving, A\'s open verifications finish on B, nothing is lost', async (t) => {
  const server = await startPostgres(t);
  const database = await server.createDatabase();
  const storeOptions = server.storeOptions(database);

  // One token directory for both nodes (and this process, to check the MACs): initialised once, as
  // `proofgate hsm init` would before the nodes start.
  const token = await createTestToken({ label: 'two-node-token' });
  t.teardown(token.cleanup);
  await initHsm(token.hsmConfig, token.dir);

  const entra = await SimulatedEntra.create();
  t.teardown(() => entra.close());
  const identity: EntraIdentity = { tid: entra.tid, oid: entra.oid, appId: entra.appId, clientId: entra.clientId, jwksUrls: await entra.serveJwks() };
  const moreOids = Array.from({ length: WAVE_ONE + WAVE_TWO - 1 }, () => randomUUID());
  const accounts = [entra.oid, ...moreOids];

  const work = mkdtempSync(path.join(tmpdir(), 'proofgate-kill-'));
  t.teardown(() => rmSync(work, { recursive: true, force: true }));
  const referenceJpeg = path.join(work, 'reference.jpg');
  writeFileSync(referenceJpeg, faceJpeg('personA'));
  const nodeOptions = (name: string, enrolAccounts: boolean): AppNodeOptions => ({
    dataDir: mkdtempSync(path.join(work, `node-${name}-`)), postgres: storeOptions, hsm: token.hsmConfig, entra: identity, publicBaseUrl: PUBLIC_URL,
    enrolAccounts, moreOids, referenceJpeg,
  });

  const watcher = new pg.Client({ host: server.host, port: server.port, user: server.user, database });
  await watcher.connect();
  t.teardown(() => watcher.end());
  const backends = async () => (await watcher.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE application_name = 'proofgate'")).rows.map((r) => r.pid);

  // A first: it migrates the store, stores the data key wrapped by the token's key and enrols every account.
  const a = await startNode(t, 'A', nodeOptions('a', true));
  const backendsOfA = await backends();
  const b = await startNode(t, 'B', nodeOptions('b', false));
  const backendsOfB = (await backends()).filter((pid) => !backendsOfA.includes(pid));
  t.ok(backendsOfA.length > 0 && backendsOfB.length > 0, 'each node holds its own PostgreSQL connection');

  const jwksOf = async (node: Node) => (await (await fetch(`${node.baseUrl}/oidc/jwks`)).json()) as JSONWebKeySet;
  const jwksA = await jwksOf(a);
  t.same(await jwksOf(b), jwksA, 'both nodes publish the one signing key of the shared token');

  const nodes = { A: a, B: b };
  let aIsDown = false;
  let markKilled!: () => void;
  const killed = new Promise<void>((resolve) => { markKilled = resolve; });
  const selfie = faceJpeg('personA', { width: 640, height: 480, zoom: 1.5, dx: 12, dy: 8, quality: 85 });

  /** The selfie, captured on `node`: a new take each time (a picture seen in an earlier session is refused). */
  const capture = (node: Node, page: CapturePage) => step(() => postSelfie(node.baseUrl, page, newTake(selfie, 'node-killed')));
  const authorize = (node: Node, oid: string) => step(() => openCapturePage(entra, node.baseUrl, oid));

  /**
   * A verification as a person and the load balancer make it: authorize and capture on `node`. A request
   * that breaks on A (A died) is retried on B, the survivor: the same session when it is still open, else
   * (or when B refuses it) a fresh authorize. `onPage`: the person is on the capture page when A dies and
   * sends the selfie afterwards, so to B.
   */
  async function verify(index: number, node: Node['name'], opts: { onPage?: (page: CapturePage) => void } = {}): Promise<Verification> {
    const v: Verification = { index, oid: accounts[index], node, sessions: [], token: null, last: null, cutOnA: false };
    const finished = (by: Node['name'], page: CapturePage, s: Step<CaptureReply>): boolean => {
      if ('ok' in s) {
        const idToken = s.ok.postBack?.fields?.id_token;
        if (s.ok.outcome === 'decided' && s.ok.decision === 'verified' && typeof idToken === 'string') {
          v.token = { idToken, by, sessionId: sessionOf(page) };
          return true;
        }
        v.last = `capture ${s.ok.outcome}/${s.ok.decision}`;
        return false;
      }
      if ('broken' in s) {
        if (by === 'A') v.cutOnA = true;
        v.last = `capture broken: ${s.broken}`;
        return false;
      }
      v.last = `capture ${s.refused.status} ${s.refused.code ?? ''}: ${s.refused.detail}`;
      return false;
    };
    const first = nodes[aIsDown ? 'B' : node];
    const opened = await authorize(first, v.oid);
    let page: CapturePage | null = null;
    if ('ok' in opened) {
      page = opened.ok;
      v.sessions.push(sessionOf(page));
      opts.onPage?.(page);
      if (opts.onPage) await killed;
      const to = aIsDown ? b : first;
      if (finished(to.name, page, await capture(to, page))) return v;
    } else if ('broken' in opened) {
      v.cutOnA ||= first.name === 'A';
      v.last = `authorize broken: ${opened.broken}`;
    } else {
      v.last = `authorize ${opened.refused.status} ${opened.refused.code ?? ''}`;
      return v;
    }
    if (!v.cutOnA) return v;
    // A died under this verification: the person tries again and the load balancer sends them to B.
    if (page && finished('B', page, await capture(b, page))) return v;
    const again = await authorize(b, v.oid);
    if (!('ok' in again)) {
      v.last = `retry authorize on B: ${'broken' in again ? again.broken : again.refused.status}`;
      return v;
    }
    v.sessions.push(sessionOf(again.ok));
    finished('B', again.ok, await capture(b, again.ok));
    return v;
  }

  const onNode = (i: number): Node['name'] => (i % 2 === 0 ? 'A' : 'B');

  // Wave one: both nodes serve, all of it completes before anything happens to A.
  const waveOne = await Promise.all(Array.from({ length: WAVE_ONE }, (_, i) => verify(i, onNode(i))));
  t.same(waveOne.filter((v) => v.token === null).map((v) => [v.index, v.last]), [], 'wave one: every verification got its id_token');
  t.same(waveOne.map((v) => v.token?.by), waveOne.map((v) => v.node), 'each from the node it was sent to');

  // Wave two: some people open their session on A and are still on the capture page when A dies; the
  // rest of the burst is sent off at once, half of it to A, and A dies while it holds captures.
  const waveTwo = Array.from({ length: WAVE_TWO }, (_, k) => WAVE_ONE + k);
  const onPageIndexes = waveTwo.filter((i) => onNode(i) === 'A').slice(0, ON_PAGE_AT_KILL);
  const pagesOpen: Promise<void>[] = [];
  const onPage = onPageIndexes.map((i) => {
    let opened!: () => void;
    pagesOpen.push(new Promise<void>((resolve) => { opened = resolve; }));
    const verification = verify(i, 'A', { onPage: () => opened() });
    void verification.finally(() => opened()); // refused before its page: the burst goes on, the asserts below tell
    return verification;
  });
  await Promise.all(pagesOpen);
  const inFlight = waveTwo.filter((i) => !onPageIndexes.includes(i)).map((i) => verify(i, onNode(i)));
  const capturesOnA = waveTwo.filter((i) => onNode(i) === 'A' && !onPageIndexes.includes(i)).length;

  const nodeA = `${hostname()}:${a.proc.pid}`;
  const claimsOfA = async () => (await watcher.query<{ claim_key: string; expires_at: string }>(
    'SELECT claim_key, expires_at FROM capture_claims WHERE node = $1', [nodeA])).rows;
  let settled = 0;
  for (const p of inFlight) void p.then(() => { settled += 1; });
  let held = 0;
  while (held < CLAIMS_AT_KILL && settled < inFlight.length) {
    held = (await claimsOfA()).length;
    if (held < CLAIMS_AT_KILL) await new Promise((r) => setTimeout(r, 5));
  }
  t.ok(held >= CLAIMS_AT_KILL, `node A holds ${held} capture claims (of ${capturesOnA} captures sent to it) when it is killed`);
  const exit = new Promise<NodeJS.Signals | null>((resolve) => a.proc.once('exit', (_code, signal) => resolve(signal)));
  a.proc.kill('SIGKILL');
  t.equal(await exit, 'SIGKILL', 'node A is gone');
  aIsDown = true;
  markKilled();
  // What A died holding: it can release nothing now.
  const stranded = await claimsOfA();

  const burst = [...await Promise.all(onPage), ...await Promise.all(inFlight)];

  // The killed node's PostgreSQL sessions end with it (their transactions rolled back, their advisory
  // locks released): B wrote after the kill, which every completion below proves.
  let left = backendsOfA;
  for (let i = 0; i < 600 && left.length > 0; i += 1) {
    const now = await backends();
    left = backendsOfA.filter((pid) => now.includes(pid));
    if (left.length > 0) await new Promise((r) => setTimeout(r, 50));
  }
  t.same(left, [], 'node A\'s PostgreSQL backends are gone');
  const locksOfA = await watcher.query('SELECT pid FROM pg_locks WHERE pid = ANY($1::int[])', [backendsOfA]);
  t.equal(locksOfA.rowCount, 0, 'and hold no lock, advisory or other');
  t.same((await backends()).filter((pid) => backendsOfB.includes(pid)), backendsOfB, 'node B\'s connection is still there');

  // Node B answered everything sent to it, during and after the kill.
  const toB = burst.filter((v) => v.node === 'B');
  t.same(toB.filter((v) => v.token?.by !== 'B').map((v) => [v.index, v.last]), [], `the ${toB.length} verifications sent to B all got their id_token from B`);
  const pageOnA = burst.filter((v) => onPageIndexes.includes(v.index));
  t.same(pageOnA.map((v) => [v.token?.by, v.token?.sessionId]), pageOnA.map((v) => ['B', v.sessions[0]]),
    'the sessions opened on A whose selfie came after A died were finished on B, the same sessions');

  // The captures A was judging or queueing: each one either answered by A before it died, or retried on B.
  // Refused there (409) exactly when A died holding the account's claim; every other one completes.
  const sentToA = burst.filter((v) => v.node === 'A' && !onPageIndexes.includes(v.index));
  const accountClaim = (oid: string) => captureClaimKey('account', entra.tid, oid);
  const strandedKeys = new Set(stranded.map((c) => c.claim_key));
  const heldByDeadA = sentToA.filter((v) => strandedKeys.has(accountClaim(v.oid)));
  t.ok(sentToA.some((v) => v.cutOnA), 'some of them were cut when A died');
  t.ok(heldByDeadA.length > 0, `A died holding the claims of ${heldByDeadA.length} accounts`);
  for (const v of sentToA) {
    if (heldByDeadA.includes(v)) {
      t.match(v, { token: null, cutOnA: true, last: /^capture 409 ERR_REPLAY: .*a capture for this account is already being checked; wait for its result/ },
        `account ${v.index}: A died judging it; B refuses it until the claim lapses`);
    } else {
      t.not(v.token, null, `account ${v.index}: ${v.token?.by === 'A' ? 'answered by A before it died' : `retried on B: ${v.token ? 'verified' : v.last}`}`);
      if (v.token?.by === 'A') t.equal(v.cutOnA, false);
    }
  }

  // After the burst, the load balancer sends everything to B: more of the same accounts, all served.
  const after = await Promise.all(Array.from({ length: 4 }, (_, i) => verify(i, 'B')));
  t.same(after.map((v) => v.token?.by), ['B', 'B', 'B', 'B'], 'node B serves on after the burst');

  // Nothing lost, nothing half-written: read the store both nodes wrote.
  const repo = openPostgresRepository(storeOptions);
  t.teardown(() => repo.close());
  const everyone = [...waveOne, ...burst, ...after];
  const tokens = everyone.flatMap((v) => (v.token ? [{ ...v.token, oid: v.oid }] : []));
  t.equal(tokens.length, WAVE_ONE + WAVE_TWO + after.length - heldByDeadA.length, 'an id_token for every verification but those A died judging');
  const records = [...repo.auditRecords()];
  const recordsOf = (sessionId: string) => records.filter((r) => r.sessionId === sessionId);
  const jwks = createLocalJWKSet(jwksA);
  const unsound: unknown[] = [];
  for (const { idToken, sessionId, oid, by } of tokens) {
    const session = repo.getSession(sessionId)!;
    const { payload } = await jwtVerify(idToken, jwks, { issuer: PUBLIC_URL, audience: entra.clientId, algorithms: ['RS256'] });
    const found = { nonce: payload.nonce, sub: payload.sub, status: session.status, records: recordsOf(sessionId).map((r) => [r.oid, r.decision]) };
    const expected = { nonce: session.nonce, sub: session.sub, status: 'decided', records: [[oid, 'verified']] };
    if (JSON.stringify(found) !== JSON.stringify(expected)) unsound.push({ by, sessionId, found, expected });
  }
  t.same(unsound, [], `all ${tokens.length} id_tokens (${tokens.filter((x) => x.by === 'A').length} from A, ${tokens.filter((x) => x.by === 'B').length} from B) `
    + 'verify against the published key, and each one\'s session is decided with exactly one record, verified');
  const sessions = (await watcher.query<{ session_id: string; status: string }>('SELECT session_id, status FROM verification_sessions')).rows;
  const halfWritten = sessions.filter((s) => (s.status === 'open') !== (recordsOf(s.session_id).length === 0) || recordsOf(s.session_id).length > 1);
  t.same(halfWritten, [], 'every decided session has exactly one record, every open one none');
  t.same(records.filter((r) => r.sessionId !== null && !sessions.some((s) => s.session_id === r.sessionId)), [], 'no record without its session');
  // A died judging these: each first session is open with no record, or (killed after its commit, before
  // it answered and released) decided with its one record; the claim keeps the account until it lapses.
  const statusOf = (sessionId: string) => sessions.find((s) => s.session_id === sessionId)?.status;
  t.same(heldByDeadA.map((v) => [statusOf(v.sessions[0]), recordsOf(v.sessions[0]).length]).filter(([status, n]) => !(status === 'open' && n === 0) && !(status === 'decided' && n === 1)), [],
    'the sessions A died judging are open with no record (the sweep expires them), or decided with their one record');
  for (const v of heldByDeadA) {
    const claim = stranded.find((c) => c.claim_key === accountClaim(v.oid))!;
    t.equal(Number(claim.expires_at), repo.getSession(v.sessions[0])!.expiresAt + CLAIM_MARGIN_MS, `account ${v.index}'s claim lapses a minute after its stranded session expires`);
  }

  t.same(records.map((r) => r.seq), records.map((_, i) => i + 1), 'one gap-free sequence');
  t.equal(records.filter((r) => r.sessionId === null).length, accounts.length, 'the enrolments, then the decisions of both nodes');
  const hsm = await openApplianceHsm(token.hsmConfig, token.dir);
  t.teardown(() => hsm.close());
  const trusted = (await hsm.keyRing.published()).map((k) => k.jwk());
  t.match(await verifyAuditChain(repo, trusted, { macKeys: hsm.auditMacKeys }), { ok: true, records: records.length, problem: null },
    'the audit chain both nodes wrote verifies end to end, hashes and MACs');
});
