// Configuration section "recovery": off by default with Microsoft's public-cloud endpoints; every key
// checked with a message that names it; enabled without the app registration refused at start-up.
import t from 'tap';
import { buildConfig, configDefaults } from '../../src/config/index.js';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const CLIENT = '11111111-2222-4333-8444-555555555555';
const tap = (over: Record<string, unknown>) => () => buildConfig({ recovery: { tap: over } });

t.test('defaults: disabled, public-cloud endpoints, one-hour single-use passes', async (t) => {
  t.same(buildConfig({}).recovery.tap, {
    enabled: false, tenantId: null, clientId: null, authorityBaseUrl: 'https://login.microsoftonline.com', graphBaseUrl: 'https://graph.microsoft.com/v1.0',
    keyLabel: 'graph-client', lifetimeMinutes: 60, isUsableOnce: true, timeoutMs: 10_000,
  });
  t.same(configDefaults.recovery.tap.enabled, false, 'config-defaults prints it');
});

t.test('enabled with the app registration; sovereign clouds and loopback test endpoints accepted', async (t) => {
  const c = buildConfig({ recovery: { tap: {
    enabled: true, tenantId: TENANT.toUpperCase(), clientId: CLIENT, authorityBaseUrl: 'https://login.microsoftonline.us/', graphBaseUrl: 'https://graph.microsoft.us/v1.0',
  } } }).recovery.tap;
  t.match(c, { enabled: true, tenantId: TENANT, clientId: CLIENT, authorityBaseUrl: 'https://login.microsoftonline.us', graphBaseUrl: 'https://graph.microsoft.us/v1.0' });
  t.equal(buildConfig({ recovery: { tap: { graphBaseUrl: 'http://127.0.0.1:8080/v1.0' } } }).recovery.tap.graphBaseUrl, 'http://127.0.0.1:8080/v1.0');
});

t.test('refusals name the key', async (t) => {
  t.throws(tap({ enabled: true, clientId: CLIENT }), { code: 'ERR_CONFIG', message: 'config config.recovery.tap.tenantId: expected the Entra tenant id (a GUID) when recovery.tap.enabled is true, received null' });
  t.throws(tap({ enabled: true, tenantId: TENANT }), { code: 'ERR_CONFIG', message: "config config.recovery.tap.clientId: expected the app registration's client id (a GUID) when recovery.tap.enabled is true, received null" });
  t.throws(tap({ enabled: 'true' }), { message: 'config config.recovery.tap.enabled: expected true or false, received "true"' });
  t.throws(tap({ tenantId: 'contoso.onmicrosoft.com' }), { message: 'config config.recovery.tap.tenantId: expected a GUID or null, received "contoso.onmicrosoft.com"' });
  t.throws(tap({ lifetimeMinutes: 5 }), { message: 'config config.recovery.tap.lifetimeMinutes: expected an integer in 10..43200, received 5' });
  t.throws(tap({ lifetimeMinutes: 43_201 }), { message: /^config config\.recovery\.tap\.lifetimeMinutes: expected an integer in 10\.\.43200/ });
  t.throws(tap({ timeoutMs: 0 }), { message: /^config config\.recovery\.tap\.timeoutMs: expected an integer in 100\.\.120000/ });
  t.throws(tap({ graphBaseUrl: 'http://graph.microsoft.com/v1.0' }), { message: /^config config\.recovery\.tap\.graphBaseUrl: expected an https URL without credentials, query or fragment \(plain http only to loopback\)/ });
  t.throws(tap({ authorityBaseUrl: 'https://user:pw@login.microsoftonline.com' }), { message: /^config config\.recovery\.tap\.authorityBaseUrl: expected an https URL/ });
  t.throws(tap({ authorityBaseUrl: 'login.microsoftonline.com' }), { message: 'config config.recovery.tap.authorityBaseUrl: expected an absolute https URL, received "login.microsoftonline.com"' });
  t.throws(tap({ keyLabel: '../sign/x' }), { message: /^config config\.recovery\.tap\.keyLabel: expected a string matching/ });
  t.throws(tap({ secret: 'x' }), { message: 'config config.recovery.tap.secret: expected no such key (misspelled?), received a string of 1 character (not shown)' });
  t.throws(() => buildConfig({ recovery: { enable: true } }), { message: 'config config.recovery.enable: expected no such key (misspelled?), received true' });
});
