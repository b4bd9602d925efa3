// The phone hand-off through the real app (SQLite on disk, the real completer signing, the audit trail):
// the computer asks for a QR code, a "phone" (a second HTTP client with its own cookie) opens the one-time
// link, confirms the code and sends the capture; the computer follows over SSE and takes the form_post.
// The attacks: a second phone, a used, replaced, expired or unknown link, another session's hand-off,
// a capture before the code was confirmed, and the phone trying to get the post-back.
import t, { type Test } from 'tap';
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { enrolFromReferencePhoto } from '../../src/verification/flow/enrol-from-reference-photo.js';
import { RecordedFaceAnalyzer, embedding, oneFace } from '../helpers/recorded-face-analyzer.js';
import { startVerificationTestApp, type OpenedSession, type VerificationTestApp } from '../helpers/verification-test-app.js';
import { faceJpeg } from '../helpers/face-photos.js';
import { parseFormPost } from '../helpers/simulated-entra.js';
import { buildConfig } from '../../src/config/index.js';
import { sweepExpiredSessions } from '../../src/verification/flow/sweep-expired-sessions.js';

const selfie = faceJpeg('personA', { width: 320, height: 240, zoom: 1.4 });
const ACCEPT_RISK = { verification: { assurance: { returningUser: 'none', firstTime: 'none' } } };
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

interface Clock { now: number }

async function appWithProfile(t: Test, config: Record<string, unknown> = ACCEPT_RISK, clock?: Clock) {
  const engine = new RecordedFaceAnalyzer([oneFace(embedding(1))]);
  const app = await startVerificationTestApp(t, { faceEngine: engine, config, ...(clock ? { now: () => clock.now } : {}) });
  await enrolFromReferencePhoto(
    { repo: app.repository, audit: app.auditTrail, faceEngine: engine, quality: app.config.verification.quality, maxImageBytes: app.config.server.maxImageBytes },
    { tid: app.entra.tid, oid: app.entra.oid, upn: 'ada@contoso.example', photo: faceJpeg('personA'), attestedBy: 'desk-officer-7' },
  );
  return app;
}

/** The computer's page: the session and its hand-off start URL. */
async function laptop(app: VerificationTestApp) {
  const opened = await app.openSession();
  const start = /data-start-url="([^"]+)"/.exec(opened.html)?.[1];
  if (!start) throw new Error('no hand-off section on the page');
  return { opened, start };
}

interface Issued { handoffId: string; code: string; expiresAt: number; qr: string; url: string; eventsUrl: string; statusUrl: string; completeUrl: string }

async function issue(app: VerificationTestApp, opened: OpenedSession, start: string, csrf = opened.session.csrfToken) {
  const res = await fetch(`${app.baseUrl}${start}`, { method: 'POST', headers: { accept: 'application/json', 'x-csrf-token': csrf } });
  return { status: res.status, json: (await res.json()) as Issued & { error?: string } };
}

/** A phone: its own cookie jar (the one hand-off cookie), following nothing automatically. */
class Phone {
  cookie = '';
  constructor(readonly app: VerificationTestApp) {}
  async get(url: string) {
    const res = await fetch(url.startsWith('http') ? url : `${this.app.baseUrl}${url}`, { redirect: 'manual', headers: { cookie: this.cookie, accept: 'text/html' } });
    const set = res.headers.get('set-cookie');
    if (set) this.cookie = set.split(';')[0];
    return { status: res.status, location: res.headers.get('location'), setCookie: set, html: await res.text() };
  }
  async form(url: string, fields: Record<string, string>) {
    const res = await fetch(`${this.app.baseUrl}${url}`, {
      method: 'POST', redirect: 'manual', body: new URLSearchParams(fields),
      headers: { cookie: this.cookie, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
    });
    return { status: res.status, location: res.headers.get('location'), html: await res.text() };
  }
  async capture(url: string, csrf: string, body: Buffer = selfie) {
    const res = await fetch(`${this.app.baseUrl}${url}`, {
      method: 'POST', body: new Uint8Array(body), headers: { cookie: this.cookie, 'content-type': 'image/jpeg', 'x-csrf-token': csrf, accept: 'application/json' },
    });
    return { status: res.status, text: await res.text() };
  }
  async status(handoffId: string) {
    const res = await fetch(`${this.app.baseUrl}/handoff/p/${handoffId}/status`, { headers: { cookie: this.cookie, accept: 'application/json' } });
    return { status: res.status, json: (await res.json()) as { state?: string } };
  }
}

/** Opens the link on the phone and returns the confirm page's csrf and code. */
async function openOnPhone(phone: Phone, issued: Issued) {
  const opened = await phone.get(issued.url);
  if (opened.status !== 303) throw new Error(`open: HTTP ${opened.status}`);
  const page = await phone.get(opened.location!);
  const csrf = /name="csrf" value="([^"]+)"/.exec(page.html)?.[1] ?? '';
  const code = /id="handoff-phone-code">(\d{6})</.exec(page.html)?.[1] ?? '';
  return { opened, page, csrf, code };
}

