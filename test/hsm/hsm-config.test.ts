import t from 'tap';
import { buildConfig, configDefaults } from '../../src/config/index.js';

t.test('hsm config: defaults and validation messages name the key', async (t) => {
  const cfg = buildConfig({}).hsm;
  t.match(cfg, { module: '/usr/lib/softhsm/libsofthsm2.so', tokenLabel: 'proofgate', pinFile: 'hsm/user.pin', pinEnv: 'PROOFGATE_HSM_PIN', overlapHours: 48, rsaBits: 2048 });
  t.same(Object.keys(cfg).sort(), Object.keys(configDefaults.hsm).sort(), 'every default key is read');
  t.equal(buildConfig({ hsm: { pinFile: null } }).hsm.pinFile, null, 'pinFile null selects the env variable');
  t.throws(() => buildConfig({ hsm: { rsaBits: 1024 } }), { code: 'ERR_CONFIG', message: 'config config.hsm.rsaBits: expected an integer in 2048..8192, received 1024' });
  t.throws(() => buildConfig({ hsm: { tokenLabel: 'x'.repeat(33) } }), { message: /config\.hsm\.tokenLabel: expected at most 32 bytes/ });
  t.throws(() => buildConfig({ hsm: { overlapHour: 24 } }), { message: /config\.hsm\.overlapHour: expected no such key \(misspelled\?\)/ });
  t.throws(() => buildConfig({ hsm: { pinEnv: 'BAD-NAME' } }), { message: /config\.hsm\.pinEnv: expected a string matching/ });
  t.throws(() => buildConfig({ hsm: { keyLabelPrefix: 'a/b' } }), { message: /config\.hsm\.keyLabelPrefix/ });
  t.throws(() => buildConfig({ hsm: { operationTimeoutMs: '2000' } }), { message: /config\.hsm\.operationTimeoutMs: expected an integer/ });
});
