// The staff router and gate through HTTP, with a software authenticator forging exactly what is wrong:
// registration links guessed, malformed, expired, used or replaced; answers from another origin or RP ID,
// without user verification, to a challenge never issued or already answered; sign-ins with an unknown or
// revoked passkey, a bad signature or a counter that went back (all refused the same way); sessions past
// their idle or absolute lifetime; a role refused on a gated route; a POST without its CSRF token; requests
// from another origin, not JSON, too large, or too many. Every refusal writes nothing.
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { sha256Hex } from '../../src/core/secrets.js';
import { issueStaffLink, revokeStaff } from '../../src/staff/staff-admin.js';
import { SoftwarePasskey } from '../helpers/software-passkey.js';
import { staffApp } from '../helpers/staff-app.js';

const tokenOf = (m: { link: { token: string } }) => m.link.token;

t.test('register from the link, then the session opens the gated route of the role', async (t) => {
  const app = await staffApp(t);
  const ada = app.member('Ada Admin', 'admin');
  const page = await app.get(`/staff/register/${tokenOf(ada)}`);
  t.equal(page.status, 200);
  t.match(page.text, /Staff account <strong>Ada Admin<\/strong> \(admin\)/);
  const key = new SoftwarePasskey();
  const done = await app.register(tokenOf(ada), key);
  t.equal(done.status, 200, done.text);
  t.match(done.setCookie, /^__Host-proofgate-staff=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; Secure; SameSite=Strict$/);
  const credential = app.repo.staff.getCredential(key.id)!;
  t.match(credential, { staffId: ada.member.staffId, counter: 0, transports: ['internal'], revokedAt: null });
  const gated = await app.get('/gated', done.cookie!);
  t.equal(gated.status, 200);
  t.match(JSON.parse(gated.text), { staff: { id: ada.member.staffId, name: 'Ada Admin', role: 'admin' } });
  t.match(app.staffAudits().map((r) => [r.checks[0].name, r.actor ?? null]), [['staff-add', null], ['staff-passkey-register', { kind: 'staff', id: ada.member.staffId, name: 'Ada Admin', role: 'admin' }]]);

  // The options exclude the passkey already registered (a new link, the same authenticator).
  const again = issueStaffLink({ repo: app.repo, audit: app.trail, now: app.clock.now }, { staffId: ada.member.staffId, ttlSeconds: 3600, actor: null });
  const options = await app.post(`/staff/register/${again.link.token}/options`, {});
  t.match(options.json.options, { excludeCredentials: [{ id: key.id }], authenticatorSelection: { residentKey: 'required', userVerification: 'required' }, rp: { id: 'localhost' } });
});

t.test('registration links: guessed, malformed, expired, used or replaced are refused alike, writing nothing', async (t) => {
  const app = await staffApp(t);
  const dana = app.member('Dana Desk', 'helpdesk');
  const before = app.staffAudits().length;
  const refusedLink = /this registration link is not valid: it was used, replaced by a newer one, or has expired/;
  for (const token of [randomBytes(32).toString('base64url'), 'short', `${tokenOf(dana)}x`, '..%2F..%2Fetc']) {
    const page = await app.get(`/staff/register/${token}`);
    t.equal(page.status, 404, `GET ${token}`);
    t.match(JSON.parse(page.text), { error: 'ERR_NOT_FOUND', error_description: refusedLink });
    t.equal((await app.post(`/staff/register/${token}/options`, {})).status, 404, `options ${token}`);
  }
  // Replaced: `staff link` burns the earlier link.
  const fresh = issueStaffLink({ repo: app.repo, audit: app.trail, now: app.clock.now }, { staffId: dana.member.staffId, ttlSeconds: 3600, actor: null });
  t.equal((await app.get(`/staff/register/${tokenOf(dana)}`)).status, 404, 'the replaced link');
  // Expired.
  app.clock.advance(3600 * 1000);
  t.equal((await app.register(fresh.link.token, new SoftwarePasskey())).status, 404, 'the expired link');
  t.equal(app.staffAudits().length, before + 1, 'only the new link was recorded');
  t.same(app.repo.staff.listCredentials(dana.member.staffId), []);

  // Used: a second registration with the same link.
  const third = issueStaffLink({ repo: app.repo, audit: app.trail, now: app.clock.now }, { staffId: dana.member.staffId, ttlSeconds: 3600, actor: null });
  t.equal((await app.register(third.link.token, new SoftwarePasskey())).status, 200);
  t.equal((await app.register(third.link.token, new SoftwarePasskey())).status, 404, 'the used link');
  t.equal(app.repo.staff.listCredentials(dana.member.staffId).length, 1);
  // A revoked member's link.
  const ed = app.member('Ed Extra', 'kiosk-operator');
  revokeStaff({ repo: app.repo, audit: app.trail, now: app.clock.now }, { staffId: ed.member.staffId, actor: null });
  t.equal((await app.get(`/staff/register/${tokenOf(ed)}`)).status, 404, 'the revoked member\'s link');
});

