// The REST API and the completion webhook through the app: tokens made by `proofgate api-token add` (the
// command over the app's store and trail), scopes enforced (a refusal writes nothing), every act audited
// with actor kind 'api-token'; on a decision the signed result is POSTed (application/jwt, HMAC header) to a
// real loopback receiver, retried after a 500, and a receiver that always fails never touches the decision.
import t, { type Test } from 'tap';
import { createServer, type IncomingMessage } from 'node:http';
import { createHmac } from 'node:crypto';
import { apiTokenCommand, type ApiTokenRuntime, type ApiTokenSubcommand } from '../../src/cli/commands/api-token.js';
import { verifyAuditChain } from '../../src/audit/verify-chain.js';
import { AGENT, capturePageSession, helpdeskFixture, postForm, type Fixture } from './helpdesk-fixture.js';
import { RequestResults } from '../../src/helpdesk/request-results.js';
import { silentLogger } from '../../src/core/log.js';
import type { WebhookDelivery } from '../../src/store/request-store.js';

async function cli(fx: Fixture, sub: ApiTokenSubcommand, args: string[]): Promise<{ code: number; out: string[] }> {
  const out: string[] = [];
  const runtime = async (): Promise<ApiTokenRuntime> => ({
    repository: fx.app.repository, openAudit: async () => ({ audit: fx.app.auditTrail, close: async () => undefined }), now: () => fx.clock.now, close: () => undefined,
  });
  const code = await apiTokenCommand(sub, args, runtime, { out: (l) => out.push(l), err: (l) => out.push(l) });
  return { code, out };
}

const api = (fx: Fixture, token: string | null, path: string, init: RequestInit = {}) => fetch(`${fx.app.issuer}/api/v1/verification-requests${path}`, {
  ...init, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json', ...(init.headers as Record<string, string> ?? {}) },
});

t.test('api-token add prints the token once and stores its hash; scopes enforced; revoked tokens refused; acts audited', async (t) => {
  const fx = await helpdeskFixture(t);
  const added = await cli(fx, 'add', ['ITSM create', '--scope', 'requests:create,requests:read']);
  t.equal(added.code, 0);
  const token = added.out[0];
  t.match(token, /^pgat_[A-Za-z0-9_-]{43}$/);
  t.match(fx.app.repository.lastAuditRecord()!, { flow: 'helpdesk', checks: [{ name: 'helpdesk-api-token-added' }] });
  const readOnly = (await cli(fx, 'add', ['ITSM read', '--scope', 'requests:read'])).out[0];
  await t.rejects(cli(fx, 'add', ['bad', '--scope', 'requests:delete']), { code: 'ERR_BAD_REQUEST' }, 'an unknown scope is refused');
  const listed = await cli(fx, 'list', ['--json']);
  t.notMatch(listed.out.join('\n'), /pgat_/, 'list never shows a token');
  t.match(JSON.parse(listed.out[0]), { tokens: [{ name: 'ITSM create', scopes: ['requests:create', 'requests:read'] }, { name: 'ITSM read' }] });

  const seq = fx.app.repository.lastAuditRecord()!.seq;
  const body = JSON.stringify({ tid: fx.tid, oid: fx.oid });
  const refusals: Array<[string, Response, number]> = [
    ['no token', await api(fx, null, '', { method: 'POST', body }), 401],
    ['a guessed token', await api(fx, `pgat_${'x'.repeat(43)}`, '', { method: 'POST', body }), 401],
    ['out of scope', await api(fx, readOnly, '', { method: 'POST', body }), 403],
  ];
  for (const [what, res, status] of refusals) {
    t.equal(res.status, status, what);
    t.match(await res.json(), { error: 'ERR_ACCESS_DENIED' }, `${what}: a clear JSON error`);
  }
  t.equal(refusals[0][1].headers.get('www-authenticate'), 'Bearer realm="proofgate"');
  t.equal(fx.app.repository.requests.list(10).length, 0, 'nothing created');
  t.equal(fx.app.repository.lastAuditRecord()!.seq, seq, 'nothing audited');

  const created = await api(fx, token, '', { method: 'POST', body: JSON.stringify({ tid: fx.tid, oid: fx.oid, ttlSeconds: 3600 }) });
  t.equal(created.status, 201);
  const reply = await created.json() as { id: string; status: string; link: string; code: string };
  t.match(reply, { status: 'open', link: /\/r\/[A-Za-z0-9_-]{43}$/, code: /^\d{6}$/ });
  t.match(fx.app.repository.lastAuditRecord()!, { flow: 'helpdesk', actor: { kind: 'api-token', name: 'ITSM create', role: 'requests:create requests:read' }, checks: [{ name: 'helpdesk-request-created' }] });
  const status = await api(fx, readOnly, `/${reply.id}`);
  t.match(await status.json(), { id: reply.id, status: 'open' });
  const early = await api(fx, readOnly, `/${reply.id}/result`);
  t.equal(early.status, 409, 'no result before a decision');
  t.equal((await api(fx, token, '', { method: 'POST', body: JSON.stringify({ tid: fx.tid, oid: fx.oid, ttlSeconds: 8 * 86400 }) })).status, 400, 'more than 7 days');
  t.equal((await api(fx, token, '', { method: 'POST', body: JSON.stringify({ tid: fx.tid, extra: 1 }) })).status, 400, 'an unknown field');

  t.equal((await cli(fx, 'revoke', ['ITSM read'])).code, 0);
  t.equal((await api(fx, readOnly, `/${reply.id}`)).status, 401, 'a revoked token is refused');
  t.match(fx.app.repository.lastAuditRecord()!, { checks: [{ name: 'helpdesk-api-token-revoked' }] });
  t.match(await verifyAuditChain(fx.app.repository, [(await fx.app.keyRing.active()).jwk()], { macKeys: fx.app.auditMacKeys }), { ok: true }, 'the chain verifies');
});

