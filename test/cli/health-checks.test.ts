// /health on the real appliance says what an operator needs to act on before verifications fail: disk
// space under the data directory, a store that commits a write, and Entra keys that are current.
import t from 'tap';
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildConfig } from '../../src/config/index.js';
import { initHsm } from '../../src/hsm/init-token.js';
import { startAppliance } from '../../src/cli/start-appliance.js';
import { silentLogger } from '../../src/core/log.js';
import { storeWriteHealth } from '../../src/store/store-health.js';
import { embeddedTokenDataDir } from '../helpers/softhsm.js';
import { tempRepository } from '../helpers/temp-store.js';

type Health = { status: string; checks: Record<string, { ok: boolean; detail?: string }> };

const dataDir = embeddedTokenDataDir(t, 'proofgate-health-');
const DAY_MS = 86_400_000;

async function healthOf(t: Tap, overrides: Record<string, Record<string, unknown>>): Promise<{ status: number; body: Health }> {
  const config = buildConfig({
    ...overrides,
    server: { dataDir, port: 0, publicBaseUrl: 'http://127.0.0.1:8443', ...overrides.server },
    hsm: { tokenLabel: 'health-test' },
    biometrics: { manifest: path.join(dataDir, 'no-such-manifest.json') },
  });
  await initHsm(config.hsm, dataDir);
  const appliance = await startAppliance(config, silentLogger);
  t.teardown(() => appliance.close());
  const res = await fetch(`${appliance.listenUrl}/health`);
  return { status: res.status, body: (await res.json()) as Health };
}
type Tap = { teardown(fn: () => unknown): void };

/** Writes a pinned JWKS for the public cloud, last modified `ageDays` ago. */
function pinPublicJwks(ageDays: number): void {
  const file = path.join(dataDir, 'entra-jwks', 'public.json');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify({ keys: [] }));
  const at = new Date(Date.now() - ageDays * DAY_MS);
  utimesSync(file, at, at);
}

t.test('a healthy data directory: disk, store and Entra keys report ok (the face engine is not built here)', async (t) => {
  const { body } = await healthOf(t, {});
  t.match(body.checks.disk, { ok: true, detail: /^\d+ MiB free$/ });
  t.same(body.checks.store, { ok: true, detail: 'writable' });
  t.same(body.checks.entraKeys, { ok: true, detail: 'fetched on first use' });
});

t.test('less free space than server.minFreeDiskMiB is degraded, naming the key', async (t) => {
  const { status, body } = await healthOf(t, { server: { minFreeDiskMiB: 1024 * 1024 } });
  t.equal(status, 503);
  t.equal(body.status, 'degraded');
  t.match(body.checks.disk, { ok: false, detail: /^\d+ MiB free, below server\.minFreeDiskMiB \(1048576\)$/ });
});

t.test('pinned Entra keys: none imported, stale and fresh', async (t) => {
  const pinned = { oidc: { entraKeys: { source: 'pinned' } } };
  t.same((await healthOf(t, pinned)).body.checks.entraKeys,
    { ok: false, detail: 'no pinned Entra JWKS (import one with "proofgate import-entra-jwks")' });
  pinPublicJwks(31);
  const stale = await healthOf(t, pinned);
  t.equal(stale.status, 503);
  t.same(stale.body.checks.entraKeys, { ok: false, detail: 'pinned JWKS older than 30 days: public (re-import)' });
  pinPublicJwks(2);
  t.same((await healthOf(t, pinned)).body.checks.entraKeys, { ok: true, detail: 'pinned: public' });
});

t.test('a store that cannot commit a write is reported by its code, not as ok', async (t) => {
  const { repo } = tempRepository(t);
  t.same(storeWriteHealth(repo, Date.now()), { ok: true, detail: 'writable' });
  for (let i = 0; i < 5; i += 1) storeWriteHealth(repo, Date.now() - 1);
  const rows = repo.database.prepare('SELECT count(*) AS n FROM one_time_values').get() as { n: number };
  t.equal(rows.n, 1, 'probes replace one row; they never pile up');
  repo.close();
  t.match(storeWriteHealth(repo, Date.now()), { ok: false, detail: /^not writable \(/ });
});
