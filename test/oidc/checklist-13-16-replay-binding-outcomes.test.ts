// §7.13–7.16: replay, binding, cancel/outage outcomes, escaping of every reflected value.
import t from 'tap';
import { randomUUID } from 'node:crypto';
import { startOidcTestApp } from '../helpers/oidc-test-app.js';
import { renderFormPost } from '../../src/oidc/form-post.js';
import { ProofgateError } from '../../src/core/errors.js';
import type { KeyRing, SigningKey } from '../../src/hsm/signing-key.js';
import { SoftwareKeyRing } from '../../src/hsm/software-key-ring.js';

t.test('checklist 13: a reused hint or nonce fails', async (t) => {
  const app = await startOidcTestApp(t);
  const hint = await app.entra.mintHint();
  const first = await app.authorize(await app.entra.request({ hint, nonce: 'nonce-1' }));
  t.ok(first.session, 'first use accepted');

  const hintAgain = await app.authorize(await app.entra.request({ hint, nonce: 'nonce-2' }));
  t.equal(hintAgain.session, null);
  t.equal(hintAgain.formPost?.fields.error, 'access_denied');
  t.equal(hintAgain.formPost?.fields.error_description, 'id_token_hint has already been used');

  const freshHint = await app.entra.mintHint();
  const nonceAgain = await app.authorize(await app.entra.request({ hint: freshHint, nonce: 'nonce-1' }));
  t.equal(nonceAgain.session, null);
  t.equal(nonceAgain.formPost?.fields.error_description, 'nonce has already been used');

  // The refused nonce did not burn the fresh hint (both are remembered in one transaction).
  const retry = await app.authorize(await app.entra.request({ hint: freshHint, nonce: 'nonce-3' }));
  t.ok(retry.session, 'the fresh hint still works with a new nonce');
});

t.test('checklist 13: the hint, the nonce and the session commit together: a session that fails to open burns neither', async (t) => {
  const app = await startOidcTestApp(t);
  const hint = await app.entra.mintHint();
  const createSession = app.repository.createSession.bind(app.repository);
  // The disk fails as the session row is written, after the hint and nonce rows in the same transaction.
  app.repository.createSession = () => { throw new Error('disk I/O error'); };
  const failed = await app.authorize(await app.entra.request({ hint, nonce: 'nonce-a' }));
  t.equal(failed.session, null, 'no session');
  t.same([app.rowCounts().one_time_values, app.rowCounts().verification_sessions], [0, 0], 'nothing of the failed request was kept');
  app.repository.createSession = createSession;
  const retry = await app.authorize(await app.entra.request({ hint, nonce: 'nonce-a' }));
  t.ok(retry.session, 'the same hint and nonce open the session once the store works');
  const replay = await app.authorize(await app.entra.request({ hint, nonce: 'nonce-b' }));
  t.equal(replay.formPost?.fields.error_description, 'id_token_hint has already been used', 'and are remembered from then on');
});

/** Every text that base64url-decodes to the same bytes as `segment` (the spare low bits of its last character). */
function reencodings(segment: string): string[] {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const spareBits = (6 * segment.length) % 8;
  const last = alphabet.indexOf(segment.at(-1)!);
  const base = last & ~((1 << spareBits) - 1);
  return Array.from({ length: 1 << spareBits }, (_, i) => `${segment.slice(0, -1)}${alphabet[base | i]}`);
}

t.test('checklist 13: a hint re-encoded in the spare bits of its signature is a replay (one hint, one session)', async (t) => {
  const app = await startOidcTestApp(t);
  const hint = await app.entra.mintHint();
  const [h, p, s] = hint.split('.');
  const variants = reencodings(s);
  t.equal(variants.length, 16, 'a 256-byte RS256 signature has 4 spare bits: 16 texts');
  t.ok(variants.includes(s), 'the original is one of them');
  for (const v of variants) t.same(Buffer.from(v, 'base64url'), Buffer.from(s, 'base64url'), `${v.at(-1)} decodes to the same signature bytes`);

  // A variant other than the original, used first: the verifier accepts it (the signature is the same).
  const variant = variants.find((v) => v !== s)!;
  const first = await app.authorize(await app.entra.request({ hint: `${h}.${p}.${variant}` }));
  t.ok(first.session, 'a non-canonical encoding of a valid signature verifies');
  const opened = app.rowCounts().verification_sessions;

  // The attack: every other encoding (the original included) opened another session. Now each is a replay.
  for (const v of variants.filter((x) => x !== variant)) {
    const res = await app.authorize(await app.entra.request({ hint: `${h}.${p}.${v}` }));
    t.equal(res.session, null, `${v.at(-1)}: no session`);
    t.equal(res.formPost?.fields.error, 'access_denied');
    t.equal(res.formPost?.fields.error_description, 'id_token_hint has already been used');
  }
  t.equal(app.rowCounts().verification_sessions, opened, 'one hint opened one session');
});

