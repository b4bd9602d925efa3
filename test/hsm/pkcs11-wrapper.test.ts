import t from 'tap';
import { randomBytes } from 'node:crypto';
import pkcs11js from 'pkcs11js';
import { createTestToken } from '../helpers/softhsm.js';
import { openDataKeyWrapper, openHsmToken } from '../../src/hsm/open-hsm.js';
import { Pkcs11DataKeyWrapper } from '../../src/hsm/pkcs11-data-key-wrapper.js';

const token = await createTestToken({ label: 'wrapper-test' });
t.teardown(token.cleanup);
const hsm = openHsmToken(token.hsmConfig, token.dir);
t.teardown(() => hsm.close());

t.test('no wrapping key yet: a clear error, not a silent key', async (t) => {
  await t.rejects(openDataKeyWrapper(hsm, token.hsmConfig), {
    code: 'ERR_HSM', message: 'no wrapping key "proofgate/wrap" in the token: run `proofgate hsm init`',
  });
});

t.test('AES-256 wrapping key: created once, non-extractable, wrap/unwrap only', async (t) => {
  const created = await Pkcs11DataKeyWrapper.open(hsm, { labelPrefix: token.hsmConfig.keyLabelPrefix, create: true });
  t.equal(created.created, true);
  const again = await Pkcs11DataKeyWrapper.open(hsm, { labelPrefix: token.hsmConfig.keyLabelPrefix, create: true });
  t.equal(again.created, false, 'idempotent');
  t.equal(again.wrapper.wrappingKeyId, created.wrapper.wrappingKeyId, 'stable wrappingKeyId');
  t.match(created.wrapper.wrappingKeyId, /^pkcs11-aes-kwp:[A-Za-z0-9_-]{22}$/);
  const flags = await hsm.run('inspect', (ctx) => {
    const [key] = ctx.findObjects([{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY }, { type: pkcs11js.CKA_LABEL, value: 'proofgate/wrap' }]);
    const types = [pkcs11js.CKA_TOKEN, pkcs11js.CKA_SENSITIVE, pkcs11js.CKA_EXTRACTABLE, pkcs11js.CKA_WRAP, pkcs11js.CKA_UNWRAP, pkcs11js.CKA_ENCRYPT, pkcs11js.CKA_DECRYPT];
    const values = ctx.api.C_GetAttributeValue(ctx.session, key, types.map((type) => ({ type }))).map((a) => (a.value as Buffer)[0] === 1);
    const len = ctx.api.C_GetAttributeValue(ctx.session, key, [{ type: pkcs11js.CKA_VALUE_LEN }])[0].value as Buffer;
    let valueError = '';
    try { ctx.api.C_GetAttributeValue(ctx.session, key, [{ type: pkcs11js.CKA_VALUE }]); } catch (e) { valueError = (e as Error).message; }
    return { values, len: len.readUInt32LE(0), valueError };
  });
  t.same(flags.values, [true, true, false, true, true, false, false], 'TOKEN SENSITIVE !EXTRACTABLE WRAP UNWRAP !ENCRYPT !DECRYPT');
  t.equal(flags.len, 32, 'AES-256');
  t.equal(flags.valueError, 'CKR_ATTRIBUTE_SENSITIVE', 'key value cannot be read');
});

t.test('wrap/unwrap round trip, RFC 5649 sizes, tamper detection', async (t) => {
  const wrapper = await openDataKeyWrapper(hsm, token.hsmConfig);
  const dataKey = randomBytes(32);
  const wrapped = await wrapper.wrap(dataKey);
  t.equal(wrapped.length, 40, 'AES-KWP: 32-byte key + 8 bytes');
  t.notOk(wrapped.includes(dataKey.subarray(0, 8)), 'ciphertext does not contain the key');
  t.same(await wrapper.unwrap(wrapped), dataKey, 'round trip');
  t.same(await wrapper.unwrap(await wrapper.wrap(Buffer.alloc(16, 1))), Buffer.alloc(16, 1), 'AES-128 keys too');

  const tampered = Buffer.from(wrapped);
  tampered[5] ^= 0x40;
  await t.rejects(wrapper.unwrap(tampered), {
    code: 'ERR_HSM', status: 500, message: `wrapped data key refused by ${wrapper.wrappingKeyId}: corrupt, or wrapped under another key`,
  });
  await t.rejects(wrapper.unwrap(Buffer.alloc(13)), { code: 'ERR_HSM', message: 'wrapped data key has an impossible length (corrupt?)' });
  await t.rejects(wrapper.wrap(Buffer.alloc(31)), { code: 'ERR_INTERNAL', message: 'wrap() takes an AES key of 16, 24 or 32 bytes' });
  t.equal(hsm.status().state, 'open', 'bad input does not take the token down');
  t.same(await wrapper.unwrap(wrapped), dataKey, 'still works after refused input');
});

t.test('wrapped keys survive a restart', async (t) => {
  const dataKey = randomBytes(32);
  const wrapped = await (await openDataKeyWrapper(hsm, token.hsmConfig)).wrap(dataKey);
  const second = openHsmToken(token.hsmConfig, token.dir);
  t.teardown(() => second.close());
  t.same(await (await openDataKeyWrapper(second, token.hsmConfig)).unwrap(wrapped), dataKey);
});
