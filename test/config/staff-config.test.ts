// Configuration section "staff": the relying party derived from server.publicBaseUrl, explicit values
// checked against it, and the bounds on lifetimes and limits (messages name the key).
import t from 'tap';
import { buildConfig, configDefaults } from '../../src/config/index.js';

t.test('defaults: the relying party is the public URL\'s host and origin; sessions 15 min idle, 8 h absolute', async (t) => {
  const c = buildConfig({ server: { publicBaseUrl: 'https://verify.example.org/pg' } }).staff;
  t.match(c, { rpId: 'verify.example.org', origin: 'https://verify.example.org', rpName: 'proofgate', registrationLinkTtlSeconds: 86400, userVerification: 'required', session: { idleSeconds: 900, absoluteSeconds: 28800 } });
  t.equal(configDefaults.staff.registrationLinkTtlSeconds, 24 * 3600);
  t.equal(buildConfig({}).staff.rpId, null, 'the loopback IP default: staff sign-in unavailable, not a start-up failure');
  t.match(buildConfig({ server: { publicBaseUrl: 'https://id.example.org' }, staff: { rpId: 'example.org' } }).staff, { rpId: 'example.org', origin: 'https://id.example.org' }, 'a parent domain');
});

t.test('refusals name the key', async (t) => {
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ staff: { rpId: '10.0.0.1' } }, /config\.staff\.rpId: expected a domain name/],
    [{ staff: { rpId: 'other.example' }, server: { publicBaseUrl: 'https://verify.example.org' } }, /config\.staff\.origin: expected an origin on other\.example/],
    [{ staff: { origin: 'https://verify.example.org/path' } }, /config\.staff\.origin/],
    [{ staff: { registrationLinkTtlSeconds: 8 * 24 * 3600 } }, /config\.staff\.registrationLinkTtlSeconds: expected an integer in 300\.\.604800/],
    [{ staff: { userVerification: 'preferred' } }, /config\.staff\.userVerification: expected one of required/],
    [{ staff: { session: { idleSeconds: 3600, absoluteSeconds: 1800 } } }, /config\.staff\.session\.absoluteSeconds: expected at least session\.idleSeconds/],
    [{ staff: { session: { idle: 5 } } }, /config\.staff\.session\.idle: expected no such key/],
    [{ staff: { signIn: { maxAttemptsPerWindow: 0 } } }, /config\.staff\.signIn\.maxAttemptsPerWindow/],
  ];
  for (const [over, message] of cases) t.throws(() => buildConfig({ server: { publicBaseUrl: 'https://verify.example.org' }, ...over }), { code: 'ERR_CONFIG', message }, String(message));
});