t.test('registration answers from another origin or RP ID, without user verification, or to a replayed challenge are refused', async (t) => {
  const app = await staffApp(t);
  const dana = app.member('Dana Desk', 'helpdesk');
  const before = app.staffAudits().length;
  const cases = [
    ['another origin', { origin: 'http://evil.example:8443' }],
    ['another RP ID', { rpId: 'evil.example' }],
    ['no user verification', { userVerified: false }],
    ['not a creation', { type: 'webauthn.get' }],
    ['a challenge never issued', { challenge: randomBytes(32).toString('base64url') }],
  ] as const;
  for (const [why, tweak] of cases) {
    const r = await app.register(tokenOf(dana), new SoftwarePasskey(), tweak);
    t.equal(r.status, 403, why);
    t.match(r.json, { error: 'ERR_ACCESS_DENIED', error_description: 'the passkey was not registered: reload the page and try again' }, why);
    t.equal(r.setCookie, null, `${why}: no session`);
  }
  // The same answer twice: the challenge was taken by the first (which failed), so the second is refused too.
  const options = await app.post(`/staff/register/${tokenOf(dana)}/options`, {});
  const o = options.json.options as { challenge: string; user: { id: string } };
  const answer = new SoftwarePasskey().register({ origin: 'http://evil.example', rpId: 'localhost', challenge: o.challenge }, o.user.id);
  t.equal((await app.post(`/staff/register/${tokenOf(dana)}`, { answer })).status, 403);
  const fixed = { ...answer, response: { ...answer.response } };
  t.equal((await app.post(`/staff/register/${tokenOf(dana)}`, { answer: fixed })).status, 403, 'a replayed challenge');
  t.equal(app.staffAudits().length, before, 'nothing audited');
  t.same(app.repo.staff.listCredentials(dana.member.staffId), [], 'nothing stored');
  t.equal(app.repo.staff.getRegistration(sha256Hex(tokenOf(dana)))?.usedAt, null, 'the link is still unused');
  t.equal((await app.register(tokenOf(dana), new SoftwarePasskey())).status, 200, 'and still works with a right answer');
});

t.test('sign-in: unknown, revoked, forged, replayed or cloned passkeys are all refused with the same answer', async (t) => {
  const app = await staffApp(t);
  const dana = app.member('Dana Desk', 'helpdesk');
  const key = new SoftwarePasskey();
  t.equal((await app.register(tokenOf(dana), key)).status, 200);
  const ok = await app.signIn(key);
  t.equal(ok.status, 200, ok.text);
  t.equal(app.repo.staff.getCredential(key.id)!.counter, 1, 'the counter is recorded');
  t.match(app.staffAudits().at(-1), { checks: [{ name: 'staff-sign-in' }], actor: { id: dana.member.staffId, role: 'helpdesk' } });
  const audits = app.staffAudits().length;

  const refusals: Array<{ status: number; json: unknown; setCookie: string | null }> = [];
  const refused = async (why: string, r: Promise<{ status: number; json: Record<string, unknown>; setCookie: string | null }>) => {
    const res = await r;
    refusals.push(res);
    t.equal(res.status, 403, why);
  };
  await refused('an unknown passkey', app.signIn(new SoftwarePasskey()));
  await refused('the counter did not move forward (a clone)', app.signIn(key, {}, 0));
  await refused('another origin', app.signIn(key, { origin: 'http://evil.example' }));
  await refused('no user verification', app.signIn(key, { userVerified: false }));
  // A bad signature: the right passkey id, signed by another key.
  const impostor = new SoftwarePasskey();
  Object.defineProperty(impostor, 'credentialId', { value: key.credentialId });
  impostor.counter = 10;
  impostor.userHandle = key.userHandle;
  await refused('a bad signature', app.signIn(impostor));
  // A replayed answer: the very same bytes again.
  const o = await app.signInOptions();
  const answer = key.assert({ origin: 'http://localhost:8443', rpId: 'localhost', challenge: o.challenge });
  t.equal((await app.post('/staff/sign-in', { answer })).status, 200);
  await refused('a replayed answer', app.post('/staff/sign-in', { answer }));
  // Revoked.
  revokeStaff({ repo: app.repo, audit: app.trail, now: app.clock.now }, { staffId: dana.member.staffId, actor: null });
  const afterRevoke = app.staffAudits().length;
  await refused('a revoked member', app.signIn(key));
  const views = new Set(refusals.map((r) => JSON.stringify(r.json)));
  t.same([...views], [JSON.stringify({ error: 'ERR_ACCESS_DENIED', error_description: 'sign-in refused: this passkey was not accepted' })], 'one answer for every reason');
  t.ok(refusals.every((r) => r.setCookie === null), 'no session for any');
  t.equal(app.staffAudits().length, afterRevoke, 'refusals write no audit record');
  t.equal(afterRevoke, audits + 2, 'only the good sign-in and the revocation were audited');
});

