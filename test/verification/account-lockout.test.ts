// Per-account lockout through the app: failed face matches in several sessions lock the account; while
// locked the owner's own face is denied with the answer of any denial, nothing analysed and no evidence
// stored; the lock ends after lockMinutes (injected clock) or at a staff unlock (audited); other accounts
// are not affected; captures fired at once across sessions cannot get past the bound. The daily cap: an
// attacker pacing failures under the short window's bound, or bursting after each short lock, reaches
// maxFailuresPerDay and the account stays locked until a staff unlock.
import t, { type Test } from 'tap';
import { sessionReference } from '../../src/verification/flow/session-reference.js';
import { enrolFromReferencePhoto } from '../../src/verification/flow/enrol-from-reference-photo.js';
import { accountCommand } from '../../src/cli/commands/account.js';
import { accountLockoutStatus, accountRef, operatorName } from '../../src/verification/flow/account-lockout-admin.js';
import { RecordedFaceAnalyzer, embedding, oneFace } from '../helpers/recorded-face-analyzer.js';
import { startVerificationTestApp, type OpenedSession, type VerificationTestApp } from '../helpers/verification-test-app.js';
import { faceJpeg } from '../helpers/face-photos.js';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { buildConfig } from '../../src/config/index.js';
import { CAPTURE_ENVELOPE_MEDIA_TYPE } from '../../src/verification/capture/capture.js';
import { DocumentsInspector } from '../../src/verification/first-time/document-inspector.js';
import { sessionChallenge } from '../../src/verification/capture/session-challenge.js';
import { HOLDER_CLAIMS, buildTd1, kioskCaptures, renderIdCard, selfieOf } from '../helpers/first-time-fixtures.js';
import { API_TEST_MOTION, challengeFrames, challengeItems, challengeLandmarks, depthEvidence, depthItems } from '../helpers/liveness-evidence.js';
import { envelopeAsSent } from '../helpers/test-station.js';

const run = promisify(execFile);

const owner = embedding(1);
const stranger = embedding(9);
const OTHER_OID = '7c1f4a52-3d2b-4e8f-9a6b-0c5d2e1f3a4b';
const STATE = 'same-state-everywhere';
const MINUTE = 60_000;
const DENIAL = {
  outcome: 'decided', decision: 'denied', message: 'We could not verify that you are the owner of this account. Returning you to sign-in…',
  postBack: { redirectUri: 'https://login.microsoftonline.com/common/federation/externalauthprovider', fields: { error: 'access_denied', error_description: 'the person was not verified', state: STATE } },
};

// A camera never repeats its bytes (a repeat is a duplicate capture): each take differs after the JPEG's end.
const base = faceJpeg('personA', { width: 320, height: 240, zoom: 1.4 });
let takes = 0;
const take = () => Buffer.concat([base, Buffer.from(`take ${(takes += 1)}`)]);

interface Harness {
  app: VerificationTestApp;
  engine: RecordedFaceAnalyzer;
  events: Array<{ event: string; fields: Record<string, unknown> }>;
  clock: { now: number };
}

async function harness(t: Test, lockout: Record<string, unknown> = { maxFailures: 3 }): Promise<Harness> {
  const engine = new RecordedFaceAnalyzer([oneFace(owner)]);
  const clock = { now: Date.now() };
  const events: Harness['events'] = [];
  const app = await startVerificationTestApp(t, {
    faceEngine: engine, now: () => clock.now, log: (event, fields) => events.push({ event, fields }),
    config: { verification: { assurance: { returningUser: 'none', firstTime: 'none' }, lockout } },
  });
  for (const oid of [app.entra.oid, OTHER_OID]) {
    await enrolFromReferencePhoto(
      { repo: app.repository, audit: app.auditTrail, faceEngine: engine, quality: app.config.verification.quality, maxImageBytes: app.config.server.maxImageBytes, now: () => clock.now },
      { tid: app.entra.tid, oid, upn: null, photo: faceJpeg('personA'), attestedBy: 'desk-officer-7' },
    );
  }
  return { app, engine, events, clock };
}

