// Entra's signing keys: fetched per cloud (cached, refresh on unknown kid with a rate limit, timeout)
// or pinned from a file imported by the CLI function, in which case nothing is fetched at all.
import t from 'tap';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildConfig } from '../../src/config/index.js';
import { createEntraKeys } from '../../src/oidc/entra-keys.js';
import { importEntraJwksCommand } from '../../src/cli/commands/import-entra-jwks.js';
import { SimulatedEntra } from '../helpers/simulated-entra.js';
import { startOidcTestApp } from '../helpers/oidc-test-app.js';

function tempDir(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'proofgate-entra-keys-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

t.test('fetched keys are cached; an unknown kid refreshes at most once per interval', async (t) => {
  const entra = await SimulatedEntra.create();
  t.teardown(() => entra.close());
  const urls = await entra.serveJwks();
  let clock = Date.now();
  const config = buildConfig({ oidc: { entraKeys: { jwksUrls: urls, refreshMinIntervalSeconds: 300, cacheSeconds: 3600 } } }).oidc.entraKeys;
  const keys = createEntraKeys({ config, dataDir: tempDir(t), now: () => clock });
  const kid = entra.jwks('public').keys[0].kid as string;

  t.ok(await keys.verificationKey('public', kid), 'known kid');
  t.ok(await keys.verificationKey('public', kid), 'again');
  t.equal(entra.jwksRequests.public, 1, 'fetched once, then cached');
  t.equal(await keys.verificationKey('public', 'nope'), null, 'unknown kid → null');
  t.equal(entra.jwksRequests.public, 1, 'no refresh inside the interval');
  const rotated = await entra.addKey('public');
  t.equal(await keys.verificationKey('public', rotated), null, 'rotated kid not seen yet (rate limit)');
  clock += 301_000;
  t.ok(await keys.verificationKey('public', rotated), 'after the interval, an unknown kid triggers a refresh');
  t.equal(entra.jwksRequests.public, 2);
  await Promise.all(Array.from({ length: 20 }, () => keys.verificationKey('public', 'flood')));
  t.equal(entra.jwksRequests.public, 2, 'a flood of unknown kids does not fan out');
  clock += 3601_000;
  t.ok(await keys.verificationKey('public', kid));
  t.equal(entra.jwksRequests.public, 3, 'cache expiry refetches');
  t.ok(await keys.verificationKey('usgov', entra.jwks('usgov').keys[0].kid as string), 'each cloud has its own set');
  t.equal(entra.jwksRequests.usgov, 1);
  t.equal(await keys.verificationKey('usgov', kid), null, 'a public-cloud kid is unknown to usgov');
});

t.test('fetch failures: timeout, HTTP error, not JSON, not a JWKS → ERR_ENTRA_KEYS_UNAVAILABLE; stale keys keep working', async (t) => {
  const behaviour = { mode: 'hang' as 'hang' | '500' | 'html' | 'bad-jwks' | 'ok' };
  const entra = await SimulatedEntra.create();
  const server = createServer((_req, res) => {
    if (behaviour.mode === 'hang') return; // never answers
    if (behaviour.mode === '500') res.writeHead(500).end('down');
    else if (behaviour.mode === 'html') res.writeHead(200).end('<html>');
    else if (behaviour.mode === 'bad-jwks') res.writeHead(200).end(JSON.stringify({ keys: [{ kty: 'EC', kid: 'x' }] }));
    else res.writeHead(200).end(JSON.stringify(entra.jwks('public')));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => { server.closeAllConnections(); server.close(); });
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/keys`;
  let clock = Date.now();
  const config = buildConfig({ oidc: { entraKeys: { jwksUrls: { public: url, usgov: url, china: url }, fetchTimeoutMs: 300, refreshMinIntervalSeconds: 0, cacheSeconds: 60 } } }).oidc.entraKeys;
  const keys = createEntraKeys({ config, dataDir: tempDir(t), now: () => clock });
  const kid = entra.jwks('public').keys[0].kid as string;

  t.same(keys.freshness(), { ok: true, detail: 'fetched on first use' }, 'nothing asked for yet: fine');
  const started = Date.now();
  await t.rejects(keys.verificationKey('public', kid), { code: 'ERR_ENTRA_KEYS_UNAVAILABLE', status: 503, message: /could not be fetched/ });
  t.same(keys.freshness(), { ok: false, detail: 'download failing, keys missing or stale: public' }, '/health: no keys and the download fails');
  t.ok(Date.now() - started < 2000, 'the timeout bounds a hanging JWKS endpoint');
  for (const [mode, message] of [['500', /HTTP 500/], ['html', /not JSON/], ['bad-jwks', /kty must be "RSA"/]] as const) {
    behaviour.mode = mode;
    clock += 20_000;
    await t.rejects(keys.verificationKey('public', kid), { code: 'ERR_ENTRA_KEYS_UNAVAILABLE', message }, mode);
  }
  behaviour.mode = 'ok';
  clock += 20_000;
  t.ok(await keys.verificationKey('public', kid), 'recovers');
  t.same(keys.freshness(), { ok: true, detail: 'fetched: public' });
  behaviour.mode = '500';
  clock += 61_000;
  t.ok(await keys.verificationKey('public', kid), 'cache expired and refresh failed: the stale keys are still used');
  t.same(keys.freshness(), { ok: false, detail: 'download failing, keys missing or stale: public' }, '/health: serving keys past cacheSeconds');
});

t.test('importEntraJwksCommand validates and pins a JWKS; pinned keys validate hints with no fetch at all', async (t) => {
  const entra = await SimulatedEntra.create();
  const dataDir = tempDir(t);
  const config = buildConfig({ server: { dataDir } });
  const source = entra.writeJwksFile(path.join(dataDir, 'downloaded.json'), 'public');

  const imported = await importEntraJwksCommand(source, { config });
  t.equal(imported.path, path.join(dataDir, 'entra-jwks', 'public.json'));
  t.same(imported.kids, entra.jwks('public').keys.map((k) => k.kid));
  t.same(JSON.parse(readFileSync(imported.path, 'utf8')).keys.map((k: { kid: string }) => k.kid), imported.kids);
  const us = await importEntraJwksCommand(entra.writeJwksFile(path.join(dataDir, 'us.json'), 'usgov'), { config, cloud: 'usgov' });
  t.equal(us.path, path.join(dataDir, 'entra-jwks', 'usgov.json'));

  const bad: Array<[string, string, RegExp]> = [
    ['not json', '{', /not a readable JSON file/],
    ['no keys array', '{"foo":1}', /not a JWKS/],
    ['EC key', JSON.stringify({ keys: [{ kty: 'EC', kid: 'a', crv: 'P-256', x: 'AA', y: 'AA' }] }), /kty must be "RSA"/],
    ['no kid', JSON.stringify({ keys: [{ ...entra.jwks().keys[0], kid: undefined }] }), /kid missing/],
    ['private key', JSON.stringify({ keys: [{ ...entra.jwks().keys[0], d: 'AAAA' }] }), /private key material/],
    ['short modulus', JSON.stringify({ keys: [{ kty: 'RSA', kid: 'k', n: 'AQAB', e: 'AQAB' }] }), /shorter than 2048 bits/],
    ['only encryption keys', JSON.stringify({ keys: [{ ...entra.jwks().keys[0], use: 'enc' }] }), /no RSA signing keys/],
  ];
  for (const [name, content, message] of bad) {
    const file = path.join(dataDir, `${name}.json`);
    writeFileSync(file, content);
    await t.rejects(importEntraJwksCommand(file, { config, cloud: 'china' }), { code: /ERR_ENTRA_JWKS_INVALID/, message }, name);
  }
  t.notOk(existsSync(path.join(dataDir, 'entra-jwks', 'china.json')), 'a refused file is never pinned');
  await t.rejects(importEntraJwksCommand(source, { config, cloud: 'mars' as 'public' }), { message: /unknown Entra cloud/ });

  // The app with source "pinned": unreachable JWKS URLs, and a fetch that fails the test if called.
  const realFetch = globalThis.fetch;
  let outbound = 0;
  globalThis.fetch = ((input: string | URL | Request, init?: RequestInit) => {
    const url = String(input instanceof Request ? input.url : input);
    if (!url.startsWith('http://127.0.0.1') || url.includes(':9/')) outbound += 1;
    return realFetch(input, init);
  }) as typeof fetch;
  t.teardown(() => { globalThis.fetch = realFetch; });
  const app = await startOidcTestApp(t, {
    entra,
    entraKeys: 'pinned',
    config: { oidc: { entraKeys: { jwksUrls: { public: 'http://127.0.0.1:9/keys', usgov: 'http://127.0.0.1:9/keys', china: 'http://127.0.0.1:9/keys' } } } },
  });
  await importEntraJwksCommand(source, { config: app.config });
  const res = await app.authorize(await app.entra.request());
  t.ok(res.session, 'hint validated against the pinned keys');
  const bad2 = await app.authorize(await app.entra.request({ hint: await entra.mintHint({ kid: 'not-pinned' }) }));
  t.match(bad2.formPost?.fields.error_description, /kid is not a public Entra signing key/);
  const china = await app.authorize(await app.entra.request({ cloud: 'china' }));
  t.equal(china.formPost?.fields.error, 'temporarily_unavailable', 'a cloud without a pinned file is unavailable');
  t.match(china.formPost?.fields.error_description, /no pinned Entra JWKS for the china cloud/);
  t.equal(outbound, 0, 'no outbound fetch was attempted');
  t.equal(entra.jwksRequests.public + entra.jwksRequests.usgov + entra.jwksRequests.china, 0, 'the simulated Entra JWKS was never asked');

  // A re-import (Entra rotated) is picked up without a restart.
  const newKid = await entra.addKey('public');
  await importEntraJwksCommand(entra.writeJwksFile(path.join(dataDir, 'rotated.json')), { config: app.config });
  const rotated = await app.authorize(await app.entra.request({ hint: await entra.mintHint() }));
  t.ok(rotated.session, `a hint signed with the newly pinned key ${newKid} is accepted`);
});
