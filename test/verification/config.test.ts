import t from 'tap';
import { buildConfig, configDefaults } from '../../src/config/index.js';

t.test('verification defaults are the safe ones', async (t) => {
  const v = buildConfig({}).verification;
  t.notOk('livenessWithoutDepth' in v, 'one liveness policy: liveness.policy, not a verification key');
  t.same(v.assurance, { returningUser: 'remote-active', firstTime: 'kiosk-depth', tenants: {} }, 'returning users verify from a browser; first-time needs a kiosk');
  t.ok(v.challengeFrames + 1 <= v.maxCapturesPerEnvelope, 'the envelope has room for the selfie and the challenge frames');
  t.notOk('matchMaxDistance' in v, 'one match threshold: biometrics.matching.threshold, the embedder\'s calibrated value');
  t.same(configDefaults.verification.quality, v.quality);
  t.same(v.lockout, { maxFailures: 5, windowMinutes: 15, lockMinutes: 30, maxFailuresPerDay: 10 }, 'lockout: 5 failures in 15 min lock for 30 min; 10 in 24 h until a staff unlock');
});

t.test('bad verification settings name the key', async (t) => {
  const cases: Array<[unknown, string]> = [
    [{ livenessWithoutDepth: 'allow' }, 'config config.verification.livenessWithoutDepth: expected no such key (misspelled?), received a string of 5 characters (not shown)'],
    [{ challengeFrames: 40 }, 'config config.verification.maxCapturesPerEnvelope: expected room for the selfie and challengeFrames (41), received 32'],
    [{ challengeFrameIntervalMs: 10 }, 'config config.verification.challengeFrameIntervalMs: expected an integer in 50..2000, received 10'],
    [{ matchMaxDistance: 0.5 }, 'config config.verification.matchMaxDistance: expected no such key (misspelled?), received 0.5'],
    [{ maxCaptureAttempts: 1.5 }, 'config config.verification.maxCaptureAttempts: expected an integer in 1..10, received 1.5'],
    [{ quality: { requireEyesOpen: 'true' } }, 'config config.verification.quality.requireEyesOpen: expected true or false, received "true"'],
    [{ quality: { minExposure: 0.8, maxExposure: 0.7 } }, 'config config.verification.quality.minExposure: expected a value below maxExposure (0.7), received 0.8'],
    [{ lockout: { maxFailures: 0 } }, 'config config.verification.lockout.maxFailures: expected an integer in 1..100, received 0'],
    [{ lockout: { windowMinutes: 2.5 } }, 'config config.verification.lockout.windowMinutes: expected an integer in 1..10080, received 2.5'],
    [{ lockout: { lockMinutes: '30' } }, 'config config.verification.lockout.lockMinutes: expected an integer in 1..43200, received "30"'],
    [{ lockout: { maxFailuresPerDay: 0 } }, 'config config.verification.lockout.maxFailuresPerDay: expected an integer in 1..1000, received 0'],
    [{ lockout: { maxFailuresPerDay: 3 } }, 'config config.verification.lockout.maxFailuresPerDay: expected at least maxFailures (5), received 3'],
    [{ lockout: { maxFailuresPerDay: 12.5 } }, 'config config.verification.lockout.maxFailuresPerDay: expected an integer in 1..1000, received 12.5'],
    [{ lockout: { enabled: false } }, 'config config.verification.lockout.enabled: expected no such key (misspelled?), received false'],
    [{ livenesWithoutDepth: 'allow' }, 'config config.verification.livenesWithoutDepth: expected no such key (misspelled?), received a string of 5 characters (not shown)'],
  ];
  for (const [verification, message] of cases) t.throws(() => buildConfig({ verification }), { code: 'ERR_CONFIG', message }, message);
});
