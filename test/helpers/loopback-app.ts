// What every app-level test sets up before it adds its own routes: the simulated Entra, a temp data dir
// with the SQLite repository, a KeyRing (software unless given), a loopback server that listens first
// (publicBaseUrl must name its port), the config over test defaults, Entra's keys and the token
// completer. One teardown closes it all. oidc-test-app.ts and verification-test-app.ts build on it.
import { createServer, type RequestListener, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { buildConfig, type ProofgateConfig } from '../../src/config/index.js';
import { mergeConfig } from '../../src/config/validate.js';
import type { KeyRing } from '../../src/hsm/signing-key.js';
import { SoftwareKeyRing } from '../../src/hsm/software-key-ring.js';
import { createEntraKeys, type EntraKeySource } from '../../src/oidc/entra-keys.js';
import { createVerificationCompleter, type VerificationCompleter } from '../../src/oidc/complete-verification.js';
import { openSqliteRepository, type SqliteRepository } from '../../src/store/sqlite-repository.js';
import { SimulatedEntra } from './simulated-entra.js';
import { createMetrics, type ApplianceMetrics } from '../../src/observability/metrics.js';

export interface Teardown { teardown(fn: () => unknown): void }

export interface LoopbackAppOptions {
  entra?: SimulatedEntra;
  keyRing?: KeyRing;
  /** 'served': fetch from the simulated Entra on loopback (default); 'pinned': JWKS files in the data dir. */
  entraKeys?: 'served' | 'pinned' | EntraKeySource;
  /** Config overrides merged over the test defaults. */
  config?: Record<string, unknown>;
  /** Path prefix of publicBaseUrl (e.g. "/pg"). */
  prefix?: string;
  now?: () => number;
  /** The store, opened by the test (a PostgreSQL one, say); absent: a SQLite file in the data dir. */
  repository?: SqliteRepository;
}

export interface LoopbackApp {
  /** The registry the app serves at /metrics (the completer and the verification side count into it too). */
  metrics: ApplianceMetrics;
  baseUrl: string;
  issuer: string;
  config: ProofgateConfig;
  entra: SimulatedEntra;
  repository: SqliteRepository;
  keyRing: KeyRing;
  entraKeys: EntraKeySource;
  dataDir: string;
  databaseFile: string;
  completeVerification: VerificationCompleter;
  /** Hands the listening server its request handler (the app is built after the config, which needs the port). */
  serve(handler: RequestListener): void;
  /** Verifies an id_token with jose against our published JWKS URL (not with proofgate's code). */
  verifyIdToken(token: string, opts?: { clientId?: string; atMs?: number }): Promise<{ payload: JWTPayload; header: Record<string, unknown> }>;
}

/** tempDirPrefix names the data dir, so a leaked one says which helper made it. */
export async function startLoopbackApp(t: Teardown, tempDirPrefix: string, opts: LoopbackAppOptions = {}): Promise<LoopbackApp> {
  const entra = opts.entra ?? (await SimulatedEntra.create());
  const dataDir = mkdtempSync(path.join(tmpdir(), tempDirPrefix));
  const databaseFile = path.join(dataDir, 'proofgate.sqlite');
  const repository = opts.repository ?? openSqliteRepository(databaseFile, opts.now ? { now: opts.now } : {});
  const keyRing = opts.keyRing ?? (await SoftwareKeyRing.create());
  const jwksUrls = opts.entraKeys === undefined || opts.entraKeys === 'served' ? await entra.serveJwks() : undefined;

  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await entra.close();
    repository.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const issuer = `${baseUrl}${opts.prefix ?? ''}`;

  const testDefaults = {
    server: { publicBaseUrl: issuer, dataDir },
    oidc: {
      clients: [{ clientId: entra.clientId, appId: entra.appId, tenants: [entra.tid] }],
      entraKeys: { source: opts.entraKeys === 'pinned' ? 'pinned' : 'fetch', ...(jwksUrls ? { jwksUrls } : {}) },
    },
  };
  const config = buildConfig(mergeConfig(testDefaults, opts.config ?? {}));
  const entraKeys = typeof opts.entraKeys === 'object' ? opts.entraKeys : createEntraKeys({ config: config.oidc.entraKeys, dataDir });
  const metrics = createMetrics({ processMetrics: false });
  const completeVerification = createVerificationCompleter({ config, repository, keyRing, metrics, now: opts.now });
  const jwks = createRemoteJWKSet(new URL(`${issuer}/oidc/jwks`), { cacheMaxAge: 0, cooldownDuration: 0 });

  return {
    baseUrl, issuer, config, entra, repository, keyRing, entraKeys, dataDir, databaseFile, completeVerification, metrics,
    serve(handler) {
      server.on('request', handler);
    },
    async verifyIdToken(token, { clientId = entra.clientId, atMs } = {}) {
      const { payload, protectedHeader } = await jwtVerify(token, jwks, {
        issuer, audience: clientId, algorithms: ['RS256'], ...(atMs === undefined ? {} : { currentDate: new Date(atMs) }),
      });
      return { payload, header: protectedHeader as Record<string, unknown> };
    },
  };
}
