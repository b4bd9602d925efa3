// The capture claims that keep one capture judged per session and per account across appliances sharing a
// store: two repositories on one SQLite file (two connections) and on one PostgreSQL database.
import t from 'tap';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { forEachStoreBackend } from '../helpers/store-backends.js';
import { captureClaimKey } from '../../src/store/sqlite-capture-claims.js';
import { CLAIM_MARGIN_MS, captureBeingJudged, claimCapture, releaseCaptureClaims } from '../../src/verification/flow/capture-claims.js';
import type { VerificationSession } from '../../src/core/domain.js';

const run = promisify(execFile);
const worker = path.join(path.dirname(fileURLToPath(import.meta.url)), '../helpers/capture-claim-worker.ts');
const NOW = Date.UTC(2026, 0, 1);
const account = captureClaimKey('account', 'tenant-1', 'oid-1');

/** The fields a claim reads of a session; the rest does not matter to it. */
function session(sessionId: string, oid = 'oid-1'): VerificationSession {
  return { sessionId, tid: 'tenant-1', oid, expiresAt: NOW + 300_000 } as VerificationSession;
}

forEachStoreBackend(t, (t, backend) => {
  t.test('a claim held by one node refuses the other until it is released', async (t) => {
    const { repo: a, another } = await backend.temp(t);
    const b = another();
    const first = a.captureClaims.claim(account, NOW, NOW + 1000);
    t.ok(first, 'node A claims the account');
    t.equal(b.captureClaims.claim(account, NOW + 10, NOW + 1000), null, 'node B is refused while A holds it');
    t.equal(a.captureClaims.claim(account, NOW + 10, NOW + 1000), null, 'and so is a second capture on A');
    t.ok(b.captureClaims.isHeld(account, NOW + 10), 'B sees it held');
    a.captureClaims.release(first!);
    t.notOk(b.captureClaims.isHeld(account, NOW + 20), 'released');
    t.ok(b.captureClaims.claim(account, NOW + 20, NOW + 1000), 'B claims it after the release');
  });

  t.test('SQLite: a claim and its release commit without an fsync, and the store is back at synchronous = FULL after', { skip: backend.name !== 'sqlite' && 'SQLite only' }, async (t) => {
    const { repo } = await backend.temp(t);
    const level = () => repo.database.pragma('synchronous', { simple: true });
    t.equal(level(), 2, 'FULL before');
    const claim = repo.captureClaims.claim(account, NOW, NOW + 1000)!;
    t.equal(level(), 2, 'FULL after the claim');
    repo.captureClaims.release(claim);
    t.equal(level(), 2, 'FULL after the release');
    const inside = repo.transaction(() => repo.captureClaims.claim(account, NOW, NOW + 1000));
    t.ok(inside, "inside a caller's transaction the claim commits with it, at the store's level");
    t.equal(level(), 2);
  });

  t.test('a claim lapses at its expiry (a crashed node); the late release of the lapsed one leaves the new one', async (t) => {
    const { repo: a, another } = await backend.temp(t);
    const b = another();
    const crashed = a.captureClaims.claim(account, NOW, NOW + 1000)!;
    t.equal(b.captureClaims.claim(account, NOW + 999, NOW + 2000), null, 'refused just before the expiry');
    const taken = b.captureClaims.claim(account, NOW + 1000, NOW + 2000);
    t.ok(taken, 'granted at the expiry');
    a.captureClaims.release(crashed);
    t.ok(a.captureClaims.isHeld(account, NOW + 1001), 'A\'s late release did not drop B\'s claim');
    t.equal(a.captureClaims.claim(account, NOW + 1001, NOW + 3000), null);
    t.equal(a.captureClaims.pruneExpired(NOW + 1500), 0, 'an unexpired claim is not pruned');
    t.equal(a.captureClaims.pruneExpired(NOW + 2000), 1, 'an expired one is');
  });

  t.test('claimCapture: session first, then account; a refusal leaves nothing claimed', async (t) => {
    const { repo: a, another } = await backend.temp(t);
    const b = another();
    const held = claimCapture(a, session('session-one-aaaaaaaa'), NOW);
    t.ok(captureBeingJudged(b, 'session-one-aaaaaaaa', NOW), 'the other node sees the session being judged (a cancel waits)');
    t.throws(() => claimCapture(b, session('session-one-aaaaaaaa'), NOW), { code: 'ERR_REPLAY', status: 409, message: 'a capture for this verification is already being checked' });
    t.throws(() => claimCapture(b, session('session-two-bbbbbbbb'), NOW), {
      code: 'ERR_REPLAY', status: 409, message: 'a capture for this account is already being checked; wait for its result',
    });
    t.notOk(captureBeingJudged(a, 'session-two-bbbbbbbb', NOW), 'the refused capture\'s session claim was given back');
    const otherAccount = claimCapture(b, session('session-three-cccccc', 'oid-2'), NOW);
    t.equal(otherAccount.length, 2, 'another account is not held up');
    t.same(releaseCaptureClaims(a, held), []);
    const next = claimCapture(b, session('session-two-bbbbbbbb'), NOW + 1);
    t.equal(next.length, 2, 'granted once the first capture is released');
    // A crashed node's claims lapse CLAIM_MARGIN_MS after its session's expiry.
    const expiry = NOW + 300_000 + CLAIM_MARGIN_MS;
    t.throws(() => claimCapture(a, session('session-four-dddddddd'), expiry - 1), { code: 'ERR_REPLAY' });
    t.equal(claimCapture(a, session('session-four-dddddddd'), expiry).length, 2, 'granted once the holder\'s session and the margin have passed');
  });

  t.test('a malformed claim is refused and writes nothing', async (t) => {
    const { repo } = await backend.temp(t);
    t.throws(() => repo.captureClaims.claim('tenant-1/oid-1', NOW, NOW + 1), { code: 'ERR_STORE_INPUT', message: /captureClaimKey/ });
    t.throws(() => repo.captureClaims.claim(account, NOW, NOW), { code: 'ERR_STORE_INPUT', message: /expiresAt after now/ });
    t.notOk(repo.captureClaims.isHeld(account, NOW - 1));
  });

  t.test('two processes claiming one key at once: never both hold it', async (t) => {
    const { location } = await backend.temp(t);
    const store = typeof location === 'string' ? location : JSON.stringify(location);
    // Both start at one wall-clock instant, after the slower one has loaded.
    const startAt = String(Date.now() + 8000);
    const outputs = await Promise.all(['a', 'b'].map(() => run(process.execPath, ['--import', 'tsx', worker, store, startAt, '1500', account], { timeout: 60_000 })));
    const [a, b] = outputs.map((o) => JSON.parse(o.stdout) as { held: Array<[number, number]>; refused: number });
    t.ok(a.held.length > 0 && b.held.length > 0, `both processes held the claim at times (${a.held.length} and ${b.held.length})`);
    t.ok(a.refused + b.refused > 0, `they contended (${a.refused + b.refused} refusals)`);
    const overlaps = a.held.filter(([from, to]) => b.held.some(([f, e]) => from < e && f < to));
    t.same(overlaps, [], 'no interval in which both held it');
  });
});