t.test('checklist 14: the token is bound to the hint\'s oid+tid', async (t) => {
  const app = await startOidcTestApp(t);
  const res = await app.authorize(await app.entra.request());
  const session = res.session!;
  t.equal(session.tid, app.entra.tid);
  t.equal(session.oid, app.entra.oid);
  t.equal(session.sub, app.entra.sub);

  const wrongPerson = await app.completeVerification(session.sessionId, 'verified', { verifiedSubject: { tid: app.entra.tid, oid: randomUUID() } });
  t.equal(wrongPerson.outcome, 'denied');
  t.equal(wrongPerson.fields.error, 'access_denied');
  t.equal(wrongPerson.fields.error_description, 'the verified person is not bound to this account');
  t.notOk('id_token' in wrongPerson.fields);

  const res2 = await app.authorize(await app.entra.request());
  const ok = await app.completeVerification(res2.session!.sessionId, 'verified', { verifiedSubject: { tid: app.entra.tid, oid: app.entra.oid } });
  t.equal(ok.outcome, 'verified');
  const { payload } = await app.verifyIdToken(ok.fields.id_token);
  t.equal(payload.sub, app.entra.sub, 'token subject is the hint subject');
});

t.test('checklist 15: cancel or failure → access_denied + state; outage → temporarily_unavailable', async (t) => {
  const app = await startOidcTestApp(t);
  const cancel = await app.authorize(await app.entra.request({ state: 's-cancel' }));
  const cancelled = await app.completeVerification(cancel.session!.sessionId, 'denied', { reason: 'the person cancelled' });
  t.same(cancelled.fields, { error: 'access_denied', error_description: 'the person cancelled', state: 's-cancel' });

  const fail = await app.authorize(await app.entra.request({ state: 's-fail' }));
  const failed = await app.completeVerification(fail.session!.sessionId, 'denied');
  t.same(failed.fields, { error: 'access_denied', error_description: 'the person was not verified', state: 's-fail' });

  const outage = await app.authorize(await app.entra.request({ state: 's-out' }));
  const out = await app.completeVerification(outage.session!.sessionId, 'unavailable');
  t.equal(out.fields.error, 'temporarily_unavailable');
  t.equal(out.fields.state, 's-out');

  await t.rejects(app.completeVerification(outage.session!.sessionId, 'verified'), { code: 'ERR_SESSION_DECIDED' }, 'a session decides once');
  await t.rejects(app.completeVerification('no-such-session', 'verified'), { code: 'ERR_SESSION_EXPIRED' });
  await t.rejects(app.completeVerification(outage.session!.sessionId, 'maybe' as 'verified'), { code: 'ERR_BAD_REQUEST' });
});

t.test('checklist 15: two concurrent decisions issue at most one token', async (t) => {
  const app = await startOidcTestApp(t);
  const res = await app.authorize(await app.entra.request());
  const results = await Promise.allSettled([
    app.completeVerification(res.session!.sessionId, 'verified'),
    app.completeVerification(res.session!.sessionId, 'verified'),
  ]);
  t.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
  t.equal(results.filter((r) => r.status === 'rejected').length, 1);
});

t.test('checklist 15: an expired session answers access_denied', async (t) => {
  let clock = Date.now();
  const app = await startOidcTestApp(t, { now: () => clock });
  const res = await app.authorize(await app.entra.request());
  clock += 301_000;
  const late = await app.completeVerification(res.session!.sessionId, 'verified');
  t.equal(late.fields.error, 'access_denied');
  t.equal(late.fields.error_description, 'the verification session expired');
  t.equal(app.repository.getSession(res.session!.sessionId)?.status, 'expired');
});

