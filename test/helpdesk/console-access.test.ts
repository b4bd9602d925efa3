// The console is for the help desk and admins only: no staff session is sent to sign in (GET) or refused
// (POST), a kiosk operator is refused everything, a form without the session's CSRF token is refused, and
// evidence images are refused to roles outside helpdesk.imagesVisibleTo. A refusal writes nothing.
import t from 'tap';
import { AGENT, KIOSK_OPERATOR, helpdeskFixture } from './helpdesk-fixture.js';

t.test('no staff session, a kiosk operator, a missing CSRF token: refused, nothing written', async (t) => {
  const fx = await helpdeskFixture(t);
  const seq = fx.app.repository.lastAuditRecord()?.seq ?? 0;
  const anonymous = await fetch(`${fx.app.issuer}/helpdesk`, { redirect: 'manual' });
  t.equal(anonymous.status, 303, 'GET without a staff session: sign in first');
  const anonymousPost = await fetch(`${fx.app.issuer}/helpdesk/requests`, {
    method: 'POST', body: new URLSearchParams({ tid: fx.tid, oid: fx.oid }), headers: { 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual',
  });
  t.equal(anonymousPost.status, 403);

  const kiosk = fx.console(KIOSK_OPERATOR);
  for (const path of ['/helpdesk', `/helpdesk/accounts?upn=ada%40contoso.example`]) t.equal((await kiosk.get(path)).status, 403, `kiosk operator: GET ${path}`);
  t.equal((await kiosk.createRequest()).res.status, 403, 'kiosk operator: create');

  const agent = fx.console(AGENT);
  t.equal((await agent.post('/helpdesk/requests', { tid: fx.tid, oid: fx.oid }, { csrf: null })).status, 403, 'no CSRF token');
  t.equal((await agent.post('/helpdesk/requests', { tid: fx.tid, oid: fx.oid }, { csrf: 'x'.repeat(32) })).status, 403, 'a wrong CSRF token');
  t.equal(fx.app.repository.requests.list(10).length, 0, 'no request');
  t.equal(fx.app.repository.lastAuditRecord()?.seq ?? 0, seq, 'no audit record');
});

t.test('the agent finds the account by UPN or tid+oid (audited) and not an unknown one', async (t) => {
  const fx = await helpdeskFixture(t);
  const agent = fx.console(AGENT);
  const byUpn = await (await agent.get('/helpdesk/accounts?upn=ADA%40contoso.example')).text();
  t.match(byUpn, new RegExp(`data-tid="${fx.tid}" data-oid="${fx.oid}"`));
  t.match(fx.app.repository.lastAuditRecord()!, { flow: 'helpdesk', actor: { id: AGENT.id }, checks: [{ name: 'helpdesk-account-search' }] });
  const byId = await (await agent.get(`/helpdesk/accounts?tid=${fx.tid}&oid=${fx.oid}`)).text();
  t.match(byId, /class="create-request"/);
  t.equal((await agent.get('/helpdesk/accounts?tid=00000000-0000-0000-0000-000000000000&oid=00000000-0000-0000-0000-000000000001')).status, 404);
  t.equal((await agent.get('/helpdesk/accounts?upn=%3Cscript%3E')).status, 400);
});

t.test('evidence images: refused to the helpdesk role (default imagesVisibleTo: admin)', async (t) => {
  const fx = await helpdeskFixture(t);
  const created = await fx.console(AGENT).createRequest();
  const res = await fx.console(AGENT).get(`/helpdesk/requests/${created.requestId}/evidence/anything`);
  t.equal(res.status, 403);
});
