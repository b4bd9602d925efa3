import t from 'tap';
import { createLocalJWKSet, jwtVerify, type JWK } from 'jose';
import pkcs11js from 'pkcs11js';
import { createTestToken } from '../helpers/softhsm.js';
import { openHsmToken, openKeyRing } from '../../src/hsm/open-hsm.js';
import type { SigningKey } from '../../src/hsm/signing-key.js';

async function signJwt(key: SigningKey, claims: Record<string, unknown>): Promise<string> {
  const header = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: key.kid })).toString('base64url');
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const signature = await key.sign(Buffer.from(`${header}.${payload}`));
  return `${header}.${payload}.${signature.toString('base64url')}`;
}

const jwksOf = async (keys: SigningKey[]) => createLocalJWKSet({ keys: keys.map((k) => k.jwk() as JWK) });
const kids = (keys: SigningKey[]) => keys.map((k) => k.kid);
const HOUR = 3_600_000;

const token = await createTestToken({ label: 'rotation-test' });
t.teardown(token.cleanup);

t.test('48 h overlap: both keys verify, switch after the overlap, retire after another', async (t) => {
  let now = Date.UTC(2026, 5, 1, 12);
  const hsm = openHsmToken(token.hsmConfig, token.dir);
  t.teardown(() => hsm.close());
  const ring = openKeyRing(hsm, token.hsmConfig, { now: () => now });
  const { key: first } = await ring.ensureKey();

  now += 5 * HOUR;
  const rotated = await ring.rotate();
  t.equal(rotated.created, true);
  const second = rotated.key;
  t.not(second.kid, first.kid);
  t.equal((await ring.rotate()).created, false, 'a second rotate during the overlap makes no third key');
  t.same(kids(await ring.published()), [first.kid, second.kid], 'next key published beside the current one');
  t.equal((await ring.active()).kid, first.kid, 'current key keeps signing during the overlap');
  t.match(await ring.status(), { active: first.kid, pending: second.kid, nextSwitchAt: new Date(now + 48 * HOUR).toISOString() });

  // Entra fetched this JWKS during the overlap: tokens from either key must verify against it.
  const overlapJwks = await jwksOf(await ring.published());
  for (const key of [first, second]) {
    const { protectedHeader } = await jwtVerify(await signJwt(key, { sub: 's' }), overlapJwks);
    t.equal(protectedHeader.kid, key.kid, `token signed with ${key === first ? 'current' : 'next'} key verifies`);
  }

  // A restarted appliance reads the same state from the token alone.
  const other = openKeyRing(hsm, token.hsmConfig, { now: () => now });
  t.same(kids(await other.published()), [first.kid, second.kid], 'state lives in the token');

  now += 48 * HOUR - 1000;
  t.equal((await ring.active()).kid, first.kid, 'a second before the overlap ends: old key');
  now += 1000;
  t.equal((await ring.active()).kid, second.kid, 'overlap passed: new key signs');
  t.same(kids(await ring.published()), [second.kid, first.kid], 'old key still published for another overlap');
  const afterSwitch = await signJwt(await ring.active(), { sub: 'after' });
  t.equal((await jwtVerify(afterSwitch, overlapJwks)).protectedHeader.kid, second.kid, 'JWKS cached during the overlap verifies the new tokens');

  now += 48 * HOUR;
  t.same(kids(await ring.published()), [second.kid], 'old key retired');
  const third = await ring.rotate();
  t.same(third.retired, [first.kid], 'rotate destroys retired keys');
  const left = await hsm.run('count', (ctx) => ctx.findObjects([{ type: pkcs11js.CKA_LABEL, value: (first as unknown as { label: string }).label }]).length);
  t.equal(left, 0, 'private key, public key and certificate of the retired key are gone');
  t.same(kids(await ring.published()), [second.kid, third.key.kid]);
});