async function laptopStatus(app: VerificationTestApp, issued: Issued, base = issued.statusUrl) {
  const res = await fetch(`${app.baseUrl}${base}`, { headers: { accept: 'application/json' } });
  return { status: res.status, json: (await res.json()) as { state?: string } };
}

async function completeOnLaptop(app: VerificationTestApp, issued: Issued, csrf: string) {
  const res = await fetch(`${app.baseUrl}${issued.completeUrl}`, {
    method: 'POST', body: new URLSearchParams({ csrf }), headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
  });
  return { status: res.status, html: await res.text() };
}

t.test('the whole hand-off: QR for a one-time link, the code on both screens, the phone captures, the computer posts the id_token', async (t) => {
  const app = await appWithProfile(t);
  const { opened, start } = await laptop(app);
  t.match(opened.html, /<section id="handoff"[^>]*hidden/, 'the page offers "Use your phone" (shown by its script)');
  t.match(opened.html, /<script src="\/static\/handoff\.js" defer><\/script>/);

  t.equal((await issue(app, opened, start, 'wrong')).status, 403, 'no QR code without the page\'s CSRF token');
  const { status, json: issued } = await issue(app, opened, start);
  t.equal(status, 200);
  t.match(issued.code, /^\d{6}$/, 'a six-digit code');
  t.match(issued.url, new RegExp(`^${app.baseUrl}/handoff/[A-Za-z0-9_-]{43}$`), 'the link is under the public URL');
  const svg = Buffer.from(issued.qr.replace(/^data:image\/svg\+xml;base64,/, ''), 'base64').toString('utf8');
  t.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/, 'the QR code is an SVG data URL rendered by the server');
  t.ok(issued.expiresAt <= Math.min(Date.now() + 300_000, opened.session.expiresAt), 'short-lived, never beyond the session');
  const token = issued.url.split('/').at(-1)!;
  t.equal((await laptopStatus(app, issued)).json.state, 'waiting');

  // The store holds the token's hash only.
  const db = new Database(app.databaseFile, { readonly: true });
  t.teardown(() => db.close());
  const row = db.prepare('SELECT * FROM handoffs').get() as Record<string, unknown>;
  t.equal(row.token_sha256, sha(token), 'the token is stored as its SHA-256');
  t.notOk(Object.values(row).some((v) => typeof v === 'string' && v.includes(token)), 'never the token itself');

  const phone = new Phone(app);
  const first = await openOnPhone(phone, issued);
  t.match(first.opened.setCookie, /^proofgate_handoff=[A-Za-z0-9_-]{43}; Max-Age=\d+; Path=\/handoff\/p\/[A-Za-z0-9_-]{22}; Expires=[^;]+; HttpOnly; SameSite=Strict$/, 'the phone is bound by its own cookie, scoped to its hand-off');
  t.equal(first.code, issued.code, 'the phone shows the code the computer shows');
  t.match(first.page.html, /ada@contoso\.example/, 'and the account');
  t.notMatch(first.page.html, /capture\.js/, 'no camera before the person confirms the code');
  const phoneSecret = phone.cookie.split('=')[1];
  t.equal((db.prepare('SELECT phone_sha256 FROM handoffs').get() as { phone_sha256: string }).phone_sha256, sha(phoneSecret), 'the phone\'s secret is stored as its SHA-256');
  t.equal((await laptopStatus(app, issued)).json.state, 'opened', 'the computer sees the phone open the link');

  const handoffId = issued.handoffId;
  const early = await phone.capture(`/handoff/p/${handoffId}/capture`, first.csrf);
  t.equal(early.status, 409, 'no capture before the code is confirmed');
  t.equal((await phone.form(`/handoff/p/${handoffId}/confirm`, { csrf: 'wrong' })).status, 403, 'confirming needs the phone page\'s CSRF token');
  const confirmed = await phone.form(`/handoff/p/${handoffId}/confirm`, { csrf: first.csrf });
  t.equal(confirmed.status, 303);
  const capturePage = await phone.get(confirmed.location!);
  t.match(capturePage.html, new RegExp(`data-capture-url="/handoff/p/${handoffId}/capture"`), 'the phone gets the capture page, capturing through its binding');
  t.match(capturePage.html, /<script src="\/static\/capture\.js" defer>/, 'with the same capture script');
  t.notMatch(capturePage.html, new RegExp(opened.session.csrfToken), 'and never the computer\'s CSRF token');
  t.notMatch(capturePage.html, /id="handoff"/, 'no "use your phone" on the phone');
  t.equal((await laptopStatus(app, issued)).json.state, 'confirmed');

  const stranger = new Phone(app);
  t.equal((await stranger.capture(`/handoff/p/${handoffId}/capture`, first.csrf)).status, 404, 'without the phone\'s cookie: refused');
  t.equal((await phone.capture(`/handoff/p/${handoffId}/capture`, 'wrong-csrf-token-value')).status, 403, 'without its CSRF token: refused');
  const evidenceBefore = app.repository.listEvidence(opened.session.sessionId).length;
  t.equal(evidenceBefore, 0, 'refusals stored nothing');

  const done = await phone.capture(`/handoff/p/${handoffId}/capture`, first.csrf);
  t.equal(done.status, 200);
  t.same(JSON.parse(done.text), { outcome: 'decided', message: 'Done. Go back to your computer: it finishes the sign-in.' });
  t.notMatch(done.text, /id_token|postBack|eyJ/, 'the phone never receives the post-back');
  t.same((await phone.status(handoffId)).json, { state: 'decided' });
  t.notMatch(JSON.stringify((await phone.status(handoffId)).json), /eyJ/);
  t.match((await phone.get(`/handoff/p/${handoffId}`)).html, /Go back to your computer/, 'the phone says go back to the computer');

  t.equal((await laptopStatus(app, issued)).json.state, 'decided');
  t.equal((await completeOnLaptop(app, issued, first.csrf)).status, 403, 'the phone\'s token cannot take the post-back');
  t.equal((await completeOnLaptop(app, issued, 'x')).status, 403);
  const posted = await completeOnLaptop(app, issued, opened.session.csrfToken);
  t.equal(posted.status, 200);
  const form = parseFormPost(posted.html)!;
  t.equal(form.action, opened.session.redirectUri, 'the computer posts to Entra');
  t.equal(form.fields.state, opened.request.state);
  const claims = await app.verifyIdToken(form.fields.id_token);
  t.equal(claims.sub, app.entra.sub);
  t.equal(claims.nonce, opened.request.nonce);
  t.equal((await completeOnLaptop(app, issued, opened.session.csrfToken)).status, 409, 'the post-back is taken once');
  t.equal((db.prepare('SELECT post_back_json FROM handoffs').get() as { post_back_json: string | null }).post_back_json, null, 'and erased from the store');

  const audit = app.repository.lastAuditRecord()!;
  t.match(audit, { sessionId: opened.session.sessionId, flow: 'returning', decision: 'verified' });
  t.match(audit.checks.at(-1), { name: 'phone-handoff', outcome: 'pass', reason: new RegExp(`^hand-off ${handoffId}: link opened on a phone at .*; codes confirmed at .*; captured on the phone$`) });
});