/** A ring whose token has gone (throws) or hangs (never answers): the two HSM outages. */
function brokenRing(real: KeyRing, mode: 'throws' | 'hangs'): KeyRing {
  return {
    published: () => real.published(),
    async active(): Promise<SigningKey> {
      const key = await real.active();
      return {
        kid: key.kid,
        jwk: () => key.jwk(),
        sign: () => mode === 'throws'
          ? Promise.reject(new ProofgateError('ERR_HSM_UNAVAILABLE', 'token removed', { status: 503 }))
          : new Promise<Buffer>(() => undefined),
      };
    },
  };
}

t.test('checklist 15: an HSM failure answers temporarily_unavailable within a bounded time', async (t) => {
  for (const mode of ['throws', 'hangs'] as const) {
    const keyRing = brokenRing(await SoftwareKeyRing.create(), mode);
    const app = await startOidcTestApp(t, { keyRing, config: { oidc: { signingTimeoutMs: 300 } } });
    const res = await app.authorize(await app.entra.request({ state: 'st' }));
    const started = Date.now();
    const done = await app.completeVerification(res.session!.sessionId, 'verified');
    const elapsed = Date.now() - started;
    t.equal(done.fields.error, 'temporarily_unavailable', `${mode}: temporarily_unavailable`);
    t.equal(done.fields.state, 'st');
    t.notOk('id_token' in done.fields);
    t.ok(elapsed < 2000, `${mode}: answered in ${elapsed} ms`);
  }
});

t.test('checklist 15: Entra keys unreachable → temporarily_unavailable posted back', async (t) => {
  const app = await startOidcTestApp(t, {
    config: { oidc: { entraKeys: { jwksUrls: { public: 'http://127.0.0.1:9/keys', usgov: 'http://127.0.0.1:9/keys', china: 'http://127.0.0.1:9/keys' }, fetchTimeoutMs: 500 } } },
  });
  const before = app.rowCounts();
  const res = await app.authorize(await app.entra.request({ state: 'k' }));
  t.equal(res.formPost?.fields.error, 'temporarily_unavailable');
  t.match(res.formPost?.fields.error_description, /Entra signing keys for the public cloud could not be fetched/);
  t.equal(res.formPost?.fields.state, 'k');
  t.same(app.rowCounts(), before, 'nothing written');
});

t.test('checklist 16: every reflected value is HTML-escaped', async (t) => {
  const app = await startOidcTestApp(t);
  const evil = '"><script>alert(1)</script><x y=\'';
  // state reflected in an error post-back
  const refused = await app.authorize(await app.entra.request({ state: evil, fields: { scope: 'email' } }));
  t.notMatch(refused.text, /<script>alert/);
  t.match(refused.text, /&quot;&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  t.equal(refused.formPost?.fields.state, evil, 'the browser still posts the exact state');
  // request values reflected in error_description
  const acr = await app.authorize(await app.entra.request({ fields: { claims: JSON.stringify({ id_token: { acr: { values: [evil] } } }) } }));
  t.notMatch(acr.text, /<script>alert/);
  t.match(acr.formPost?.fields.error_description, /<script>alert/, 'the description carries the value, escaped in the page');
  // state reflected in a success post-back
  const ok = await app.authorize(await app.entra.request({ state: evil }));
  const done = await app.completeVerification(ok.session!.sessionId, 'denied', { reason: evil });
  const { html } = renderFormPost(done);
  t.notMatch(html, /<script>alert/);
  t.notMatch(html, /<x y=/);
  // paths reflected in the 404 page and the 400 page
  const notFound = await app.get('/%3Cscript%3Ealert(1)%3C/script%3E', { accept: 'text/html' });
  t.equal(notFound.status, 404);
  t.notMatch(notFound.text, /<script>alert/);
  const badRedirect = await app.authorize(await app.entra.request({ fields: { redirect_uri: evil } }));
  t.equal(badRedirect.status, 400);
  t.notMatch(badRedirect.text, /<script>alert/);
});