t.test('sessions end after the idle timeout, the absolute lifetime, sign-out or revocation', async (t) => {
  const app = await staffApp(t, { staff: { session: { idleSeconds: 600, absoluteSeconds: 1800 } } });
  const ada = app.member('Ada Admin', 'admin');
  const key = new SoftwarePasskey();
  await app.register(tokenOf(ada), key);
  let cookie = (await app.signIn(key)).cookie!;
  t.equal((await app.get('/gated', cookie)).status, 200);
  app.clock.advance(599_000);
  t.equal((await app.get('/gated', cookie)).status, 200, 'used within the idle timeout');
  app.clock.advance(600_000);
  const idle = await app.get('/gated', cookie);
  t.equal(idle.status, 303, 'idle too long: sent to sign-in');
  t.equal(idle.location, '/staff/sign-in');
  t.equal((await app.get('/gated', cookie)).status, 303, 'and it stays ended');

  cookie = (await app.signIn(key)).cookie!;
  for (let i = 0; i < 3; i += 1) {
    app.clock.advance(590_000);
    t.equal((await app.get('/gated', cookie)).status, 200, `active at ${(i + 1) * 590} s`);
  }
  app.clock.advance(100_000);
  t.equal((await app.get('/gated', cookie)).status, 303, 'past the absolute lifetime though never idle');

  cookie = (await app.signIn(key)).cookie!;
  const rows = () => app.repo.database.prepare('SELECT last_seen_at FROM staff_sessions').all() as { last_seen_at: number }[];
  const signedInAt = rows()[0].last_seen_at;
  app.clock.advance(2_000);
  t.equal((await app.get('/gated', cookie)).status, 200);
  t.same(rows().map((r) => r.last_seen_at), [signedInAt], 'a request soon after the last writes nothing (a page\'s 2 s poll)');
  app.clock.advance(58_000);
  t.equal((await app.get('/gated', cookie)).status, 200);
  t.same(rows().map((r) => r.last_seen_at), [signedInAt + 60_000], 'a minute on, the idle clock restarts');
  // A page left open polls its status: answered, but not activity, so the session still idles out.
  for (let polled = 0; polled < 600_000; polled += 60_000) {
    app.clock.advance(60_000);
    t.equal((await app.get('/gated/poll', cookie)).status, polled + 60_000 < 600_000 ? 200 : 303, `a status poll ${(polled + 60_000) / 1000} s after the last activity`);
  }
  t.same(rows().map((r) => r.last_seen_at), [], 'idle out despite the polls: the session is gone');

  cookie = (await app.signIn(key)).cookie!;
  const csrf = (JSON.parse((await app.get('/gated', cookie)).text) as { csrf: string }).csrf;
  const out = await app.post('/staff/sign-out', null, { cookie, raw: `_csrf=${csrf}`, type: 'application/x-www-form-urlencoded' });
  t.equal(out.status, 303);
  t.match(out.setCookie, /__Host-proofgate-staff=;/, 'the cookie is cleared');
  t.equal((await app.get('/gated', cookie)).status, 303, 'signed out');
  t.match(app.staffAudits().at(-1), { checks: [{ name: 'staff-sign-out' }], actor: { id: ada.member.staffId } });

  // Signing in again from the same browser replaces its session: the old cookie no longer works.
  const replaced = (await app.signIn(key)).cookie!;
  t.equal((await app.get('/gated', replaced)).status, 200);
  const again = await app.post('/staff/sign-in', { answer: key.assert({ origin: 'http://localhost:8443', rpId: 'localhost', challenge: (await app.signInOptions()).challenge }) }, { cookie: replaced });
  t.equal(again.status, 200);
  t.equal((await app.get('/gated', replaced)).status, 303, 'the replaced session ended');
  t.equal((await app.get('/gated', again.cookie!)).status, 200, 'the new one works');

  cookie = (await app.signIn(key)).cookie!;
  app.repo.staff.revokeStaff(ada.member.staffId, app.clock.now());
  t.equal((await app.get('/gated', cookie)).status, 303, 'revoked: the session is gone');
  t.equal((await app.get('/gated', 'x=1; __Host-proofgate-staff=not-a-session')).status, 303, 'a malformed cookie');
});

