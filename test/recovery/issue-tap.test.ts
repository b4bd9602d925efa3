// Account recovery end to end: a verified recovery request gets one Temporary Access Pass from the simulated
// Graph (token by a PS256 client assertion signed in SoftHSM, then the TAP call), the request is marked in
// the same transaction as its audit record, and the pass itself is in neither the store, the audit nor the log.
// Every refusal names its reason, calls nobody and writes nothing.
import t from 'tap';
import { verifyAuditChain } from '../../src/audit/verify-chain.js';
import type { AuditRecord } from '../../src/core/domain.js';
import { recoveryFixture } from '../helpers/recovery-fixture.js';

const records = (repo: { auditRecords(): Iterable<AuditRecord> }) => [...repo.auditRecords()];

t.test('a verified recovery request gets one TAP, shown only to the caller; the issue is audited without it', async (t) => {
  const fx = await recoveryFixture(t);
  const service = await fx.open();
  t.equal(service.enabled, true);
  const request = fx.verifiedRequest();
  const tap = await service.issueForVerifiedRequest(request.id);

  t.equal(fx.graph.created.length, 1, 'Graph created one pass');
  t.equal(tap.temporaryAccessPass, fx.graph.created[0].temporaryAccessPass, 'the pass is what Graph answered');
  t.match(tap, { lifetimeInMinutes: 60, isUsableOnce: true });
  t.ok(Number.isFinite(Date.parse(tap.startDateTime)));
  t.same(fx.graph.lastTapBody, { lifetimeInMinutes: 60, isUsableOnce: true }, 'the body Graph documents, from recovery.tap');
  t.equal(fx.graph.created[0].userId, fx.oid, 'for the request\'s account (object id)');
  t.same(fx.graph.refusals, [], 'the token endpoint took the HSM-signed assertion');

  const marked = fx.requests.get(request.id)!;
  t.type(marked.tapIssuedAt, 'number', 'the request is marked');
  const [record] = records(fx.audit.repo);
  t.match(record, {
    seq: 1, flow: 'recovery', decision: 'changed', tid: fx.tenantId, oid: fx.oid, upn: 'alex@example.test', sessionId: request.sessionId, at: marked.tapIssuedAt,
  });
  t.equal(record.checks.length, 1);
  t.match(record.checks[0], { name: 'tap-issue', outcome: 'pass' });
  t.match(record.checks[0].reason, new RegExp(`^Temporary Access Pass issued for verification request ${request.id} \\(opened by staff Desk Agent \\(staff-7\\)\\): lifetime 60 min, usable once, from `));

  const everything = JSON.stringify(records(fx.audit.repo)) + fx.logs.raw.join('') + JSON.stringify(fx.requests.get(request.id));
  t.notOk(everything.includes(tap.temporaryAccessPass), 'the pass is in no audit record, no log line, no stored row');
  t.equal(fx.logs.lines('recovery.tap_issued').length, 1);

  await t.rejects(service.issueForVerifiedRequest(request.id), { code: 'ERR_RECOVERY_REFUSED', message: new RegExp(`already issued for verification request ${request.id} at `) },
    'one pass per request');
  t.equal(fx.graph.calls.tap, 1, 'the second ask called nobody');

  // A second request reuses the cached Graph token.
  const again = fx.verifiedRequest();
  await service.issueForVerifiedRequest(again.id);
  t.equal(fx.graph.calls.token, 1, 'one token for both issues (cached until shortly before expiry)');
  await fx.audit.trail.flush();
  t.match(await verifyAuditChain(fx.audit.repo, fx.audit.trusted, { macKeys: fx.audit.macKeys }), { ok: true, records: 2 });
});

t.test('refusals: not verified, not for recovery, unknown, another tenant, already issued: each named, nothing called or written', async (t) => {
  const fx = await recoveryFixture(t);
  const service = await fx.open();
  const cases: Array<[string, string, RegExp, string]> = [];
  for (const status of ['open', 'failed', 'expired', 'revoked'] as const) {
    cases.push([`status ${status}`, fx.verifiedRequest({ status }).id, new RegExp(`is ${status}, not verified$`), 'ERR_RECOVERY_REFUSED']);
  }
  cases.push(['purpose verify', fx.verifiedRequest({ purpose: 'verify' }).id, /is for verification only, not for account recovery$/, 'ERR_RECOVERY_REFUSED']);
  cases.push(['another tenant', fx.verifiedRequest({ tid: '00000000-0000-4000-8000-000000000001' }).id, /is for another tenant than recovery\.tap\.tenantId$/, 'ERR_RECOVERY_REFUSED']);
  cases.push(['already issued', fx.verifiedRequest({ tapIssuedAt: Date.UTC(2026, 0, 2) }).id, /already issued .* at 2026-01-02T00:00:00\.000Z; open a new request$/, 'ERR_RECOVERY_REFUSED']);
  cases.push(['unknown id', 'no-such-request', /^no verification request no-such-request$/, 'ERR_NOT_FOUND']);
  cases.push(['malformed id', 'bad id\n<script>', /^no such verification request$/, 'ERR_NOT_FOUND']);
  for (const [what, id, message, code] of cases) {
    await t.rejects(service.issueForVerifiedRequest(id), { code, message }, what);
  }
  t.equal(fx.graph.calls.token + fx.graph.calls.tap, 0, 'Graph was never called');
  t.equal(records(fx.audit.repo).length, 0, 'no audit record');
  t.equal(fx.logs.raw.length, 0, 'nothing logged');
});

