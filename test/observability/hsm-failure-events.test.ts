// HSM failures as the operator sees them, with a real SoftHSM token: the module finalized underneath
// makes the id_token signature fail; the token reports the failed operation to the appliance's
// observer (src/cli/start/observe-hsm.ts), which logs 'hsm.failure' and counts it by operation. The
// decision goes back as 'unavailable' and is logged so. The token's PIN appears in no line.
import t from 'tap';
import { createTestToken } from '../helpers/softhsm.js';
import { openHsmToken, openKeyRing } from '../../src/hsm/open-hsm.js';
import { Pkcs11Library } from '../../src/hsm/pkcs11-library.js';
import { hsmFailureObserver } from '../../src/cli/start/observe-hsm.js';
import { startOidcTestApp } from '../helpers/oidc-test-app.js';
import { recordLog } from '../helpers/log-recorder.js';
import { parsePrometheusText, sampleValue } from '../helpers/prometheus-text.js';
import { createMetrics } from '../../src/observability/metrics.js';

const token = await createTestToken({ label: 'observe-hsm', config: { retryBackoffMs: 60_000 } });
t.teardown(token.cleanup);

t.test('a failed signature: one hsm.failure event and count, the PIN nowhere', async (t) => {
  const recorder = recordLog();
  const metrics = createMetrics({ processMetrics: false });
  const hsm = openHsmToken(token.hsmConfig, token.dir, hsmFailureObserver(recorder.log, metrics));
  t.teardown(() => hsm.close());
  const ring = openKeyRing(hsm, token.hsmConfig);
  await ring.ensureKey();
  const app = await startOidcTestApp(t, { keyRing: ring, log: recorder.log });
  const opened = await app.authorize(await app.entra.request());

  t.ok(Pkcs11Library.for(token.module).reset(), 'the module is finalized behind the appliance\'s back');
  const done = await app.completeVerification(opened.session!.sessionId, 'verified', { verifiedSubject: { tid: app.entra.tid, oid: app.entra.oid } });
  t.equal(done.outcome, 'unavailable', 'no token could be signed');
  t.equal(done.fields.error, 'temporarily_unavailable');

  const failures = recorder.lines('hsm.failure');
  t.ok(failures.length >= 1, `${failures.length} failure event(s)`);
  t.match(failures[0], { level: 'error', operation: 'sign', code: 'ERR_HSM_UNAVAILABLE', reason: /^HSM unavailable: / });
  t.notMatch(failures[0].operation, /kid/, 'the operation kind, without the key id');
  const samples = parsePrometheusText(await metrics.registry.metrics()).samples;
  t.equal(sampleValue(samples, 'proofgate_hsm_failures_total', { operation: 'sign' }), failures.filter((f) => f.operation === 'sign').length);
  t.notOk(recorder.raw.some((l) => l.includes(token.pin) || l.includes(token.soPin)), 'neither PIN is in the log');
});

t.test('a wrong PIN: the failure is logged and counted, the PIN it tried is not', async (t) => {
  const recorder = recordLog();
  const metrics = createMetrics({ processMetrics: false });
  const wrongPin = 'wrong-pin-4711';
  process.env.PROOFGATE_TEST_WRONG_PIN = wrongPin;
  t.teardown(() => { delete process.env.PROOFGATE_TEST_WRONG_PIN; });
  const wrong = openHsmToken({ ...token.hsmConfig, pinFile: null, pinEnv: 'PROOFGATE_TEST_WRONG_PIN' }, token.dir, hsmFailureObserver(recorder.log, metrics));
  t.teardown(() => wrong.close());
  await t.rejects(openKeyRing(wrong, token.hsmConfig).active(), { code: 'ERR_HSM_UNAVAILABLE' });
  t.match(recorder.lines('hsm.failure'), [{ operation: 'load signing keys', code: 'ERR_HSM_UNAVAILABLE', reason: /CKR_PIN_INCORRECT/ }]);
  t.notOk(recorder.raw.some((l) => l.includes(wrongPin) || l.includes(token.pin)), 'no PIN in the log');
  const samples = parsePrometheusText(await metrics.registry.metrics()).samples;
  t.equal(sampleValue(samples, 'proofgate_hsm_failures_total', { operation: 'load signing keys' }), 1);
});