interface Received { headers: IncomingMessage['headers']; body: string }

async function receiver(t: Test, statuses: number[], onRequest?: (headers: IncomingMessage['headers']) => void): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString('utf8'); });
    req.on('end', () => {
      onRequest?.(req.headers);
      received.push({ headers: req.headers, body });
      res.statusCode = statuses[Math.min(received.length - 1, statuses.length - 1)];
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`, received };
}

const SECRET = 's'.repeat(40);

async function decideByCancel(fx: Fixture): Promise<string> {
  const created = await fx.console(AGENT).createRequest();
  const s = capturePageSession((await postForm(created.link)).html)!;
  await postForm(`${fx.app.issuer}/verify/${s.sessionId}/cancel`, { csrf: s.csrf });
  return created.requestId;
}

t.test('webhook: the signed result reaches a loopback receiver, retried after a 500', async (t) => {
  const hook = await receiver(t, [500, 204]);
  const fx = await helpdeskFixture(t, { config: { helpdesk: { webhook: { urls: [hook.url], secret: SECRET, retryDelayMs: 10, maxAttempts: 3 } } } });
  const requestId = await decideByCancel(fx);
  await fx.app.helpdesk.results.settled();
  t.equal(hook.received.length, 2, 'one failure, one retry');
  const [first, second] = hook.received;
  t.equal(second.headers['content-type'], 'application/jwt');
  t.equal(second.headers['x-proofgate-request-id'], requestId);
  t.equal(first.headers['x-proofgate-delivery-attempt'], '1');
  t.equal(second.headers['x-proofgate-delivery-attempt'], '2');
  const jws = fx.app.repository.requests.get(requestId)!.resultJws;
  t.equal(second.body, jws, 'the body is the signed result');
  t.equal(second.headers['x-proofgate-signature'], `sha256=${createHmac('sha256', SECRET).update(second.body).digest('hex')}`);
  t.match(fx.app.repository.requests.deliveriesOf(requestId), [{ url: hook.url, state: 'delivered', attempts: 2, lastStatus: 204 }]);
});

t.test('webhook: a receiver that always fails is given up after maxAttempts; the decision stands', async (t) => {
  const hook = await receiver(t, [500]);
  const fx = await helpdeskFixture(t, { config: { helpdesk: { webhook: { urls: [hook.url], secret: SECRET, retryDelayMs: 10, maxAttempts: 3 } } } });
  const requestId = await decideByCancel(fx);
  await fx.app.helpdesk.results.settled();
  t.equal(hook.received.length, 3);
  t.match(fx.app.repository.requests.deliveriesOf(requestId), [{ state: 'failed', attempts: 3, lastStatus: 500, lastError: 'HTTP 500' }]);
  t.match(fx.app.repository.requests.get(requestId)!, { status: 'failed', decision: 'denied' }, 'the decision is untouched');
});

t.test('webhook: on record as pending before its first attempt; a delivery a restart cut short is resumed from its next attempt; a removed URL is given up', async (t) => {
  let duringFirst: WebhookDelivery[] = [];
  let fx: Fixture | undefined;
  const hook = await receiver(t, [204], (headers) => {
    if (hook.received.length === 0) duringFirst = fx!.app.repository.requests.deliveriesOf(String(headers['x-proofgate-request-id']));
  });
  fx = await helpdeskFixture(t, { config: { helpdesk: { webhook: { urls: [hook.url], secret: SECRET, retryDelayMs: 10, maxAttempts: 3 } } } });
  const requests = fx.app.repository.requests;
  const requestId = await decideByCancel(fx);
  await fx.app.helpdesk.results.settled();
  t.match(duringFirst, [{ url: hook.url, state: 'pending', attempts: 0 }], 'the delivery was on record before the receiver saw it');

  // As a restart leaves them: one delivery after a failed first attempt, one to a receiver since removed from the config.
  const removed = 'https://removed.example/hook';
  requests.saveDelivery({ requestId, url: hook.url, state: 'pending', attempts: 1, lastStatus: 500, lastError: 'HTTP 500', updatedAt: 1 });
  requests.saveDelivery({ requestId, url: removed, state: 'pending', attempts: 0, lastStatus: null, lastError: null, updatedAt: 2 });
  const restarted = new RequestResults({
    repo: fx.app.repository, keyRing: fx.app.keyRing, config: fx.app.config.helpdesk, issuer: fx.app.issuer, signingTimeoutMs: 5000, log: silentLogger, now: Date.now,
  });
  restarted.resumeDeliveries();
  await restarted.settled();
  t.equal(hook.received.length, 2, 'one more delivery');
  t.equal(hook.received[1].headers['x-proofgate-delivery-attempt'], '2', 'numbered after the attempt already made');
  t.equal(hook.received[1].body, requests.get(requestId)!.resultJws, 'the signed result');
  t.match(requests.deliveriesOf(requestId), [
    { url: hook.url, state: 'delivered', attempts: 2, lastStatus: 204 },
    { url: removed, state: 'failed', attempts: 0, lastError: 'the webhook URL is no longer configured' },
  ]);
  t.same(requests.pendingDeliveries(10), [], 'nothing left pending');
  t.throws(() => requests.pendingDeliveries(0), { code: 'ERR_STORE_INPUT' });
});

t.test('webhook: resumed deliveries reach one receiver one after another, oldest first', async (t) => {
  // A receiver that answers each delivery 40 ms late and counts how many it holds at once.
  const seen: string[] = [];
  let open = 0;
  let mostOpen = 0;
  const server = createServer((req, res) => {
    open++;
    mostOpen = Math.max(mostOpen, open);
    seen.push(String(req.headers['x-proofgate-request-id']));
    req.resume();
    setTimeout(() => { open--; res.statusCode = 204; res.end(); }, 40);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`;
  const fx = await helpdeskFixture(t, { config: { helpdesk: { webhook: { urls: [url], secret: SECRET, retryDelayMs: 10, maxAttempts: 3 } } } });
  const ids = [await decideByCancel(fx), await decideByCancel(fx), await decideByCancel(fx)];
  await fx.app.helpdesk.results.settled();
  seen.length = 0;
  mostOpen = 0;
  // As a restart leaves them: all three pending, the newest recorded first.
  const requests = fx.app.repository.requests;
  ids.forEach((requestId, i) => requests.saveDelivery({ requestId, url, state: 'pending', attempts: 0, lastStatus: null, lastError: null, updatedAt: 10 + i }));
  const restarted = new RequestResults({
    repo: fx.app.repository, keyRing: fx.app.keyRing, config: fx.app.config.helpdesk, issuer: fx.app.issuer, signingTimeoutMs: 5000, log: silentLogger, now: Date.now,
  });
  restarted.resumeDeliveries();
  await restarted.settled();
  t.same(seen, ids, 'each delivered once, oldest first');
  t.equal(mostOpen, 1, 'never two at once to the receiver');
  t.same(requests.pendingDeliveries(10), [], 'nothing left pending');
});

t.test('config: webhook URLs need a secret of at least 32 characters', async (t) => {
  const { buildConfig } = await import('../../src/config/index.js');
  t.throws(() => buildConfig({ helpdesk: { webhook: { urls: ['https://itsm.example/hook'] } } }), { message: /config config\.helpdesk\.webhook\.secret: expected a string of at least 32 characters/ });
  t.throws(() => buildConfig({ helpdesk: { requestTtlSeconds: 700_000 } }), { message: /config config\.helpdesk\.requestTtlSeconds/ });
  t.throws(() => buildConfig({ helpdesk: { imagesVisibleTo: ['everyone'] } }), { message: /config config\.helpdesk\.imagesVisibleTo/ });
  t.equal(buildConfig({}).helpdesk.requestTtlSeconds, 86_400, 'default 24 h');
});