t.test('one phone only: a second opener, a used, replaced, unknown or expired link all get the same refusal and change nothing', async (t) => {
  const clock = { now: Date.now() };
  const app = await appWithProfile(t, { ...ACCEPT_RISK, verification: { handoff: { ttlSeconds: 60 } } }, clock);
  const { opened, start } = await laptop(app);
  const older = (await issue(app, opened, start)).json;
  const issued = (await issue(app, opened, start)).json;
  t.not(older.code + older.handoffId, issued.code + issued.handoffId);

  const refusalOf = async (url: string) => {
    const res = await new Phone(app).get(url);
    return { status: res.status, setCookie: res.setCookie, html: res.html };
  };
  const replaced = await refusalOf(older.url);
  t.equal(replaced.status, 404, 'a newer QR code replaces the older one');
  t.equal(replaced.setCookie, null);
  t.match(replaced.html, /This link cannot be used/);

  const phone = new Phone(app);
  await openOnPhone(phone, issued);
  const rowsBefore = JSON.stringify(app.repository.handoffs.get(issued.handoffId));
  const second = await refusalOf(issued.url);
  t.same(second, replaced, 'a second phone gets the same answer as a replaced link');
  t.same(await refusalOf(`${app.baseUrl}/handoff/${'A'.repeat(43)}`), replaced, 'and as an unknown link');
  t.same(await refusalOf(`${app.baseUrl}/handoff/short`), replaced, 'and as a malformed one');
  t.equal(JSON.stringify(app.repository.handoffs.get(issued.handoffId)), rowsBefore, 'the refusals changed nothing');
  // A link opened but never confirmed (a chat app's preview, a photographed QR code) does not use up the
  // hand-off: a new code ends it, and that phone can no longer act.
  const fresh = await issue(app, opened, start);
  t.equal(fresh.status, 200, 'a new QR code while the opened link is unconfirmed');
  t.equal(app.repository.handoffs.get(issued.handoffId)?.state, 'ended', 'the unconfirmed link is ended');
  const freshPhone = new Phone(app);
  const { csrf } = await openOnPhone(freshPhone, fresh.json);
  t.equal((await freshPhone.form(`/handoff/p/${fresh.json.handoffId}/confirm`, { csrf })).status, 303, 'the new phone confirms');
  t.equal((await issue(app, opened, start)).status, 409, 'no new QR code once a phone has confirmed');

  // Expiry: a fresh session's link, opened after ttlSeconds.
  const other = await laptop(app);
  const late = (await issue(app, other.opened, other.start)).json;
  t.equal(late.expiresAt, clock.now + 60_000, 'ttlSeconds from config');
  clock.now += 60_000;
  t.same(await refusalOf(late.url), replaced, 'an expired link gets the same refusal');
  t.equal((await laptopStatus(app, late)).json.state, 'expired', 'and the computer is told the code expired');
  t.equal(app.repository.handoffs.get(late.handoffId)?.state, 'issued', 'nothing was written for it');
});

