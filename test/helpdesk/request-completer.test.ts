// The request completer's one transaction, over a real SQLite store and the real audit trail: the session's
// claim, the decision's audit record and the request's status commit together. A record that cannot be
// written, or a request revoked while the person was judged, leaves all three as they were (the session
// open, the request open, no record): no request is ever marked verified without its audit record.
import t from 'tap';
import { auditFixture } from '../helpers/audit-fixture.js';
import { sessionFixture } from '../helpers/store-fixtures.js';
import { createRequestCompleter, routeRequestSessions } from '../../src/helpdesk/request-completer.js';
import { HELPDESK_CLIENT_ID } from '../../src/helpdesk/request-service.js';
import type { VerificationCompleter } from '../../src/oidc/complete-verification.js';
import { recordDecision } from '../../src/verification/flow/record-decision.js';
import { silentLogger } from '../../src/core/log.js';
import type { Decision } from '../../src/core/domain.js';

const AT = Date.UTC(2026, 5, 1, 9, 0, 0);

async function setup(t: Parameters<typeof auditFixture>[0]) {
  const fx = await auditFixture(t, {}, { now: () => AT });
  const session = sessionFixture('S'.repeat(43), { createdAt: AT, expiresAt: AT + 300_000, clientRequestId: 'R'.repeat(22) });
  fx.repo.createSession(session);
  fx.repo.requests.insert({
    requestId: 'R'.repeat(22), tid: session.tid, oid: session.oid, upn: null, purpose: 'verify', tokenSha256: 'a'.repeat(64), codeSha256: 'b'.repeat(64),
    createdBy: null, createdAt: AT, expiresAt: AT + 86_400_000,
  }, AT);
  fx.repo.requests.attachSession('R'.repeat(22), session.sessionId, AT);
  const after: string[] = [];
  const complete = createRequestCompleter({ repo: fx.repo, log: silentLogger, now: () => AT + 1000, afterDecision: (id) => after.push(id) });
  const record = (decision: Decision) => () => {
    recordDecision({ repo: fx.repo, audit: fx.trail }, { session, flow: 'returning', profileId: null, checks: [{ name: 'face-match', score: 0.9, threshold: 0.5, outcome: 'pass' }], decision, at: AT + 1000 });
  };
  return { ...fx, session, complete, record, after, requestId: 'R'.repeat(22) };
}

t.test('verified: claim, audit record and request status in one commit; the result is made after it', async (t) => {
  const fx = await setup(t);
  const done = await fx.complete(fx.session.sessionId, 'verified', { verifiedSubject: { tid: fx.session.tid, oid: fx.session.oid }, recordClaim: fx.record('verified') });
  t.equal(done.outcome, 'verified');
  t.notOk('id_token' in done.fields, 'nothing for Entra');
  const audit = fx.repo.lastAuditRecord()!;
  t.match(fx.repo.requests.get(fx.requestId)!, { status: 'verified', decision: 'verified', auditSeq: audit.seq, completedAt: AT + 1000 });
  t.equal(fx.repo.getSession(fx.session.sessionId)!.status, 'decided');
  t.same(fx.after, [fx.requestId]);
});

t.test('an audit record that cannot be written: nothing stored, the session and the request stay open', async (t) => {
  const fx = await setup(t);
  await t.rejects(fx.complete(fx.session.sessionId, 'verified', { recordClaim: () => { throw new Error('disk full'); } }), { code: 'ERR_STORE' });
  t.match(fx.repo.requests.get(fx.requestId)!, { status: 'open', decision: null, auditSeq: null });
  t.equal(fx.repo.getSession(fx.session.sessionId)!.status, 'open');
  t.equal(fx.repo.lastAuditRecord(), null);
  t.same(fx.after, []);
});

t.test('a request revoked while the person was judged refuses the decision: nothing stored', async (t) => {
  const fx = await setup(t);
  t.ok(fx.repo.requests.revoke(fx.requestId, AT + 500));
  await t.rejects(fx.complete(fx.session.sessionId, 'verified', { recordClaim: fx.record('verified') }), { code: 'ERR_REPLAY', status: 409 });
  t.equal(fx.repo.requests.get(fx.requestId)!.status, 'revoked');
  t.equal(fx.repo.getSession(fx.session.sessionId)!.status, 'open');
  t.equal(fx.repo.lastAuditRecord(), null, 'the decision\'s record rolled back with it');
});

t.test('a verified person bound to another account is denied (the binding check); a second decision is refused', async (t) => {
  const fx = await setup(t);
  const done = await fx.complete(fx.session.sessionId, 'verified', { verifiedSubject: { tid: fx.session.tid, oid: 'someone-else' }, recordClaim: fx.record('denied') });
  t.equal(done.outcome, 'denied');
  t.match(fx.repo.requests.get(fx.requestId)!, { status: 'failed', decision: 'denied' });
  await t.rejects(fx.complete(fx.session.sessionId, 'verified', { recordClaim: fx.record('verified') }), { code: 'ERR_SESSION_DECIDED' });
});

t.test('the store refuses a verified request without its audit seq (CHECK)', async (t) => {
  const fx = await setup(t);
  t.throws(() => fx.repo.requests.complete(fx.requestId, fx.session.sessionId, { decision: 'verified', auditSeq: null as unknown as number, at: AT }));
  t.equal(fx.repo.requests.get(fx.requestId)!.status, 'open');
});

t.test('routing: Entra\'s sessions go to the OIDC completer; a request\'s session never does, even one its request no longer names', async (t) => {
  const fx = await auditFixture(t, {}, { now: () => AT });
  const toOidc: string[] = [];
  const oidc: VerificationCompleter = async (sessionId) => {
    toOidc.push(sessionId);
    throw new Error('the OIDC completer was called');
  };
  const route = routeRequestSessions(oidc, { repo: fx.repo, log: silentLogger, now: () => AT, afterDecision: () => undefined });
  fx.repo.createSession(sessionFixture('E'.repeat(43), { createdAt: AT, expiresAt: AT + 300_000 }));
  await t.rejects(route('E'.repeat(43), 'denied', {}), /the OIDC completer was called/);
  const orphan = sessionFixture('O'.repeat(43), { createdAt: AT, expiresAt: AT + 300_000, clientId: HELPDESK_CLIENT_ID });
  fx.repo.createSession(orphan);
  await t.rejects(route(orphan.sessionId, 'verified', { recordClaim: () => undefined }), { code: 'ERR_REPLAY' }, 'a request\'s session without its request is refused');
  t.same(toOidc, ['E'.repeat(43)]);
  t.equal(fx.repo.getSession(orphan.sessionId)!.status, 'open', 'nothing claimed');
});