/** A session opened by a hint Entra issued at the test's clock (the hint's age is checked against it). */
async function open(h: Harness, oid?: string): Promise<OpenedSession> {
  const s = Math.floor(h.clock.now / 1000);
  const hint = await h.app.entra.mintHint({ claims: { iat: s, nbf: s, exp: s - 1, ...(oid ? { oid } : {}) } });
  return h.app.openSession({ id_token_hint: hint, state: STATE });
}

async function capture(h: Harness, opened: OpenedSession, face: Float32Array | null) {
  if (face) h.engine.willAnswer(oneFace(face));
  const res = await fetch(`${h.app.baseUrl}${opened.captureUrl}`, {
    method: 'POST', body: new Uint8Array(take()), headers: { accept: 'application/json', 'content-type': 'image/jpeg', 'x-csrf-token': opened.session.csrfToken },
  });
  // Every answer carries the session's reference (the same whatever the reason); compared apart from it.
  const { reference, ...json } = (await res.json()) as Record<string, unknown>;
  if (reference !== sessionReference(opened.session.sessionId)) throw new Error(`answer without the session's reference: ${String(reference)}`);
  return { status: res.status, json };
}

const auditOf = (h: Harness) => [...h.app.repository.auditRecords()];
const counted = (h: Harness) => accountLockoutStatus(h.app.repository, h.app.config.verification.lockout, accountRef(h.app.entra.tid, h.app.entra.oid), h.clock.now);
const activeLockOf = (h: Harness) => counted(h).lock;