t.test('roles and CSRF on gated routes', async (t) => {
  const app = await staffApp(t);
  const dana = app.member('Dana Desk', 'helpdesk');
  const ada = app.member('Ada Admin', 'admin');
  const danaKey = new SoftwarePasskey();
  const adaKey = new SoftwarePasskey();
  const danaCookie = (await app.register(tokenOf(dana), danaKey)).cookie!;
  const adaCookie = (await app.register(tokenOf(ada), adaKey)).cookie!;
  const refused = await app.get('/gated', danaCookie);
  t.equal(refused.status, 403, 'a help-desk member on an admin route');
  t.match(JSON.parse(refused.text), { error: 'ERR_ACCESS_DENIED', error_description: 'your role (helpdesk) cannot use this page' });
  t.equal((await app.get('/staff/admin', danaCookie)).status, 403);
  t.equal((await app.post('/gated', {}, { cookie: danaCookie })).status, 403);
  t.equal((await app.get('/staff', danaCookie)).status, 200, 'the home page is for every role');
  t.equal((await app.post('/gated', {})).status, 403, 'a POST without a session');

  const csrf = (JSON.parse((await app.get('/gated', adaCookie)).text) as { csrf: string }).csrf;
  t.match(csrf, /^[A-Za-z0-9_-]{43}$/);
  const missing = await app.post('/gated', {}, { cookie: adaCookie });
  t.equal(missing.status, 403, 'no _csrf');
  t.match(missing.json, { error: 'ERR_CSRF' });
  t.equal((await app.post('/gated', { _csrf: `${csrf.slice(0, -1)}${csrf.endsWith('A') ? 'B' : 'A'}` }, { cookie: adaCookie })).status, 403, 'a wrong _csrf');
  t.match(await app.post('/gated', { _csrf: 'é'.repeat(43) }, { cookie: adaCookie }), { status: 403, json: { error: 'ERR_CSRF' } }, 'a token of the right length in characters but not in bytes: refused, not a 500');
  t.equal((await app.post('/gated', { _csrf: csrf }, { cookie: danaCookie })).status, 403, 'another session\'s token with the wrong role');
  t.equal((await app.post('/gated', { _csrf: csrf }, { cookie: adaCookie })).status, 200, 'the right token');
  t.equal((await app.post('/gated', {}, { cookie: adaCookie, csrfHeader: csrf })).status, 200, 'or the right token as X-CSRF-Token');
  t.equal((await app.post('/gated', {}, { cookie: adaCookie, csrfHeader: 'x'.repeat(43) })).status, 403, 'a wrong X-CSRF-Token');

  // The admin page revokes with the actor recorded; an admin cannot revoke themselves there.
  const before = app.staffAudits().length;
  t.equal((await app.post(`/staff/admin/${dana.member.staffId}/revoke`, { _csrf: 'x'.repeat(43) }, { cookie: adaCookie })).status, 403, 'revoke without the token');
  t.equal(app.staffAudits().length, before, 'nothing written');
  t.equal((await app.post(`/staff/admin/${ada.member.staffId}/revoke`, { _csrf: csrf }, { cookie: adaCookie })).status, 400, 'not oneself');
  const revoked = await app.post(`/staff/admin/${dana.member.staffId}/revoke`, { _csrf: csrf }, { cookie: adaCookie });
  t.equal(revoked.status, 303, 'post/redirect/get');
  t.equal(revoked.location, `/staff/admin?revoked=${dana.member.staffId}`);
  const page = await app.get(revoked.location!, adaCookie);
  t.match(page.text, /<p class="status" role="status" id="staff-admin-notice">Dana Desk revoked: their passkeys and sessions have ended\.<\/p>/);
  t.match(app.staffAudits().at(-1), { oid: dana.member.staffId, checks: [{ name: 'staff-revoke' }], actor: { kind: 'staff', id: ada.member.staffId, role: 'admin' } });
  t.equal((await app.get('/staff', danaCookie)).status, 303, 'the revoked member\'s session ended');
});

