// A verification request from the console to its signed result, through the real app on loopback: the
// agent creates it (link, code, QR, one audit record naming the agent), the person opens the link and gets
// the returning user's capture page, the session is decided (here: the person cancels, which decides
// 'denied' without a camera; the verified path is the Chromium test), and the request ends 'failed' with
// the decision's audit record in the same transaction. The signed result verifies against the JWKS.
import t from 'tap';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { AGENT, ADMIN, UPN, capturePageSession, helpdeskFixture, postForm } from './helpdesk-fixture.js';
import { RESULT_JWS_TYPE } from '../../src/helpdesk/result-jws.js';
import { addApiToken } from '../../src/helpdesk/api-tokens.js';
import { html } from '../../src/pages/html.js';

t.test('create → open the link → decided → failed with its audit record; the signed result verifies against the JWKS', async (t) => {
  const fx = await helpdeskFixture(t);
  const { app } = fx;
  const agent = fx.console(AGENT);
  const before = app.repository.lastAuditRecord()?.seq ?? 0;
  const created = await agent.createRequest();
  t.equal(created.res.status, 201, 'the console shows the new request');
  t.match(created.link, new RegExp(`^${app.issuer}/r/[A-Za-z0-9_-]{43}$`), 'a one-time link on the public URL');
  t.match(created.code, /^\d{6}$/, 'a six-digit code');
  t.match(created.html, /id="request-qr" src="data:image\/svg\+xml;base64,/, 'the link as a QR code, inline (no external image)');
  const audit = app.repository.lastAuditRecord()!;
  t.equal(audit.seq, before + 1, 'one audit record');
  t.match(audit, { flow: 'helpdesk', decision: 'changed', tid: fx.tid, oid: fx.oid, upn: UPN, actor: { kind: 'staff', id: AGENT.id, name: AGENT.name, role: 'helpdesk' } });
  t.match(audit.checks[0], { name: 'helpdesk-request-created', reason: new RegExp(`request ${created.requestId} \\(verify\\)`) });
  const stored = app.repository.requests.get(created.requestId)!;
  t.notOk(JSON.stringify(stored).includes(created.code), 'the code is not stored in the clear');
  t.notOk(JSON.stringify(stored).includes(created.link.split('/r/')[1]), 'the link token is not stored');

  const status = await agent.get(`/helpdesk/requests/${created.requestId}/status`, 'application/json');
  t.same(await status.json(), { status: 'open' });

  const landing = await fetch(created.link);
  t.equal(landing.status, 200);
  const landingHtml = await landing.text();
  t.match(landingHtml, /id="request-start"/, 'the landing page asks the person to start');
  t.equal(app.repository.requests.get(created.requestId)!.sessionId, null, 'opening the link page starts nothing (link previews)');

  const started = await postForm(created.link);
  t.equal(started.status, 200);
  const s = capturePageSession(started.html);
  t.ok(s, 'the returning user\'s capture page');
  const session = app.repository.getSession(s!.sessionId)!;
  t.match(session, { tid: fx.tid, oid: fx.oid, status: 'open', clientRequestId: created.requestId });
  t.match(started.html, /data-challenge="/, 'the remote liveness tier: the page films the session\'s challenge');

  // The person stops: the session is decided 'denied', the request ends 'failed', together.
  const cancelled = await postForm(`${app.issuer}/verify/${s!.sessionId}/cancel`, { csrf: s!.csrf });
  t.equal(cancelled.status, 200);
  t.match(cancelled.html, new RegExp(`action="${app.issuer.replace(/[/.]/g, '\\$&')}/r/done"`), 'the page goes on to the done page, not to Entra');
  t.notMatch(cancelled.html, /id_token/, 'no id_token for a request');
  const done = app.repository.requests.get(created.requestId)!;
  const decision = app.repository.lastAuditRecord()!;
  t.match(done, { status: 'failed', decision: 'denied', auditSeq: decision.seq, sessionId: s!.sessionId });
  t.match(decision, { sessionId: s!.sessionId, flow: 'returning', decision: 'denied', clientRequestId: created.requestId });
  const donePage = await postForm(`${app.issuer}/r/done`, { reference: s!.sessionId.slice(0, 10) });
  t.match(donePage.html, /Done — you can tell the agent/);

  await app.helpdesk.results.settled();
  const { token } = addApiToken({ repo: app.repository, audit: app.auditTrail }, 'itsm', ['requests:read'], fx.clock.now);
  const res = await fetch(`${app.issuer}/api/v1/verification-requests/${created.requestId}/result`, { headers: { authorization: `Bearer ${token}` } });
  t.equal(res.status, 200);
  t.match(res.headers.get('content-type'), /^application\/jwt/);
  const jws = await res.text();
  t.equal(decodeProtectedHeader(jws).typ, RESULT_JWS_TYPE, 'its own typ: never taken for an id_token');
  const jwks = createRemoteJWKSet(new URL(`${app.issuer}/oidc/jwks`));
  const { payload, protectedHeader } = await jwtVerify(jws, jwks, { issuer: app.issuer, algorithms: ['RS256'], typ: RESULT_JWS_TYPE, currentDate: new Date(fx.clock.now) });
  t.equal(protectedHeader.kid, (await app.keyRing.active()).kid, 'signed by the appliance key, kid as in the JWKS');
  t.match(payload, { request_id: created.requestId, tid: fx.tid, oid: fx.oid, decision: 'denied', purpose: 'verify', audit_seq: decision.seq });
  t.same((payload.checks as Array<{ name: string }>).map((c) => c.name), decision.checks.map((c) => c.name), 'each check of the audit record');
  t.equal(payload.completed_at, Math.floor(decision.at / 1000));
  t.match(app.repository.lastAuditRecord()!, { flow: 'helpdesk', actor: { kind: 'api-token', name: 'itsm' }, checks: [{ name: 'helpdesk-result-viewed' }] }, 'the API read is audited');
  const fetchResult = async () => (await fetch(`${app.issuer}/api/v1/verification-requests/${created.requestId}/result`, { headers: { authorization: `Bearer ${token}` } })).text();
  t.equal(await fetchResult(), jws, 'within its lifetime the stored result is served again');
  fx.clock.now += (app.config.helpdesk.resultLifetimeSeconds + 1) * 1000;
  const fresh = await fetchResult();
  t.not(fresh, jws, 'past its exp a fresh result is signed, never an expired one served');
  const renewed = await jwtVerify(fresh, jwks, { issuer: app.issuer, algorithms: ['RS256'], typ: RESULT_JWS_TYPE, currentDate: new Date(fx.clock.now) });
  t.match(renewed.payload, { request_id: created.requestId, decision: 'denied', audit_seq: decision.seq }, 'with the same decision');
  const statusBefore = app.repository.lastAuditRecord()!.seq;
  t.equal((await fetch(`${app.issuer}/api/v1/verification-requests/${created.requestId}`, { headers: { authorization: `Bearer ${token}` } })).status, 200);
  t.equal(app.repository.lastAuditRecord()!.seq, statusBefore, 'a status poll writes no audit record');

  // The console: result with each check, no images for the helpdesk role; the admin sees them.
  const view = await (await agent.get(`/helpdesk/requests/${created.requestId}`)).text();
  t.match(view, /id="result-decision">denied</);
  t.match(view, /data-check="user-cancel"/);
  t.match(view, /id="images-hidden"/, 'the helpdesk role sees no images');
  t.match(app.repository.lastAuditRecord()!, { actor: { id: AGENT.id }, checks: [{ name: 'helpdesk-result-viewed' }] }, 'viewing a result is audited');
  const adminView = await (await fx.console(ADMIN).get(`/helpdesk/requests/${created.requestId}`)).text();
  t.match(adminView, /id="result-images"/, 'the admin role (helpdesk.imagesVisibleTo) sees the images section');

  // Reused: the decided request's link is refused like a guessed one.
  const reused = await postForm(created.link);
  const guessed = await postForm(`${app.issuer}/r/${'A'.repeat(43)}`);
  t.equal(reused.status, 404);
  t.equal(reused.html, guessed.html, 'a reused link is answered exactly as a guessed one');
});

t.test('revoke: audited; the link then answers as a guessed one; a second revoke is refused and writes nothing', async (t) => {
  const fx = await helpdeskFixture(t);
  const agent = fx.console(AGENT);
  const created = await agent.createRequest();
  const revoked = await agent.post(`/helpdesk/requests/${created.requestId}/revoke`, {});
  t.equal(revoked.status, 303);
  t.match(fx.app.repository.lastAuditRecord()!, { flow: 'helpdesk', actor: { id: AGENT.id }, checks: [{ name: 'helpdesk-request-revoked' }] });
  t.equal(fx.app.repository.requests.get(created.requestId)!.status, 'revoked');
  const seq = fx.app.repository.lastAuditRecord()!.seq;
  const again = await agent.post(`/helpdesk/requests/${created.requestId}/revoke`, {});
  t.equal(again.status, 409);
  t.equal(fx.app.repository.lastAuditRecord()!.seq, seq, 'nothing written');
  const opened = await postForm(created.link);
  t.equal(opened.status, 404);
  t.equal(fx.app.repository.requests.get(created.requestId)!.sessionId, null, 'no session opened');
});

t.test('an account with no verified photo: the link says to go to a kiosk and offers no capture', async (t) => {
  const fx = await helpdeskFixture(t, { enrolled: false });
  const created = await fx.console(AGENT).createRequest();
  t.equal(created.res.status, 201);
  const page = await postForm(created.link);
  t.equal(page.status, 200);
  t.match(page.html, /id="request-kiosk"/);
  t.notMatch(page.html, /\/verify\//, 'no capture page');
  t.equal(fx.app.repository.requests.get(created.requestId)!.sessionId, null);
});

t.test('one open request per account; expiry bounded by helpdesk.maxRequestTtlSeconds', async (t) => {
  const fx = await helpdeskFixture(t);
  const agent = fx.console(AGENT);
  t.equal((await agent.createRequest()).res.status, 201);
  const seq = fx.app.repository.lastAuditRecord()!.seq;
  t.equal((await agent.createRequest()).res.status, 409, 'a second open request is refused');
  const tooLong = await agent.createRequest({ ttlHours: String(24 * 7 + 1) });
  t.equal(tooLong.res.status, 400, 'more than 7 days is refused');
  t.equal(fx.app.repository.lastAuditRecord()!.seq, seq, 'refusals write nothing');
});

t.test('the done page: what follows a decision (a recovery pass) is shown only to the page that holds the session\'s token', async (t) => {
  const seen: string[] = [];
  const fx = await helpdeskFixture(t, {
    completionExtras: async (request) => {
      seen.push(request.requestId);
      return html`<p id="extra">for ${request.requestId} (${request.status})</p>`;
    },
  });
  const created = await fx.console(AGENT).createRequest({ purpose: 'recovery' });
  const s = capturePageSession((await postForm(created.link)).html)!;
  const early = await postForm(`${fx.app.issuer}/r/done`, { session: s.sessionId, csrf: s.csrf });
  t.notMatch(early.html, /id="extra"/, 'nothing before the decision');
  const cancelled = await postForm(`${fx.app.issuer}/verify/${s.sessionId}/cancel`, { csrf: s.csrf });
  const fields = Object.fromEntries([...cancelled.html.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1], m[2]]));
  t.same(Object.keys(fields).sort(), ['csrf', 'reference', 'session'], 'the completion form carries the reference, the session and its token');
  const forged = await postForm(`${fx.app.issuer}/r/done`, { ...fields, csrf: 'x'.repeat(43) });
  t.notMatch(forged.html, /id="extra"/, 'not with another token');
  const done = await postForm(`${fx.app.issuer}/r/done`, fields);
  t.match(done.html, new RegExp(`<p id="extra">for ${created.requestId} \\(failed\\)</p>`));
  t.same(seen, [created.requestId]);
});
