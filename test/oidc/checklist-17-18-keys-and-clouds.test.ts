// §7.17: during the 48 h key overlap, tokens signed with either key verify. §7.18: a .us or .cn
// redirect_uri is accepted only with the issuer and keys of that same cloud.
import t from 'tap';
import { SoftwareKeyRing } from '../../src/hsm/software-key-ring.js';
import { entraIssuer, entraRedirectUri, type EntraCloud } from '../../src/oidc/clouds.js';
import { startOidcTestApp } from '../helpers/oidc-test-app.js';

const HOUR = 3_600_000;

t.test('checklist 17: tokens from the old and the new key both verify during the overlap', async (t) => {
  let clock = Date.now();
  const now = () => clock;
  const keyRing = await SoftwareKeyRing.create({ now });
  const app = await startOidcTestApp(t, { keyRing, now });
  const issueToken = async () => {
    const hint = await app.entra.mintHint({ claims: { iat: Math.floor(clock / 1000), exp: Math.floor(clock / 1000) - 1 } });
    const res = await app.authorize(await app.entra.request({ hint }));
    const done = await app.completeVerification(res.session!.sessionId, 'verified');
    return done.fields.id_token;
  };
  const kidOf = (token: string) => (JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()) as { kid: string }).kid;

  const oldKid = (await keyRing.active()).kid;
  clock += HOUR; // rotation happens some time after the first key was made
  const newKid = (await keyRing.rotate()).kid;
  t.not(oldKid, newKid);
  const jwks = JSON.parse((await app.get('/oidc/jwks')).text) as { keys: Array<{ kid: string }> };
  t.same(jwks.keys.map((k) => k.kid).sort(), [oldKid, newKid].sort(), 'both keys published after rotation');

  const beforeSwitch = await issueToken();
  t.equal(kidOf(beforeSwitch), oldKid, 'still signing with the old key inside the first 48 h');
  t.ok(await app.verifyIdToken(beforeSwitch, { atMs: clock }), 'old-key token verifies');

  clock += 48 * HOUR + 1000;
  const afterSwitch = await issueToken();
  t.equal(kidOf(afterSwitch), newKid, 'signing with the new key after 48 h');
  t.ok(await app.verifyIdToken(afterSwitch, { atMs: clock }), 'new-key token verifies');
  t.ok(await app.verifyIdToken(beforeSwitch, { atMs: clock - 48 * HOUR }), 'old-key token still verifies against the current JWKS');
  const during = JSON.parse((await app.get('/oidc/jwks')).text) as { keys: Array<{ kid: string }> };
  t.same(during.keys.map((k) => k.kid), [newKid, oldKid], 'the old key stays published beside the new one');
});

t.test('checklist 18: each cloud\'s redirect_uri accepts only that cloud\'s issuer and keys', async (t) => {
  const app = await startOidcTestApp(t);
  const e = app.entra;
  const clouds: EntraCloud[] = ['public', 'usgov', 'china'];
  for (const cloud of clouds) {
    const ok = await app.authorize(await e.request({ cloud }));
    t.ok(ok.session, `${cloud}: its own issuer and keys are accepted`);
    t.equal(ok.session?.redirectUri, entraRedirectUri(cloud));
    const done = await app.completeVerification(ok.session!.sessionId, 'verified');
    t.equal(done.redirectUri, entraRedirectUri(cloud), `${cloud}: posted back to the same cloud`);
    for (const other of clouds.filter((c) => c !== cloud)) {
      const foreignHint = await app.authorize(await e.request({ cloud, hint: await e.mintHint({ cloud: other }) }));
      t.equal(foreignHint.session, null, `${cloud} redirect with a ${other} hint: refused`);
      t.equal(foreignHint.formPost?.fields.error, 'access_denied');
      t.equal(foreignHint.formPost?.action, entraRedirectUri(cloud));

      const foreignIss = await app.authorize(await e.request({ cloud, hint: await e.mintHint({ cloud, claims: { iss: entraIssuer(other, e.tid) } }) }));
      t.match(foreignIss.formPost?.fields.error_description, /iss is not the/, `${cloud} redirect, ${other} issuer, ${cloud} key: refused`);

      const foreignKey = await app.authorize(await e.request({ cloud, hint: await e.mintHint({ cloud, signWithCloud: other }) }));
      t.match(foreignKey.formPost?.fields.error_description, /kid is not a/, `${cloud} redirect, ${cloud} issuer, ${other} key: refused`);

      const foreignKeySameKid = await app.authorize(await e.request({
        cloud, hint: await e.mintHint({ cloud, signWithCloud: other, kid: e.jwks(cloud).keys[0].kid as string }),
      }));
      t.match(foreignKeySameKid.formPost?.fields.error_description, /signature does not verify/, `${cloud} redirect, ${other} key under a ${cloud} kid: refused`);
    }
  }
});
