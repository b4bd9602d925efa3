// GET /metrics through the real app: answered in Prometheus text format to the allow-listed client
// addresses only (server.metricsAllowFrom), the address being the one resolved through
// server.trustedProxies; everyone else gets the same 404 as a page that does not exist. Counters move
// with real requests (an authorize refusal, an accepted authorize).
import t from 'tap';
import { startOidcTestApp, type OidcTestApp } from '../helpers/oidc-test-app.js';
import { parsePrometheusText, sampleValue } from '../helpers/prometheus-text.js';
import express from 'express';
import { mkdirSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { buildConfig } from '../../src/config/index.js';
import { pinnedJwksPath } from '../../src/oidc/entra-keys.js';
import { ProofgateError } from '../../src/core/errors.js';

async function scrape(app: OidcTestApp, headers: Record<string, string> = {}) {
  const res = await app.get('/metrics', headers);
  return { ...res, parsed: res.status === 200 ? parsePrometheusText(res.text) : null };
}

/** What the app answers for a path that does not exist, with the path's own words taken out. */
async function notFoundShape(app: OidcTestApp, path: string, headers: Record<string, string> = {}) {
  const res = await app.get(path, headers);
  return { status: res.status, contentType: res.headers.get('content-type'), body: res.text.replace(path, '<path>') };
}

t.test('loopback scrapes: Prometheus text format, proofgate_ names, process metrics with the prefix', async (t) => {
  const app = await startOidcTestApp(t);
  const res = await scrape(app);
  t.equal(res.status, 200);
  t.match(res.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
  t.equal(res.headers.get('cache-control'), 'no-store');
  const { samples, types } = res.parsed!;
  for (const [name, type] of [
    ['proofgate_decisions_total', 'counter'], ['proofgate_authorize_accepted_total', 'counter'], ['proofgate_authorize_refusals_total', 'counter'],
    ['proofgate_capture_refusals_total', 'counter'], ['proofgate_hsm_failures_total', 'counter'], ['proofgate_http_503_responses_total', 'counter'],
    ['proofgate_stage_duration_seconds', 'histogram'], ['proofgate_audit_unsealed_records', 'gauge'], ['proofgate_entra_keys_fresh', 'gauge'],
  ]) t.equal(types.get(name), type, `${name} is a ${type}`);
  t.ok([...types.keys()].every((n) => n.startsWith('proofgate_')), 'every metric carries the prefix');
  t.equal(sampleValue(samples, 'proofgate_audit_unsealed_records'), 0, 'an empty trail has nothing unsealed');
  t.notOk(types.has('proofgate_audit_feed_lag_records'), 'no feed-lag gauge with the feed off (it would read 0: "nothing behind")');
});

t.test('a degraded /health answers its probes 503 without counting them as users refused; a 503 to a user is counted', async (t) => {
  const router = express.Router();
  router.get('/hsm', () => { throw new ProofgateError('ERR_HSM_UNAVAILABLE', 'HSM unavailable: token removed', { status: 503 }); });
  const app = await startOidcTestApp(t, {
    healthChecks: { auditFeed: () => ({ ok: false, detail: 'syslog receiver refused' }) },
    routers: [{ path: '/t', router }],
  });
  const unavailable = async () => sampleValue((await scrape(app)).parsed!.samples, 'proofgate_http_503_responses_total');
  for (let i = 0; i < 3; i += 1) t.equal((await app.get('/health')).status, 503, `probe ${i + 1}: degraded`);
  t.equal(await unavailable(), 0, 'probes of a degraded /health are not counted');
  t.equal((await app.get('/t/hsm')).status, 503);
  t.equal(await unavailable(), 1, 'the user\'s 503 is counted');
});

t.test('the appliance\'s registry (createMetrics()) carries the process metrics, prefixed', async (t) => {
  const { createMetrics } = await import('../../src/observability/metrics.js');
  const text = await createMetrics().registry.metrics();
  const { types } = parsePrometheusText(text);
  t.ok(types.has('proofgate_process_cpu_user_seconds_total'), 'process CPU time');
  t.ok(types.has('proofgate_nodejs_eventloop_lag_seconds'), 'event-loop lag');
});

t.test('counters move after a real authorize refusal and a real accepted authorize', async (t) => {
  const app = await startOidcTestApp(t);
  const forged = await app.entra.request({ hint: await app.entra.mintHint({ tamperPayload: true }) });
  const refused = await app.authorize(forged);
  t.equal(refused.formPost?.fields.error, 'access_denied');
  const accepted = await app.authorize(await app.entra.request());
  t.ok(accepted.session, 'a session opened');
  const noRedirect = await app.authorize({ ...(await app.entra.request()), redirect_uri: 'https://attacker.example/cb' });
  t.equal(noRedirect.status, 400, 'refused with an error page before redirect_uri is known');

  const { samples } = (await scrape(app)).parsed!;
  t.equal(sampleValue(samples, 'proofgate_authorize_refusals_total', { code: 'ERR_INVALID_HINT' }), 1);
  t.equal(sampleValue(samples, 'proofgate_authorize_refusals_total', { code: 'ERR_INVALID_REQUEST' }), 1, 'a refusal before redirect_uri is counted too');
  t.equal(sampleValue(samples, 'proofgate_authorize_accepted_total'), 1);
  t.equal(sampleValue(samples, 'proofgate_stage_duration_seconds_count', { stage: 'authorize' }), 3, 'every authorize request is timed');
});

t.test('behind a trusted proxy: the forwarded client address decides', async (t) => {
  const app = await startOidcTestApp(t, { config: { server: { trustedProxies: ['127.0.0.1'] } } });
  t.equal((await scrape(app)).status, 200, 'the proxy host itself (no X-Forwarded-For) may scrape');
  t.equal((await scrape(app, { 'x-forwarded-for': '::1' })).status, 200, 'a loopback client forwarded by the proxy may scrape');

  const publicClient = await notFoundShape(app, '/metrics', { 'x-forwarded-for': '203.0.113.7', accept: 'application/json' });
  const nothingThere = await notFoundShape(app, '/no-such-page', { 'x-forwarded-for': '203.0.113.7', accept: 'application/json' });
  t.equal(publicClient.status, 404, 'a public client behind nginx is refused although nginx connects from loopback');
  t.same(publicClient, nothingThere, 'the refusal is the ordinary 404: the endpoint is not revealed');

  const spoofed = await scrape(app, { 'x-forwarded-for': '127.0.0.1, 203.0.113.7' });
  t.equal(spoofed.status, 404, 'a loopback address the client wrote in front of its own is not believed');
});

t.test('an untrusted peer\'s X-Forwarded-For claiming an allowed address does not help', async (t) => {
  // The test client connects from 127.0.0.1; only ::1 is allowed, and nobody is a trusted proxy.
  const app = await startOidcTestApp(t, { config: { server: { metricsAllowFrom: ['::1'] } } });
  t.equal((await scrape(app, { 'x-forwarded-for': '::1' })).status, 404, 'the forwarded header of an untrusted peer is ignored');
  t.equal((await scrape(app, { 'x-forwarded-for': '::1', forwarded: 'for="[::1]"' })).status, 404);
});

t.test('CIDR blocks; an empty list answers nobody', async (t) => {
  const cidr = await startOidcTestApp(t, { config: { server: { metricsAllowFrom: ['10.0.0.0/8', '127.0.0.0/8'] } } });
  t.equal((await scrape(cidr)).status, 200, '127.0.0.1 is in 127.0.0.0/8');
  const outside = await startOidcTestApp(t, { config: { server: { metricsAllowFrom: ['10.0.0.0/8'] } } });
  t.equal((await scrape(outside)).status, 404);
  const nobody = await startOidcTestApp(t, { config: { server: { metricsAllowFrom: [] } } });
  t.equal((await scrape(nobody)).status, 404);
});

t.test('server.metricsAllowFrom is validated at start-up, naming the key', async (t) => {
  for (const bad of ['localhost', '10.0.0.0/33', '::1/129', '1.2.3.4/8/1', '10.0.0.0/-1', '']) {
    t.throws(() => buildConfig({ server: { metricsAllowFrom: [bad] } }), {
      code: 'ERR_CONFIG', message: /^config config\.server\.metricsAllowFrom: expected IP addresses or CIDR blocks/,
    }, JSON.stringify(bad));
  }
  t.throws(() => buildConfig({ server: { metricsAllowFrom: '127.0.0.1' } }), { code: 'ERR_CONFIG', message: /^config config\.server\.metricsAllowFrom: expected an array of strings/ });
  t.same(buildConfig({}).server.metricsAllowFrom, ['127.0.0.1', '::1'], 'default: loopback only');
  t.same(buildConfig({ server: { metricsAllowFrom: ['fd00::/8', '192.0.2.10'] } }).server.metricsAllowFrom, ['fd00::/8', '192.0.2.10']);
});

t.test('proofgate_entra_keys_fresh follows the keys /health judges: pinned and current, then stale', async (t) => {
  const app = await startOidcTestApp(t, { entraKeys: 'pinned' });
  const file = pinnedJwksPath(app.config.oidc.entraKeys, app.dataDir, 'public');
  t.equal(sampleValue((await scrape(app)).parsed!.samples, 'proofgate_entra_keys_fresh'), 0, 'no pinned JWKS yet');
  mkdirSync(path.dirname(file), { recursive: true });
  app.entra.writeJwksFile(file);
  t.equal(sampleValue((await scrape(app)).parsed!.samples, 'proofgate_entra_keys_fresh'), 1, 'a freshly imported JWKS');
  const old = new Date(Date.now() - (app.config.oidc.entraKeys.pinnedMaxAgeDays + 1) * 86_400_000);
  utimesSync(file, old, old);
  t.equal(sampleValue((await scrape(app)).parsed!.samples, 'proofgate_entra_keys_fresh'), 0, 'older than oidc.entraKeys.pinnedMaxAgeDays');
});
