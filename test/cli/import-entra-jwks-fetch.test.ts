// `proofgate import-entra-jwks --fetch`: what the daily timer (appliance/systemd/proofgate-entra-keys.*)
// runs on a pinned-keys site. It downloads the configured cloud's JWKS from a real HTTP server on
// loopback, pins it where the pinned key source reads it, and a failed or refused download leaves the
// pinned file exactly as it was (so /health's age alarm keeps counting).
import t from 'tap';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildConfig } from '../../src/config/index.js';
import { createEntraKeys } from '../../src/oidc/entra-keys.js';
import { fetchAndPinEntraJwks, runImportEntraJwks } from '../../src/cli/commands/import-entra-jwks.js';
import { SimulatedEntra } from '../helpers/simulated-entra.js';

t.test('--fetch downloads the configured cloud JWKS and pins it; the pinned source then validates with it', async (t) => {
  const entra = await SimulatedEntra.create();
  t.teardown(() => entra.close());
  const urls = await entra.serveJwks();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'proofgate-jwks-fetch-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const config = buildConfig({ server: { dataDir }, oidc: { entraKeys: { source: 'pinned', jwksUrls: urls } } });

  const pinned = await fetchAndPinEntraJwks({ config, cloud: 'usgov' });
  t.equal(entra.jwksRequests.usgov, 1, 'one download of the usgov URL');
  t.equal(entra.jwksRequests.public, 0, 'no other cloud asked');
  t.equal(pinned.path, path.join(dataDir, 'entra-jwks', 'usgov.json'));
  t.same(pinned.kids, entra.jwks('usgov').keys.map((k) => k.kid));
  const keys = createEntraKeys({ config: config.oidc.entraKeys, dataDir });
  t.ok(await keys.verificationKey('usgov', pinned.kids[0]), 'the pinned source holds the fetched key');
  t.same(keys.freshness(), { ok: true, detail: 'pinned: usgov' });

  // A rotation at Entra arrives with the next daily run.
  const rotated = await entra.addKey('public');
  const pub = await fetchAndPinEntraJwks({ config });
  t.ok(pub.kids.includes(rotated), 'the default cloud is public and the new key is pinned');
  t.ok(await keys.verificationKey('public', rotated), 'picked up without a restart');
});

t.test('a failed or refused download changes nothing: the old pinned file and its age stay', async (t) => {
  const entra = await SimulatedEntra.create();
  const behaviour = { mode: 'ok' as 'ok' | '500' | 'html' | 'ec' | 'redirect' | 'hang' };
  const server = createServer((_req, res) => {
    if (behaviour.mode === 'hang') return;
    if (behaviour.mode === '500') res.writeHead(500).end('down');
    else if (behaviour.mode === 'html') res.writeHead(200).end('<html>');
    else if (behaviour.mode === 'ec') res.writeHead(200).end(JSON.stringify({ keys: [{ kty: 'EC', kid: 'x', crv: 'P-256', x: 'AA', y: 'AA' }] }));
    else if (behaviour.mode === 'redirect') res.writeHead(302, { location: 'http://127.0.0.1:9/elsewhere' }).end();
    else res.writeHead(200).end(JSON.stringify(entra.jwks('public')));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => { server.closeAllConnections(); server.close(); });
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/keys`;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'proofgate-jwks-fetch-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const config = buildConfig({
    server: { dataDir },
    oidc: { entraKeys: { source: 'pinned', fetchTimeoutMs: 300, pinnedMaxAgeDays: 30, jwksUrls: { public: url, usgov: url, china: url } } },
  });

  const first = await fetchAndPinEntraJwks({ config });
  const old = Date.now() / 1000 - 31 * 86_400;
  utimesSync(first.path, old, old); // the last good import was 31 days ago
  const before = readFileSync(first.path, 'utf8');
  const keys = createEntraKeys({ config: config.oidc.entraKeys, dataDir });
  for (const [mode, message] of [['500', /HTTP 500/], ['html', /not JSON/], ['ec', /kty must be "RSA"/], ['redirect', /could not be fetched/], ['hang', /could not be fetched/]] as const) {
    behaviour.mode = mode;
    await t.rejects(fetchAndPinEntraJwks({ config }), { message }, mode);
    t.equal(readFileSync(first.path, 'utf8'), before, `${mode}: pinned file unchanged`);
    t.ok(Math.abs(statSync(first.path).mtimeMs / 1000 - old) < 1, `${mode}: its age unchanged`);
  }
  t.same(keys.freshness(), { ok: false, detail: 'pinned JWKS older than 30 days: public (re-import)' }, '/health still raises the alarm');
  behaviour.mode = 'ok';
  await fetchAndPinEntraJwks({ config });
  t.same(keys.freshness(), { ok: true, detail: 'pinned: public' }, 'a good run clears it');
});

t.test('argv: FILE or --fetch, exactly one; a bad cloud is refused', async (t) => {
  const errors: string[] = [];
  const realError = console.error;
  console.error = (...a: unknown[]) => { errors.push(a.join(' ')); };
  t.teardown(() => { console.error = realError; });
  t.equal(await runImportEntraJwks([]), 2, 'neither');
  t.equal(await runImportEntraJwks(['keys.json', '--fetch']), 2, 'both');
  t.equal(await runImportEntraJwks(['--fetch', '--cloud']), 2, '--cloud without a value');
  t.match(errors[0], /usage: proofgate import-entra-jwks FILE\|--fetch/);
  await t.rejects(runImportEntraJwks(['--fetch', '--cloud', 'mars']), { message: /unknown Entra cloud "mars"/ });
});