t.test("another session's hand-off: the ids do not cross sessions or phones", async (t) => {
  const app = await appWithProfile(t);
  const a = await laptop(app);
  const b = await laptop(app);
  const issuedA = (await issue(app, a.opened, a.start)).json;
  const issuedB = (await issue(app, b.opened, b.start)).json;
  const crossStatus = issuedA.statusUrl.replace(a.opened.session.sessionId, b.opened.session.sessionId);
  t.equal((await laptopStatus(app, issuedA, crossStatus)).status, 404, "session B cannot follow A's hand-off");
  const phoneA = new Phone(app);
  const { csrf } = await openOnPhone(phoneA, issuedA);
  const phoneB = new Phone(app);
  await openOnPhone(phoneB, issuedB);
  t.equal((await phoneA.form(`/handoff/p/${issuedB.handoffId}/confirm`, { csrf })).status, 404, "A's phone cannot act on B's hand-off");
  t.equal((await phoneA.get(`/handoff/p/${issuedB.handoffId}`)).status, 404);
  t.equal(app.repository.handoffs.get(issuedB.handoffId)?.state, 'opened', 'B unchanged');
  const complete = await fetch(`${app.baseUrl}${issuedA.completeUrl.replace(a.opened.session.sessionId, b.opened.session.sessionId)}`, {
    method: 'POST', body: new URLSearchParams({ csrf: b.opened.session.csrfToken }), headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  t.equal(complete.status, 404, "B's page cannot take A's result");
});

t.test('the phone stops it (the codes did not match): access_denied goes back from the computer, audited', async (t) => {
  const app = await appWithProfile(t);
  const { opened, start } = await laptop(app);
  const issued = (await issue(app, opened, start)).json;
  const phone = new Phone(app);
  const { csrf } = await openOnPhone(phone, issued);
  const stopped = await phone.form(`/handoff/p/${issued.handoffId}/cancel`, { csrf });
  t.equal(stopped.status, 200);
  t.match(stopped.html, /Nothing was verified/);
  t.equal((await laptopStatus(app, issued)).json.state, 'decided');
  const form = parseFormPost((await completeOnLaptop(app, issued, opened.session.csrfToken)).html)!;
  t.same(form.fields, { error: 'access_denied', error_description: 'the person cancelled verification', state: opened.request.state });
  const audit = app.repository.lastAuditRecord()!;
  t.match(audit, { decision: 'denied', checks: [{ name: 'user-cancel' }, { name: 'phone-handoff', outcome: 'fail', reason: /stopped there before the codes were confirmed/ }] });
});

t.test('the computer cancels: the phone is told it ended and its capture is refused', async (t) => {
  const app = await appWithProfile(t);
  const { opened, start } = await laptop(app);
  const issued = (await issue(app, opened, start)).json;
  const phone = new Phone(app);
  const { csrf } = await openOnPhone(phone, issued);
  await phone.form(`/handoff/p/${issued.handoffId}/confirm`, { csrf });
  await fetch(`${app.baseUrl}${opened.cancelUrl}`, { method: 'POST', body: new URLSearchParams({ csrf: opened.session.csrfToken }), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  t.same((await phone.status(issued.handoffId)).json, { state: 'ended' });
  t.equal((await laptopStatus(app, issued)).json.state, 'ended');
  t.equal((await phone.capture(`/handoff/p/${issued.handoffId}/capture`, csrf)).status, 409, 'the phone cannot capture for an ended verification');
  t.equal(app.repository.listEvidence(opened.session.sessionId).length, 0);
});

t.test('progress over SSE: each state once, heartbeats, the stream ends on the decision; streams per session are bounded', async (t) => {
  const app = await appWithProfile(t, { ...ACCEPT_RISK, verification: { handoff: { heartbeatSeconds: 1, pollIntervalMs: 100, maxStreamsPerSession: 1 } } });
  const { opened, start } = await laptop(app);
  const issued = (await issue(app, opened, start)).json;
  const res = await fetch(`${app.baseUrl}${issued.eventsUrl}`, { headers: { accept: 'text/event-stream' } });
  t.equal(res.status, 200);
  t.match(res.headers.get('content-type'), /^text\/event-stream/);
  t.equal(res.headers.get('x-accel-buffering'), 'no', 'nginx passes events on at once');
  const extra = await fetch(`${app.baseUrl}${issued.eventsUrl}`);
  t.equal(extra.status, 429, 'a second stream for the session is refused (the page then polls)');
  await extra.body?.cancel();

  const reader = res.body!.getReader();
  let text = '';
  const readUntil = async (pattern: RegExp) => {
    while (!pattern.test(text)) {
      const { value, done } = await reader.read();
      if (done) return;
      text += new TextDecoder().decode(value);
    }
  };
  await readUntil(/"waiting"/);
  const phone = new Phone(app);
  const { csrf } = await openOnPhone(phone, issued);
  await readUntil(/"opened"/);
  await readUntil(/: heartbeat/);
  await phone.form(`/handoff/p/${issued.handoffId}/confirm`, { csrf });
  await readUntil(/"confirmed"/);
  await phone.capture(`/handoff/p/${issued.handoffId}/capture`, csrf);
  await readUntil(/"decided"/);
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    text += new TextDecoder().decode(value);
  }
  const states = [...text.matchAll(/event: progress\ndata: \{"state":"(\w+)"\}/g)].map((m) => m[1]);
  t.same(states, ['waiting', 'opened', 'confirmed', 'decided'], 'each change once, then the stream ends');
  t.notMatch(text, /eyJ|id_token/, 'the stream carries no token');
  const again = await fetch(`${app.baseUrl}${issued.eventsUrl}`);
  t.equal(again.status, 200, 'the closed stream freed its place');
  t.match(await again.text(), /"decided"/, 'a stream opened after the end sends the final state and ends');
});

t.test('config: disabled hides the section and issues nothing; a first-time session gets none; keys are validated', async (t) => {
  const app = await appWithProfile(t, { ...ACCEPT_RISK, verification: { handoff: { enabled: false } } });
  const opened = await app.openSession();
  t.notMatch(opened.html, /id="handoff"/, 'no section');
  const res = await fetch(`${app.baseUrl}/verify/${opened.session.sessionId}/handoff`, { method: 'POST', headers: { 'x-csrf-token': opened.session.csrfToken, accept: 'application/json' } });
  t.equal(res.status, 404);

  const fresh = await startVerificationTestApp(t, { faceEngine: new RecordedFaceAnalyzer([oneFace(embedding(1))]), config: ACCEPT_RISK });
  const firstTime = await fresh.openSession();
  const refused = await fetch(`${fresh.baseUrl}/verify/${firstTime.session.sessionId}/handoff`, { method: 'POST', headers: { 'x-csrf-token': firstTime.session.csrfToken, accept: 'application/json' } });
  t.equal(refused.status, 409, 'first-time enrolment needs a kiosk, not a phone');

  t.same(buildConfig().verification.handoff, { enabled: true, ttlSeconds: 300, maxPerSession: 5, maxStreamsPerSession: 2, heartbeatSeconds: 15, pollIntervalMs: 500 });
  t.throws(() => buildConfig({ verification: { handoff: { ttlSeconds: 5 } } }), /verification\.handoff\.ttlSeconds/);
  t.throws(() => buildConfig({ verification: { handoff: { heartbeatSeconds: 90 } } }), /verification\.handoff\.heartbeatSeconds/);
  t.throws(() => buildConfig({ verification: { handoff: { enabled: 'yes' } } }), /verification\.handoff\.enabled/);
  t.throws(() => buildConfig({ verification: { handoff: { surprise: 1 } } }), /verification\.handoff\.surprise/);
});

t.test('a result no computer takes is erased by the expiry sweep once the session has expired', async (t) => {
  const clock = { now: Date.now() };
  const app = await appWithProfile(t, ACCEPT_RISK, clock);
  const { opened, start } = await laptop(app);
  const issued = (await issue(app, opened, start)).json;
  const phone = new Phone(app);
  const { csrf } = await openOnPhone(phone, issued);
  await phone.form(`/handoff/p/${issued.handoffId}/confirm`, { csrf });
  t.equal((await phone.capture(`/handoff/p/${issued.handoffId}/capture`, csrf)).status, 200);
  t.equal(app.repository.handoffs.get(issued.handoffId)?.hasPostBack, true, 'the post-back waits for the computer');
  sweepExpiredSessions({ repo: app.repository, audit: app.auditTrail }, clock.now);
  t.equal(app.repository.handoffs.get(issued.handoffId)?.hasPostBack, true, 'kept while the session lasts');
  clock.now = opened.session.expiresAt;
  sweepExpiredSessions({ repo: app.repository, audit: app.auditTrail }, clock.now);
  t.equal(app.repository.handoffs.get(issued.handoffId)?.hasPostBack, false, 'erased once it has expired');
  t.equal((await completeOnLaptop(app, issued, opened.session.csrfToken)).status, 409);
});