t.test('ceremony requests from another origin, not JSON, too large, malformed or too many are refused before anything is stored', async (t) => {
  const app = await staffApp(t, { staff: { signIn: { maxAttemptsPerWindow: 2, windowSeconds: 60 } } });
  t.match(await app.post('/staff/sign-in/options', {}, { origin: 'http://evil.example' }), { status: 403, json: { error: 'ERR_CSRF' } });
  t.match(await app.post('/staff/sign-in/options', {}, { origin: null }), { status: 403, json: { error: 'ERR_CSRF' } }, 'no Origin header');
  t.match(await app.post('/staff/sign-in/options', null, { raw: 'a=1', type: 'application/x-www-form-urlencoded' }), { status: 415 });
  t.match(await app.post('/staff/sign-in', null, { raw: JSON.stringify({ answer: { id: 'A'.repeat(70_000) } }) }), { status: 413 }, 'bounded by server.maxBodyBytes');
  t.match(await app.post('/staff/sign-in', { answer: { type: 'public-key', id: 'A'.repeat(2000), rawId: 'A'.repeat(2000), response: {} } }),
    { status: 400, json: { error: 'ERR_BAD_REQUEST', error_description: 'malformed passkey answer: id must be base64url, 16..1366 characters' } });
  t.match(await app.post('/staff/sign-in', { answer: [] }), { status: 400 });
  t.match(await app.post('/staff/sign-in/options', {}), { status: 429, json: { error: 'ERR_ACCESS_DENIED' } }, 'the third counted attempt in the window (refused ones before the count are not counted)');
  app.clock.advance(60_000);
  t.equal((await app.post('/staff/sign-in/options', {})).status, 200, 'the next window');
  t.equal(app.staffAudits().length, 0);
});

t.test('with an IP-address public URL staff sign-in says it is unavailable', async (t) => {
  const app = await staffApp(t, { server: { publicBaseUrl: 'http://127.0.0.1:8443' } });
  const page = await app.get('/staff/sign-in');
  t.equal(page.status, 503);
  t.match(page.text, /server\.publicBaseUrl \(or staff\.rpId\) is an IP address/);
  t.match(await app.post('/staff/sign-in/options', {}), { status: 503, json: { error: 'ERR_CONFIG' } });
  t.equal((await app.get('/gated')).status, 503);
});

t.test('the staff pages\' static files: the WebAuthn browser bundle, our script, the stylesheet; nothing else', async (t) => {
  const app = await staffApp(t);
  const bundle = await fetch(`${app.url}/staff/static/webauthn-browser.js`);
  t.equal(bundle.status, 200);
  t.match(bundle.headers.get('content-type'), /^text\/javascript/);
  t.match(await bundle.text(), /SimpleWebAuthnBrowser/);
  t.match(await (await fetch(`${app.url}/staff/static/staff-passkey.js`)).text(), /startAuthentication/);
  t.equal((await fetch(`${app.url}/staff/static/verify.css`)).status, 200);
  for (const name of ['capture.js', '..%2Fstaff%2Fstaff-auth.ts', '__proto__', 'toString']) {
    t.equal((await fetch(`${app.url}/staff/static/${name}`)).status, 404, name);
  }
  const page = await fetch(`${app.url}/staff/sign-in`);
  t.match(page.headers.get('content-security-policy'), /script-src 'self'/);
  t.match(await page.text(), /<script src="\/staff\/static\/webauthn-browser\.js" defer><\/script>\s*<script src="\/staff\/static\/staff-passkey\.js" defer><\/script>/);
});

t.test('the home page lists what the role reaches: the pages other units add, then the built-in ones', async (t) => {
  const app = await staffApp(t, {}, { helpdesk: [{ path: '/helpdesk', label: 'Help desk console' }], admin: [{ path: '/helpdesk', label: 'Help desk console' }] });
  const home = async (name: string, role: string) => (await app.get('/staff', (await app.register(tokenOf(app.member(name, role)), new SoftwarePasskey())).cookie!)).text;
  t.match(await home('Dana', 'helpdesk'), /<ul id="staff-places"><li><a href="\/helpdesk">Help desk console<\/a><\/li><\/ul>/);
  t.match(await home('Ada', 'admin'), /<li><a href="\/helpdesk">Help desk console<\/a><\/li><li><a href="\/staff\/admin">Staff accounts: list and revoke<\/a><\/li>/);
  t.match(await home('Kim', 'kiosk-operator'), /<p id="staff-no-places">No pages for this role are installed on this appliance yet\.<\/p>/);
});