t.test('failed matches in several sessions lock the account; the owner is then denied unjudged, like any denial; the lock ends after lockMinutes', async (t) => {
  const h = await harness(t);
  const { app, engine } = h;
  const strangerReplies = [];
  for (let i = 1; i <= 3; i++) {
    const opened = await open(h);
    strangerReplies.push(await capture(h, opened, stranger));
    t.match(app.repository.lastAuditRecord(), i < 3 ? { sessionId: opened.session.sessionId } : { sessionId: null, flow: 'none' });
    t.equal(app.repository.countUnspentAccountFailures(app.entra.tid, app.entra.oid, 0), i < 3 ? i : 0, `failure ${i} counted in the window (the lock spends the count)`);
    t.equal(app.repository.countAccountFailures(app.entra.tid, app.entra.oid, 0), i, `failure ${i} kept for the daily cap`);
    h.clock.now += MINUTE;
  }
  for (const r of strangerReplies) t.same(r, { status: 200, json: DENIAL });

  const records = auditOf(h);
  const lockEvent = records.at(-1)!;
  t.match(lockEvent, {
    sessionId: null, flow: 'none', decision: 'denied', tid: app.entra.tid, oid: app.entra.oid, evidenceSha256: [],
    checks: [{ name: 'account-locked', score: 3, threshold: 3, outcome: 'fail', reason: /^3 failed verifications within 15 min \(the last in session .+\): verification locked until / }],
  }, 'the audit event account-locked, raised once as the lock starts');
  t.match(records.at(-2), { flow: 'returning', decision: 'denied', checks: [{ name: 'face-count' }] }, 'the decision that started it is recorded before it');
  const lock = app.repository.getAccountLock(app.entra.tid, app.entra.oid)!;
  t.equal(lock.kind, 'short');
  t.equal(lock.lockedUntil! - lock.lockedAt, 30 * MINUTE, 'locked for lockMinutes (default 30)');
  t.same(h.events.filter((e) => e.event === 'verification.lockout_failure').map((e) => e.fields.failures), [1, 2, 3], 'each counted failure is logged with the count');
  t.match(h.events.filter((e) => e.event === 'verification.account_locked'), [{ fields: { tid: app.entra.tid, oid: app.entra.oid, kind: 'short', failures: 3, lockMinutes: 30 } }]);
  t.same(h.events.filter((e) => e.event === 'verification.lockout_failure').map((e) => e.fields.failuresToday), [1, 2, 3], 'and the daily count');

  // The owner's own face while locked: the answer of any denial, nothing analysed, nothing stored.
  engine.willAnswer(oneFace(owner));
  const opened = await open(h);
  const genuine = await capture(h, opened, null);
  t.same(genuine, { status: 200, json: DENIAL }, 'the same status, JSON and post-back as the stranger got');
  t.equal(engine.calls, 0, 'nothing was analysed');
  t.same(app.repository.listEvidence(opened.session.sessionId), [], 'no evidence stored');
  t.match(app.repository.lastAuditRecord(), {
    sessionId: opened.session.sessionId, flow: 'returning', decision: 'denied', evidenceSha256: [],
    checks: [{ name: 'account-locked', outcome: 'fail', reason: /^verification for this account is locked until .*; the capture was not judged$/ }],
  });
  t.equal(auditOf(h).filter((r) => r.checks.some((c) => c.name === 'account-locked') && r.sessionId === null).length, 1, 'the lock event is raised once');
  t.match(h.events.at(-1), { event: 'verification.account_locked_refusal', fields: { sessionId: opened.session.sessionId } });
  const metrics = await app.metrics.registry.metrics();
  t.match(metrics, /^proofgate_lockout_failures_total\{reason="face-match"\} 3$/m, 'the counted failures are a metric, by reason');
  t.match(metrics, /^proofgate_accounts_locked_total\{kind="short"\} 1$/m, 'the lock is counted once, by kind');
  t.notMatch(metrics, /^proofgate_accounts_locked_total\{kind="staff"\}/m, 'no staff lock');
  t.match(metrics, /^proofgate_locked_account_refusals_total 1$/m, 'the refused capture while locked is counted');

  // Malformed requests are still refused as for any account (a 4xx; no lock oracle there either).
  const malformed = await open(h);
  const res = await fetch(`${app.baseUrl}${malformed.captureUrl}`, {
    method: 'POST', headers: { 'content-type': 'application/vnd.proofgate.captures+json', 'x-csrf-token': malformed.session.csrfToken, accept: 'application/json' },
    body: JSON.stringify(envelopeAsSent(app.repository, malformed.session,
      [{ kind: 'selfie', mediaType: 'image/jpeg', data: take().toString('base64') }, { kind: 'document-front', mediaType: 'image/jpeg', data: take().toString('base64') }],
      { issuedAt: h.clock.now })),
  });
  t.equal(res.status, 400);

  // Another account is not affected.
  t.match((await capture(h, await open(h, OTHER_OID), owner)).json, { decision: 'verified' }, 'other accounts verify as usual');

  // lockMinutes later the owner passes, and the success leaves no count behind.
  h.clock.now = lock.lockedUntil!;
  t.match((await capture(h, await open(h), owner)).json, { decision: 'verified' }, 'the lock has ended');
  t.equal(app.repository.getAccountLock(app.entra.tid, app.entra.oid), null, 'a success clears the lock row');
});

