import t from 'tap';
import { createHmac, randomBytes } from 'node:crypto';
import pkcs11js from 'pkcs11js';
import { createTestToken } from '../helpers/softhsm.js';
import { openAuditMacKeys, openHsmToken } from '../../src/hsm/open-hsm.js';
import { Pkcs11AuditMacKeys } from '../../src/hsm/pkcs11-audit-mac-keys.js';
import { SoftwareAuditMacKeys } from '../../src/hsm/software-audit-mac-keys.js';

const token = await createTestToken({ label: 'audit-mac-test' });
t.teardown(token.cleanup);
const hsm = openHsmToken(token.hsmConfig, token.dir);
t.teardown(() => hsm.close());

t.test('no audit MAC key yet: a clear error, not a silent key', async (t) => {
  await t.rejects(openAuditMacKeys(hsm, token.hsmConfig), {
    code: 'ERR_HSM', message: 'no audit MAC key "proofgate/audit-mac" in the token: run `proofgate init`',
  });
});

t.test('audit MAC key: created once, a 32-byte generic secret, sensitive, never extractable, sign only', async (t) => {
  const created = await Pkcs11AuditMacKeys.open(hsm, { labelPrefix: token.hsmConfig.keyLabelPrefix, create: true });
  t.equal(created.created, true);
  const again = await Pkcs11AuditMacKeys.open(hsm, { labelPrefix: token.hsmConfig.keyLabelPrefix, create: true });
  t.equal(again.created, false, 'idempotent');
  t.equal(again.macKeys.macKeyId, created.macKeys.macKeyId, 'stable id');
  const attrs = await hsm.run('inspect', (ctx) => {
    const [key] = ctx.findObjects([{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY }, { type: pkcs11js.CKA_LABEL, value: 'proofgate/audit-mac' }]);
    const bools = [pkcs11js.CKA_TOKEN, pkcs11js.CKA_SENSITIVE, pkcs11js.CKA_ALWAYS_SENSITIVE, pkcs11js.CKA_EXTRACTABLE, pkcs11js.CKA_NEVER_EXTRACTABLE,
      pkcs11js.CKA_SIGN, pkcs11js.CKA_VERIFY, pkcs11js.CKA_ENCRYPT, pkcs11js.CKA_DECRYPT, pkcs11js.CKA_WRAP, pkcs11js.CKA_DERIVE];
    const values = ctx.api.C_GetAttributeValue(ctx.session, key, bools.map((type) => ({ type }))).map((a) => (a.value as Buffer)[0] === 1);
    const [keyType, len] = ctx.api.C_GetAttributeValue(ctx.session, key, [{ type: pkcs11js.CKA_KEY_TYPE }, { type: pkcs11js.CKA_VALUE_LEN }])
      .map((a) => (a.value as Buffer).readUInt32LE(0));
    let valueError = '';
    try { ctx.api.C_GetAttributeValue(ctx.session, key, [{ type: pkcs11js.CKA_VALUE }]); } catch (e) { valueError = (e as Error).message; }
    return { values, keyType, len, valueError };
  });
  t.same(attrs.values, [true, true, true, false, true, true, false, false, false, false, false],
    'TOKEN SENSITIVE ALWAYS_SENSITIVE !EXTRACTABLE NEVER_EXTRACTABLE SIGN !VERIFY !ENCRYPT !DECRYPT !WRAP !DERIVE');
  t.equal(attrs.keyType, pkcs11js.CKK_GENERIC_SECRET);
  t.equal(attrs.len, 32);
  t.equal(attrs.valueError, 'CKR_ATTRIBUTE_SENSITIVE', 'the secret cannot be read');
});

t.test('position keys: CKM_SHA256_HMAC over "proofgate-audit-mac-v1.<seq>", the same as the software seam with that secret', async (t) => {
  // A token object whose value the test knows, so the HSM's output can be compared with node:crypto.
  const secret = randomBytes(32);
  await hsm.run('create known secret', (ctx) => {
    ctx.api.C_CreateObject(ctx.session, [
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY }, { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_GENERIC_SECRET },
      { type: pkcs11js.CKA_TOKEN, value: false }, { type: pkcs11js.CKA_LABEL, value: 'vector/audit-mac' }, { type: pkcs11js.CKA_ID, value: randomBytes(16) },
      { type: pkcs11js.CKA_SIGN, value: true }, { type: pkcs11js.CKA_VALUE, value: secret },
    ]);
  });
  const { macKeys } = await Pkcs11AuditMacKeys.open(hsm, { labelPrefix: 'vector' });
  const software = new SoftwareAuditMacKeys(secret);
  for (const seq of [1, 2, 1000, 2 ** 40]) {
    const key = await macKeys.positionKey(seq);
    t.equal(key.length, 32);
    t.same(key, createHmac('sha256', secret).update(`proofgate-audit-mac-v1.${seq}`, 'ascii').digest(), `K_${seq}`);
    t.same(key, await software.positionKey(seq), 'software seam agrees');
  }
  t.notSame(await macKeys.positionKey(1), await macKeys.positionKey(2), 'each position its own key');
  await t.rejects(macKeys.positionKey(0), { name: 'TypeError' });
});
