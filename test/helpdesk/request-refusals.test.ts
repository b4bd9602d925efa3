// Bad input against a verification request, through the app: expired, revoked, reused or guessed links and
// codes all get the same answer (status and page), and none of them opens a session or writes an audit
// record. Wrong codes are counted per request; past helpdesk.maxCodeAttempts the right code is refused too.
import t from 'tap';
import { AGENT, UPN, helpdeskFixture, postForm, type Fixture } from './helpdesk-fixture.js';

const sessionsOf = (fx: Fixture, requestId: string) => fx.app.repository.requests.get(requestId)!.sessionId;

t.test('expired, revoked, guessed and malformed links and codes: one answer, nothing written', async (t) => {
  const fx = await helpdeskFixture(t, { config: { helpdesk: { requestTtlSeconds: 3600 } } });
  const agent = fx.console(AGENT);
  const live = await agent.createRequest({ ttlHours: '1' });
  const reference = await postForm(`${fx.app.issuer}/r/${'B'.repeat(43)}`);
  t.equal(reference.status, 404, 'a guessed link');
  t.match(reference.html, /id="request-refused"/);
  const seq = fx.app.repository.lastAuditRecord()!.seq;

  const answers: Array<[string, { status: number; html: string }]> = [
    ['malformed link', await postForm(`${fx.app.issuer}/r/not-a-token`)],
    ['guessed code', await postForm(`${fx.app.issuer}/r`, { upn: 'nobody@contoso.example', code: '123456' })],
    ['malformed code', await postForm(`${fx.app.issuer}/r`, { upn: UPN, code: '12ab' })],
    ['missing fields', await postForm(`${fx.app.issuer}/r`, {})],
  ];
  fx.clock.now += 3600 * 1000 + 1;
  answers.push(['expired link', await postForm(live.link)]);
  answers.push(['expired code', await postForm(`${fx.app.issuer}/r`, { upn: UPN, code: live.code })]);
  const landing = await fetch(live.link);
  answers.push(['expired link page', { status: landing.status, html: await landing.text() }]);
  for (const [what, a] of answers) {
    t.equal(a.status, reference.status, `${what}: same status`);
    t.equal(a.html, reference.html, `${what}: same page`);
  }
  t.equal(sessionsOf(fx, live.requestId), null, 'no session opened');
  t.equal(fx.app.repository.lastAuditRecord()!.seq, seq, 'no audit record written');
  const status = await agent.get(`/helpdesk/requests/${live.requestId}/status`, 'application/json');
  t.same(await status.json(), { status: 'expired' }, 'the console says expired');

  // The account may have a new request once the old one has expired.
  t.equal((await agent.createRequest()).res.status, 201);
});

t.test('the code: opens the same capture page as the link; wrong codes are capped per request', async (t) => {
  const fx = await helpdeskFixture(t, { config: { helpdesk: { maxCodeAttempts: 3, codeLength: 8 } } });
  const agent = fx.console(AGENT);
  const created = await agent.createRequest();
  t.match(created.code, /^\d{8}$/, 'helpdesk.codeLength digits');
  const wrong = created.code === '00000000' ? '00000001' : '00000000';
  const refusal = await postForm(`${fx.app.issuer}/r`, { upn: UPN, code: wrong });
  t.equal(refusal.status, 404);
  t.equal(fx.app.repository.requests.get(created.requestId)!.codeAttempts, 1, 'a wrong code is counted');
  const ok = await postForm(`${fx.app.issuer}/r`, { upn: UPN.toUpperCase(), code: created.code });
  t.equal(ok.status, 200, 'the right code, UPN in any case');
  t.match(ok.html, /\/verify\/[^/"]+\/capture/, 'the capture page');
  const sessionId = sessionsOf(fx, created.requestId);
  t.ok(sessionId);
  const again = await postForm(created.link);
  t.match(again.html, new RegExp(`/verify/${sessionId}/capture`), 'the link resumes the same open session');

  await postForm(`${fx.app.issuer}/r`, { upn: UPN, code: wrong });
  await postForm(`${fx.app.issuer}/r`, { upn: UPN, code: wrong });
  t.equal(fx.app.repository.requests.get(created.requestId)!.codeAttempts, 3);
  const locked = await postForm(`${fx.app.issuer}/r`, { upn: UPN, code: created.code });
  t.equal(locked.status, 404, 'past maxCodeAttempts the right code is refused too');
  t.equal(locked.html, refusal.html, 'with the same answer');
  t.equal((await postForm(created.link)).status, 200, 'the link still works');
});

t.test('the code page and the link page keep the security headers', async (t) => {
  const fx = await helpdeskFixture(t);
  const res = await fetch(`${fx.app.issuer}/r`);
  t.equal(res.status, 200);
  t.match(res.headers.get('content-security-policy'), /default-src 'none'; script-src 'self'/);
  t.equal(res.headers.get('cache-control'), 'no-store');
  t.notMatch(await res.text(), /https?:\/\/(?!127\.0\.0\.1)/, 'no external asset');
});
