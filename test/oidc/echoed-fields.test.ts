// Request values proofgate stores (session, audit, log) or echoes back to Entra: state and
// client-request-id are bounded and well-formed, refused like every other protocol parameter (access_denied
// posted back) before anything is written, so a refused request spends neither the hint nor the nonce.
import t, { type Test } from 'tap';
import { randomUUID } from 'node:crypto';
import { startOidcTestApp, type OidcTestApp } from '../helpers/oidc-test-app.js';

/** Posts `fields`; expects an access_denied post-back with `description`, nothing written, no UI. */
async function expectRefused(t: Test, app: OidcTestApp, fields: Record<string, string>, description: string, echoedState: string | undefined): Promise<void> {
  const before = app.rowCounts();
  const res = await app.authorize(fields);
  t.equal(res.status, 200, 'answered with the form_post page');
  t.equal(res.session, null, 'the UI was not reached');
  t.equal(res.formPost?.action, fields.redirect_uri, 'posted back to the redirect_uri');
  t.equal(res.formPost?.fields.error, 'access_denied');
  t.equal(res.formPost?.fields.error_description, description);
  t.equal(res.formPost?.fields.state, echoedState, echoedState === undefined ? 'a state unfit to echo is not echoed' : 'state echoed');
  t.notOk('id_token' in (res.formPost?.fields ?? {}), 'no id_token');
  t.same(app.rowCounts(), before, 'nothing written: no session, no replay-guard row');
}

t.test('an oversized client-request-id or state is refused before anything is written', async (t) => {
  const app = await startOidcTestApp(t);
  const hint = await app.entra.mintHint();
  const nonce = randomUUID();

  // The attack: a 4,097-character client-request-id opened a session whose audit record could not be written.
  await expectRefused(t, app, await app.entra.request({ hint, nonce, state: 's1', fields: { 'client-request-id': 'a'.repeat(4097) } }),
    'client-request-id is longer than 256 characters', 's1');
  await expectRefused(t, app, await app.entra.request({ hint, nonce, state: 's2', fields: { 'client-request-id': 'a'.repeat(257) } }),
    'client-request-id is longer than 256 characters', 's2');
  await expectRefused(t, app, await app.entra.request({ hint, nonce, state: 'x'.repeat(2049) }),
    'state is longer than 2048 characters', undefined);
  await expectRefused(t, app, await app.entra.request({ hint, nonce, state: 'x'.repeat(60_000) }),
    'state is longer than 2048 characters', undefined);

  // At the bounds: accepted, stored as sent, and the hint and nonce refused above were not spent.
  const atBounds = await app.authorize(await app.entra.request({ hint, nonce, state: 'x'.repeat(2048), fields: { 'client-request-id': 'c'.repeat(256) } }));
  t.ok(atBounds.session, 'state of 2048 and client-request-id of 256 characters pass');
  t.equal(app.repository.getSession(atBounds.session!.sessionId)?.clientRequestId, 'c'.repeat(256));
  t.equal(app.repository.getSession(atBounds.session!.sessionId)?.state, 'x'.repeat(2048));
});

t.test('an empty or malformed state / client-request-id is refused before the hint and nonce are spent', async (t) => {
  const app = await startOidcTestApp(t);
  const hint = await app.entra.mintHint();
  const nonce = randomUUID();
  const badStates: Array<[string, string, string]> = [
    ['empty state', '', 'state is empty'],
    ['state with a newline', 'abc\ndef', 'state contains characters other than printable ASCII'],
    ['state with a NUL', 'abc\u0000', 'state contains characters other than printable ASCII'],
    ['state with DEL', 'abc\u007f', 'state contains characters other than printable ASCII'],
    ['non-ASCII state', 'état', 'state contains characters other than printable ASCII'],
  ];
  for (const [name, state, description] of badStates) {
    await t.test(name, async (t) => expectRefused(t, app, await app.entra.request({ hint, nonce, state }), description, undefined));
  }
  const badIds: Array<[string, string, string]> = [
    ['empty client-request-id', '', 'client-request-id is empty'],
    ['client-request-id with a space', 'a b', 'client-request-id contains characters other than printable ASCII (without spaces)'],
    ['client-request-id with a CR LF', `${randomUUID()}\r\nforged: log line`, 'client-request-id contains characters other than printable ASCII (without spaces)'],
    ['non-ASCII client-request-id', 'ïd', 'client-request-id contains characters other than printable ASCII (without spaces)'],
  ];
  for (const [name, id, description] of badIds) {
    await t.test(name, async (t) => expectRefused(t, app, await app.entra.request({ hint, nonce, state: 'good', fields: { 'client-request-id': id } }), description, 'good'));
  }

  // The same hint and nonce, now with a correct request: accepted.
  const good = await app.authorize(await app.entra.request({ hint, nonce, state: 'st' }));
  t.ok(good.session, 'the hint and nonce were not spent by the refusals');
  t.equal(good.formPost, null, 'no error posted back');
  t.equal(good.session?.state, 'st');
});