t.test('staff unlock lifts the lock at once, audited with the operator; status shows the lock and the count', async (t) => {
  const h = await harness(t);
  const { app } = h;
  const out: string[] = [];
  const err: string[] = [];
  const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l) };
  const runtime = async () => ({ config: app.config, repository: app.repository, audit: app.auditTrail, close: () => undefined });
  const account = ['--tid', app.entra.tid.toUpperCase(), '--oid', app.entra.oid];

  for (let i = 0; i < 3; i++) await capture(h, await open(h), stranger);
  t.equal(await accountCommand(['status', ...account], runtime, io, () => h.clock.now), 0);
  t.match(out.join('\n'), /: LOCKED until \S+Z \(short lock, at .* after 3 failed verifications\)\nfailed verifications counted in the last 15 min \(since the last lock\): 0 of 3\nfailed verifications in the last 24 h: 3 of 10 \(then locked until a staff unlock\)$/);
  t.match((await capture(h, await open(h), owner)).json, DENIAL, 'locked');

  // The operator's name flows into the audit reason and the syslog feed: a line break, a control or
  // format character (a bidi override), or an unbounded name is refused before anything is opened.
  const records = auditOf(h).length;
  for (const by of ['desk-officer-7\nproofgate: account unlocked by security', 'desk\r7', 'desk\u00007', 'bell\u0007', 'tab\there', '\u202Eevil', 'line\u2028sep', 'x'.repeat(101)]) {
    await t.rejects(accountCommand(['unlock', ...account, '--by', by], runtime, io, () => h.clock.now), { code: 'ERR_BAD_REQUEST', message: /^by must name the operator who unlocks: 1\.\.100 printable characters/ }, `refused: ${by.length > 40 ? `${by.length} characters` : by.replace(/[^\x20-\x7e]/gu, (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`)}`);
  }
  t.equal(auditOf(h).length, records, 'a refused name records nothing');
  t.ok(app.repository.getAccountLock(app.entra.tid, app.entra.oid), 'and unlocks nothing');
  t.equal(operatorName('  Zoë O\u2019Brien (desk 7)  '), 'Zoë O\u2019Brien (desk 7)', 'letters of any script, punctuation and spaces are printable');
  t.equal(operatorName('x'.repeat(100)), 'x'.repeat(100), '100 characters is the bound');

  out.length = 0;
  t.equal(await accountCommand(['unlock', ...account, '--by', 'desk-officer-7'], runtime, io, () => h.clock.now), 0);
  const unlock = app.repository.lastAuditRecord()!;
  t.match(unlock, {
    sessionId: null, flow: 'none', tid: app.entra.tid, oid: app.entra.oid, evidenceSha256: [],
    checks: [{ name: 'account-unlock', score: 3, outcome: 'pass', reason: /^unlocked by desk-officer-7: short lock until .* \(3 failed verifications\) lifted; 3 counted failure\(s\) cleared$/ }],
  });
  t.match(out.join('\n'), new RegExp(`unlocked .*; 3 failure\\(s\\) cleared; audit record ${unlock.seq}$`));
  t.match((await capture(h, await open(h), owner)).json, { decision: 'verified' }, 'the owner passes at once after the unlock');

  // Nothing to unlock: nothing changes, nothing is recorded.
  const before = auditOf(h).length;
  t.equal(await accountCommand(['unlock', ...account, '--by', 'desk-officer-7'], runtime, io, () => h.clock.now), 0);
  t.equal(auditOf(h).length, before, 'no record for an unlock that changes nothing');
  t.match(out.at(-1), /nothing changed, nothing recorded$/);

  // Usage errors (exit 2) and bad ids (ERR_BAD_REQUEST) change nothing.
  for (const args of [[], ['lift', ...account], ['unlock', ...account], ['status', '--tid', app.entra.tid], ['status', ...account, '--by', 'x'], ['status', ...account, '--force']]) {
    t.equal(await accountCommand(args, runtime, io), 2, `usage error: ${args.join(' ')}`);
  }
  await t.rejects(accountCommand(['unlock', '--tid', 'contoso', '--oid', app.entra.oid, '--by', 'x'], runtime, io), { code: 'ERR_BAD_REQUEST', message: 'tid must be the tenant id (a GUID)' });
  await t.rejects(accountCommand(['unlock', ...account, '--by', '  '], runtime, io), { code: 'ERR_BAD_REQUEST', message: /^by must name the operator/ });
  t.equal(auditOf(h).length, before);
});

t.test('what counts: a success resets the count; retakes and policy refusals do not count; the window slides', async (t) => {
  const h = await harness(t);
  const { app } = h;
  const failures = () => app.repository.countAccountFailures(app.entra.tid, app.entra.oid, 0);
  await capture(h, await open(h), stranger);
  await capture(h, await open(h), stranger);
  t.equal(failures(), 2);
  t.match((await capture(h, await open(h), owner)).json, { decision: 'verified' });
  t.equal(failures(), 0, 'a verified verification resets the count');

  // Unusable pictures until the attempts run out: denied, but the matcher was never asked.
  const retakes = await open(h);
  h.engine.willAnswer(oneFace(owner, { sharpness: 1 }));
  for (let i = 0; i < app.config.verification.maxCaptureAttempts; i++) await capture(h, retakes, null);
  t.match(app.repository.lastAuditRecord(), { sessionId: retakes.session.sessionId, decision: 'denied' });
  t.equal(failures(), 0, 'retakes do not count');

  // Failures older than the window no longer count: 2 now, 2 more 16 minutes later do not lock.
  await capture(h, await open(h), stranger);
  await capture(h, await open(h), stranger);
  h.clock.now += 16 * MINUTE;
  await capture(h, await open(h), stranger);
  await capture(h, await open(h), stranger);
  t.match(counted(h), { failures: 2, failuresToday: 4 }, 'the window slides: the two old failures dropped out of it, not out of the day');
  t.equal(app.repository.getAccountLock(app.entra.tid, app.entra.oid), null, 'not locked');
});

t.test('captures fired at once in many sessions cannot get past the bound: exactly maxFailures are judged', async (t) => {
  const h = await harness(t);
  const { app } = h;
  h.engine.willAnswer(oneFace(stranger));
  const sessions = await Promise.all(Array.from({ length: 8 }, () => open(h)));
  const pending = new Set(sessions);
  // Fire every open session at once, again and again: one capture per account is judged at a time, the others answer 409.
  while (pending.size > 0) {
    const replies = await Promise.all([...pending].map(async (s) => ({ s, reply: await capture(h, s, null) })));
    for (const { s, reply } of replies) {
      if (reply.status === 409) t.match(reply.json, { error: 'ERR_REPLAY', error_description: 'a capture for this account is already being checked; wait for its result' });
      else {
        t.same(reply, { status: 200, json: DENIAL });
        pending.delete(s);
      }
    }
  }
  const decisions = auditOf(h).filter((r) => r.sessionId !== null && sessions.some((s) => s.session.sessionId === r.sessionId));
  t.equal(decisions.length, 8, 'every session decided once');
  t.equal(decisions.filter((r) => r.checks.some((c) => c.name === 'face-match')).length, 3, 'exactly maxFailures were judged');
  t.equal(decisions.filter((r) => r.checks[0]?.name === 'account-locked').length, 5, 'the rest were refused unjudged');
  t.equal(app.repository.getAccountLock(app.entra.tid, app.entra.oid)?.failures, 3, 'the lock counted every failure');
  t.equal(auditOf(h).filter((r) => r.sessionId === null && r.checks[0]?.name === 'account-locked').length, 1, 'one lock event');
});

/** `proofgate account` run against the test app, its output collected. */
function accountCli(h: Harness) {
  const out: string[] = [];
  const io = { out: (l: string) => out.push(l), err: (l: string) => out.push(l) };
  const runtime = async () => ({ config: h.app.config, repository: h.app.repository, audit: h.app.auditTrail, close: () => undefined });
  const account = ['--tid', h.app.entra.tid, '--oid', h.app.entra.oid];
  return { out, run: (action: string, ...more: string[]) => accountCommand([action, ...account, ...more], runtime, io, () => h.clock.now) };
}

t.test('the daily cap: failures paced under the window (4 per 15 min) never lock short, but the 10th in 24 h locks until a staff unlock', async (t) => {
  const h = await harness(t, { maxFailures: 5 });
  const { app, engine } = h;
  const start = h.clock.now;
  let n = 0;
  paced: for (let group = 0; ; group++) {
    for (let i = 0; i < 4; i++) {
      h.clock.now = start + group * 15 * MINUTE + i * MINUTE;
      t.same(await capture(h, await open(h), stranger), { status: 200, json: DENIAL }, `failure ${(n += 1)} is judged and denied`);
      if (n === 10) break paced;
      t.equal(app.repository.getAccountLock(app.entra.tid, app.entra.oid), null, `no lock after ${n} paced failures`);
    }
  }
  t.equal(Math.max(...h.events.filter((e) => e.event === 'verification.lockout_failure').map((e) => e.fields.failures as number)), 4, 'the window never held more than 4');
  const lock = app.repository.getAccountLock(app.entra.tid, app.entra.oid)!;
  t.match(lock, { kind: 'staff', lockedUntil: null, failures: 10 }, 'the 10th failure in 24 h locks until a staff unlock');
  t.match(app.repository.lastAuditRecord(), {
    sessionId: null, flow: 'none', decision: 'denied', evidenceSha256: [],
    checks: [{ name: 'account-locked', score: 10, threshold: 10, outcome: 'fail', reason: /^10 failed verifications within 24 h \(the last in session .+\): verification locked until a staff unlock \(proofgate account unlock\)$/ }],
  }, 'the lock event is audited and says it needs staff');
  t.match(h.events.filter((e) => e.event === 'verification.account_locked'), [{ fields: { kind: 'staff', failures: 10, lockedUntil: null, maxFailuresPerDay: 10 } }], 'logged once');
  const metrics = await app.metrics.registry.metrics();
  t.match(metrics, /^proofgate_accounts_locked_total\{kind="staff"\} 1$/m, 'counted as a staff lock');
  t.notMatch(metrics, /^proofgate_accounts_locked_total\{kind="short"\}/m, 'no short lock was ever started');

  const cli = accountCli(h);
  t.equal(await cli.run('status'), 0);
  t.match(cli.out.join('\n'), /LOCKED until a staff unlock \(staff lock, at .* after 10 failed verifications\)[^]*: 0 of 5\nfailed verifications in the last 24 h: 10 of 10/, 'status shows both counts');

  // Two days later it is still locked: the owner's own face is denied unjudged.
  h.clock.now += 2 * 24 * 60 * MINUTE;
  engine.willAnswer(oneFace(owner));
  const opened = await open(h);
  t.same(await capture(h, opened, null), { status: 200, json: DENIAL }, 'still locked, answered as any denial');
  t.equal(engine.calls, 0, 'nothing analysed');
  t.match(app.repository.lastAuditRecord(), { sessionId: opened.session.sessionId, checks: [{ name: 'account-locked', reason: /^verification for this account is locked until a staff unlock \(10 failed verifications\); the capture was not judged$/ }] });
  t.match(h.events.at(-1), { event: 'verification.account_locked_refusal', fields: { kind: 'staff', lockedUntil: null } });

  t.equal(await cli.run('unlock', '--by', 'desk-officer-7'), 0);
  t.match(app.repository.lastAuditRecord(), { sessionId: null, checks: [{ name: 'account-unlock', score: 10, reason: /^unlocked by desk-officer-7: staff lock until a staff unlock \(10 failed verifications\) lifted; 10 counted failure\(s\) cleared$/ }] });
  t.match((await capture(h, await open(h), owner)).json, { decision: 'verified' }, 'after the unlock the owner passes');
  t.match(counted(h), { lock: null, failures: 0, failuresToday: 0 });
});

t.test('the daily cap: a burst after each short lock gets no more than maxFailuresPerDay in all', async (t) => {
  const h = await harness(t, { maxFailures: 5 });
  const { app } = h;
  for (let i = 0; i < 5; i++) await capture(h, await open(h), stranger);
  const short = app.repository.getAccountLock(app.entra.tid, app.entra.oid)!;
  t.match(short, { kind: 'short', failures: 5 }, 'the burst locks short as before');
  t.match(counted(h), { failures: 0, failuresToday: 5 }, 'the short lock spends the window, not the day');
  h.clock.now = short.lockedUntil!;
  for (let i = 0; i < 4; i++) await capture(h, await open(h), stranger);
  t.equal(app.repository.getAccountLock(app.entra.tid, app.entra.oid)?.kind, 'short', 'the expired short lock is still the last lock');
  t.equal(activeLockOf(h), null, 'and not in force');
  await capture(h, await open(h), stranger);
  t.match(activeLockOf(h), { kind: 'staff', failures: 10 }, 'the 10th failure of the day locks until a staff unlock, not for lockMinutes');
  h.clock.now += 30 * MINUTE;
  t.match((await capture(h, await open(h), owner)).json, DENIAL, 'lockMinutes later it is still locked');
  t.equal(auditOf(h).filter((r) => r.sessionId === null && r.checks[0]?.name === 'account-locked').length, 2, 'one lock event each');
});

t.test('first time: a document portrait that does not match counts; the lock then refuses the kiosk unjudged', async (t) => {
  const CONFIG = { documents: { mrz: { acceptSpecimens: true } }, verification: { lockout: { maxFailures: 1 } }, liveness: { motion: API_TEST_MOTION } };
  const documents = await DocumentsInspector.load(buildConfig(CONFIG).documents);
  const card = await renderIdCard(buildTd1(), 'personA');
  const engine = new RecordedFaceAnalyzer([oneFace(owner)]);
  const app = await startVerificationTestApp(t, { faceEngine: engine, documents, config: CONFIG });
  const kiosk = async () => {
    const opened = await app.openSession({ id_token_hint: await app.entra.mintHint({ claims: HOLDER_CLAIMS }), state: STATE });
    const { steps, nonce } = sessionChallenge(opened.session, app.config.liveness.challenge);
    const depth = depthEvidence('bona-fide', 1);
    // The selfie, then the document's portrait (someone else), then the challenge frames.
    engine.willAnswer(oneFace(owner, {}, { landmarks468: depth.landmarks }), oneFace(stranger), ...challengeLandmarks(steps).map((l) => oneFace(owner, {}, { landmarks468: l })));
    const now = Date.now();
    const res = await fetch(`${app.baseUrl}${opened.captureUrl}`, {
      method: 'POST', headers: { accept: 'application/json', 'content-type': CAPTURE_ENVELOPE_MEDIA_TYPE, 'x-csrf-token': opened.session.csrfToken },
      body: JSON.stringify(envelopeAsSent(app.repository, opened.session, [
        ...kioskCaptures(card, selfieOf('personA')).map((c) => ({ kind: c.kind, mediaType: c.mediaType, data: c.bytes.toString('base64') })),
        ...depthItems(depth, nonce, now - 100), ...challengeItems(challengeFrames(steps), 14, nonce, now - 1500),
      ])),
    });
    const { reference, ...json } = (await res.json()) as Record<string, unknown>;
    t.equal(reference, sessionReference(opened.session.sessionId), 'the answer carries the session reference');
    return { opened, json };
  };
  const first = await kiosk();
  t.match(first.json, { decision: 'denied' });
  t.match([...app.repository.auditRecords()].find((r) => r.sessionId === first.opened.session.sessionId)?.checks.find((c) => c.name === 'portrait-match'), { outcome: 'fail' });
  t.ok(app.repository.getAccountLock(app.entra.tid, app.entra.oid), 'locked after maxFailures (1)');

  const second = await kiosk();
  t.same(second.json, first.json, 'the answer of the judged denial');
  t.same(first.json, DENIAL);
  t.equal(engine.calls, 0, 'nothing analysed');
  t.same(app.repository.listEvidence(second.opened.session.sessionId), [], 'nothing stored');
  t.match(app.repository.lastAuditRecord(), { flow: 'first-time', decision: 'denied', checks: [{ name: 'account-locked' }] });
  t.equal(app.repository.getProfile(app.entra.tid, app.entra.oid), null);
});

t.test('the account command is in the proofgate command table', async (t) => {
  const main = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
  const r = await run(process.execPath, ['--import', 'tsx', main, 'account']).catch((e: { code: number; stderr: string }) => e);
  t.equal((r as { code?: number }).code, 2);
  t.match((r as { stderr: string }).stderr, /usage: proofgate account <status\|unlock>[^]*account unlock --tid GUID --oid GUID --by NAME/, 'the group usage names both actions');
});