t.test('disabled by default: the service refuses, and nothing touches the HSM or the network', async (t) => {
  const fx = await recoveryFixture(t, { enabled: false, withKey: false });
  const { buildConfig } = await import('../../src/config/index.js');
  t.equal(buildConfig({}).recovery.tap.enabled, false, 'recovery.tap.enabled defaults to false');
  const service = await fx.open();
  t.equal(service.enabled, false);
  const request = fx.verifiedRequest();
  await t.rejects(service.issueForVerifiedRequest(request.id), { code: 'ERR_RECOVERY_DISABLED', status: 403, message: /is disabled on this appliance \(recovery\.tap\.enabled\)$/ });
  t.equal(fx.graph.calls.token + fx.graph.calls.tap, 0);
  t.equal(fx.requests.get(request.id)!.tapIssuedAt, null);
  t.equal(records(fx.audit.repo).length, 0);
});

t.test('two issues for one request at once: one pass, the other refused', async (t) => {
  const fx = await recoveryFixture(t);
  const service = await fx.open();
  const request = fx.verifiedRequest();
  const results = await Promise.allSettled([service.issueForVerifiedRequest(request.id), service.issueForVerifiedRequest(request.id)]);
  t.same(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
  t.match((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason, { code: 'ERR_RECOVERY_REFUSED', message: /already being issued/ });
  t.equal(fx.graph.calls.tap, 1);
  t.equal(records(fx.audit.repo).length, 1);
});

t.test('enabled without the certificate in the token: start-up refused, naming what to run', async (t) => {
  const fx = await recoveryFixture(t, { withKey: false });
  await t.rejects(fx.open(), { code: 'ERR_CONFIG', message: `recovery.tap is enabled but the token holds no Graph client key "${fx.label}": run \`proofgate recovery certificate\` and upload the certificate to the app registration` });
});

t.test('an expired certificate refuses start-up; one about to expire is used, with a warning', async (t) => {
  const fx = await recoveryFixture(t);
  const day = 86_400_000;
  await t.rejects(fx.open(() => Date.now() + 366 * day), { code: 'ERR_CONFIG', message: new RegExp(`^the Graph client certificate "${fx.label}" expired at .*: run \`proofgate recovery certificate --renew\` and upload the new one$`) });
  const service = await fx.open(() => Date.now() + 350 * day);
  t.equal(service.enabled, true);
  t.match(fx.logs.lines('recovery.certificate_expiring'), [{ level: 'warn', label: fx.label, daysLeft: 14 }]);
});

t.test('the mark and the audit record commit together: an audit failure leaves the request unmarked and no pass standing', async (t) => {
  const fx = await recoveryFixture(t);
  const { createRecoveryService } = await import('../../src/recovery/recovery-service.js');
  const { graphClients, openUsableGraphClientKey } = await import('../../src/recovery/open-recovery.js');
  const key = await openUsableGraphClientKey(fx.token, fx.config, fx.testToken.hsmConfig.keyLabelPrefix, Date.now());
  const failingAudit = {
    record(entry: Parameters<typeof fx.audit.trail.record>[0]): never {
      fx.audit.trail.record(entry); // written, then the transaction it joined is rolled back
      throw new Error('audit store full');
    },
  };
  const service = createRecoveryService({ config: fx.config, requests: fx.requests, audit: failingAudit, graph: graphClients(fx.config, key).taps, log: fx.logs.log });
  const request = fx.verifiedRequest();
  await t.rejects(service.issueForVerifiedRequest(request.id), { message: 'audit store full' });
  t.equal(fx.requests.get(request.id)!.tapIssuedAt, null, 'the mark rolled back with the record');
  // The success record went with the rollback; what stands is the (stand-alone) record of the failed attempt.
  t.same(records(fx.audit.repo).map((r) => r.checks[0].outcome), ['error'], 'no record of an issue that did not stand');
  t.match(records(fx.audit.repo)[0].checks[0].reason, /not recorded \(audit store full\); deleted again in Entra$/);
  t.same([fx.graph.created.length, fx.graph.deleted.length], [0, 1], 'the pass was deleted again');
  t.equal(fx.logs.lines('recovery.audit_failed').length, 1, 'this writer throws after writing, so the failure is logged too');
});

t.test('defence in depth: a pass or Graph credential logged by mistake under a telling name is redacted', async (t) => {
  const { recordLog } = await import('../helpers/log-recorder.js');
  const logs = recordLog();
  logs.log('oops', { temporaryAccessPass: 'Xk4#pQ9!mZ', nested: { access_token: 'eyJ0', client_assertion: 'eyJh' }, tap: 'abc' });
  t.match(logs.lines('oops')[0], { temporaryAccessPass: '[redacted]', nested: { access_token: '[redacted]', client_assertion: '[redacted]' }, tap: '[redacted]' });
  t.notMatch(logs.raw.join(''), /Xk4#pQ9|eyJ0|eyJh|abc/);
});
