// Graph and its token endpoint failing in every way the issue can meet: 4xx, throttling, 5xx, no answer,
// an oversized or malformed answer, a certificate never uploaded, a revoked token. Each ends in a clear
// ProofgateError, no pass is left standing and the request stays unmarked (so it can be tried again),
// and the failed attempt is on the audit record, so an examiner sees it. A store failure after Graph
// created the pass deletes the pass again.
import t from 'tap';
import type { AuditRecord } from '../../src/core/domain.js';
import type { GraphFault } from '../helpers/simulated-graph.js';
import { recoveryFixture } from '../helpers/recovery-fixture.js';

const records = (repo: { auditRecords(): Iterable<AuditRecord> }) => [...repo.auditRecords()];

const tapFaults: Array<[GraphFault, string, RegExp]> = [
  [400, 'ERR_GRAPH_REFUSED', /^Microsoft Graph refused: HTTP 400 invalidRequest$/],
  [403, 'ERR_GRAPH_REFUSED', /^Microsoft Graph refused: HTTP 403 Authorization_RequestDenied \(has the app UserAuthenticationMethod\.ReadWrite\.All, admin-consented/],
  [404, 'ERR_GRAPH_REFUSED', /^Microsoft Graph refused: HTTP 404 Request_ResourceNotFound \(no such user in the tenant\)$/],
  [429, 'ERR_GRAPH_UNAVAILABLE', /^Microsoft Graph unavailable: HTTP 429 TooManyRequests$/],
  [500, 'ERR_GRAPH_UNAVAILABLE', /^Microsoft Graph unavailable: HTTP 500 generalException$/],
  ['timeout', 'ERR_GRAPH_UNAVAILABLE', /^Microsoft Graph unavailable: no answer within 1500 ms$/],
  ['oversized', 'ERR_GRAPH_REFUSED', /^Microsoft Graph refused: answered more than 32768 bytes$/],
  ['malformed', 'ERR_GRAPH_REFUSED', /^Microsoft Graph refused: created a Temporary Access Pass but the answer has no usable temporaryAccessPass$/],
];

t.test('TAP endpoint failures: a clear error, no pass, the request unmarked, the attempt audited; a retry then works', async (t) => {
  const fx = await recoveryFixture(t);
  const service = await fx.open();
  for (const [fault, code, message] of tapFaults) {
    const request = fx.verifiedRequest();
    const before = records(fx.audit.repo).length;
    const passesBefore = JSON.stringify(fx.graph.created);
    fx.graph.fail('tap', fault);
    await t.rejects(service.issueForVerifiedRequest(request.id), { code, message }, `Graph ${fault}`);
    t.equal(fx.requests.get(request.id)!.tapIssuedAt, null, `${fault}: the request is not marked`);
    t.equal(JSON.stringify(fx.graph.created), passesBefore, `${fault}: no new pass stands in Entra`);
    const added = records(fx.audit.repo).slice(before);
    t.equal(added.length, 1, `${fault}: one audit record of the attempt`);
    t.match(added[0], { flow: 'recovery', decision: 'changed', oid: fx.oid, checks: [{ name: 'tap-issue', outcome: 'error' }] });
    t.match(added[0].checks[0].reason, new RegExp(`^no Temporary Access Pass issued for verification request ${request.id} \\(opened by staff Desk Agent \\(staff-7\\)\\): Microsoft Graph`));
    const tap = await service.issueForVerifiedRequest(request.id);
    t.equal(tap.temporaryAccessPass, fx.graph.created.at(-1)!.temporaryAccessPass, `${fault}: the same request succeeds once Graph answers`);
    t.type(fx.requests.get(request.id)!.tapIssuedAt, 'number');
  }
  t.equal(fx.logs.lines('recovery.tap_failed').length, tapFaults.length, 'each failure logged once (code and message, never a pass)');
  for (const line of fx.logs.lines('recovery.tap_failed')) t.notOk(JSON.stringify(line).includes('Bearer'), 'no token in the log');
});

t.test('token endpoint failures: a clear error, Graph never asked for a pass', async (t) => {
  const fx = await recoveryFixture(t);
  const service = await fx.open();
  const cases: Array<[GraphFault, string, RegExp]> = [
    [400, 'ERR_GRAPH_REFUSED', /^Microsoft token endpoint refused: HTTP 400 invalid_request AADSTS50000 \(is recovery\.tap\.tenantId right\?\)$/],
    [401, 'ERR_GRAPH_REFUSED', /^Microsoft token endpoint refused: HTTP 401 invalid_client AADSTS700027 \(the client assertion was refused: is the certificate/],
    [429, 'ERR_GRAPH_UNAVAILABLE', /^Microsoft token endpoint unavailable: HTTP 429 temporarily_unavailable AADSTS50000$/],
    [500, 'ERR_GRAPH_UNAVAILABLE', /^Microsoft token endpoint unavailable: HTTP 500/],
    ['timeout', 'ERR_GRAPH_UNAVAILABLE', /^Microsoft token endpoint unavailable: no answer within 1500 ms$/],
    ['oversized', 'ERR_GRAPH_REFUSED', /^Microsoft token endpoint refused: answered more than 65536 bytes$/],
    ['malformed', 'ERR_GRAPH_REFUSED', /^Microsoft token endpoint refused: HTTP 200 without a usable access_token$/],
  ];
  const request = fx.verifiedRequest();
  for (const [fault, code, message] of cases) {
    fx.graph.fail('token', fault);
    await t.rejects(service.issueForVerifiedRequest(request.id), { code, message }, `token endpoint ${fault}`);
  }
  t.equal(fx.graph.calls.tap, 0, 'no TAP call without a token');
  t.equal(fx.requests.get(request.id)!.tapIssuedAt, null);
  t.equal(records(fx.audit.repo).length, cases.length, 'each attempt audited');
});

t.test('the certificate was never uploaded: the token endpoint refuses the assertion, with what to fix', async (t) => {
  const fx = await recoveryFixture(t);
  fx.graph.removeCertificates();
  const service = await fx.open();
  await t.rejects(service.issueForVerifiedRequest(fx.verifiedRequest().id), {
    code: 'ERR_GRAPH_REFUSED',
    message: 'Microsoft token endpoint refused: HTTP 401 invalid_client AADSTS700027 (the client assertion was refused: is the certificate from `proofgate recovery certificate` uploaded to the app registration?)',
  });
  t.same(fx.graph.refusals, ['assertion: certificate not uploaded (x5t#S256 unknown)']);
});

t.test('a revoked token: Graph answers 401, a fresh token is fetched once and the issue goes through', async (t) => {
  const fx = await recoveryFixture(t);
  const service = await fx.open();
  await service.issueForVerifiedRequest(fx.verifiedRequest().id);
  fx.graph.revokeTokens();
  await service.issueForVerifiedRequest(fx.verifiedRequest().id);
  t.equal(fx.graph.calls.token, 2, 'a second token after the 401');
  t.equal(fx.graph.calls.tap, 3, 'the refused call and its one retry');
  fx.graph.fail('token', 401);
  fx.graph.revokeTokens();
  await t.rejects(service.issueForVerifiedRequest(fx.verifiedRequest().id), { code: 'ERR_GRAPH_REFUSED' }, 'no endless retry');
});

t.test('the store fails after Graph created the pass: the pass is deleted again, nothing marked, the attempt audited', async (t) => {
  const fx = await recoveryFixture(t);
  const service = await fx.open();
  const request = fx.verifiedRequest();
  fx.requests.failNextMark = new Error('disk I/O error');
  await t.rejects(service.issueForVerifiedRequest(request.id), { message: 'disk I/O error' });
  t.equal(fx.graph.created.length, 0, 'no pass stands');
  t.equal(fx.graph.deleted.length, 1, 'the pass Graph created was deleted');
  t.equal(fx.requests.get(request.id)!.tapIssuedAt, null);
  const [record] = records(fx.audit.repo);
  t.match(record, { flow: 'recovery', checks: [{ outcome: 'error', reason: new RegExp(`^Temporary Access Pass for verification request ${request.id} not recorded \\(disk I/O error\\); deleted again in Entra$`) }] });

  // The request was revoked while Graph worked: the conditional mark refuses, the pass goes again.
  const revoked = fx.verifiedRequest();
  const slow = service.issueForVerifiedRequest(revoked.id);
  fx.requests.setStatus(revoked.id, 'revoked');
  await t.rejects(slow, { code: 'ERR_RECOVERY_REFUSED', message: `verification request ${revoked.id} is no longer eligible for a Temporary Access Pass` });
  t.equal(fx.graph.created.length, 0);
  t.equal(fx.graph.deleted.length, 2);

  // And when even the delete fails, the record tells the examiner to remove it by hand.
  const third = fx.verifiedRequest();
  fx.requests.failNextMark = new Error('disk I/O error');
  fx.graph.fail('delete', 500);
  await t.rejects(service.issueForVerifiedRequest(third.id), { message: 'disk I/O error' });
  t.match(fx.audit.repo.lastAuditRecord()!.checks[0].reason, /deleting it in Entra failed: delete it in the Entra admin center$/);
  t.equal(fx.logs.lines('recovery.tap_undo_failed').length, 1);
});

t.test('the token endpoint cannot be reached: ERR_GRAPH_UNAVAILABLE naming the network error', async (t) => {
  const { freePort } = await import('../helpers/free-port.js');
  const fx = await recoveryFixture(t, { authorityBaseUrl: `http://127.0.0.1:${await freePort()}` });
  const service = await fx.open();
  const request = fx.verifiedRequest();
  await t.rejects(service.issueForVerifiedRequest(request.id), { code: 'ERR_GRAPH_UNAVAILABLE', message: 'Microsoft token endpoint unavailable: could not be reached (ECONNREFUSED)' });
  t.equal(fx.requests.get(request.id)!.tapIssuedAt, null);
  t.match([...fx.audit.repo.auditRecords()], [{ flow: 'recovery', checks: [{ outcome: 'error' }] }]);
});
