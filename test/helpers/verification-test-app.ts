// The real app with the real verification side on loopback: SQLite in a temp dir, evidence encrypted
// under a data key wrapped by a software wrapper (or the HSM's, when a test passes one), a KeyRing
// (software unless given), the simulated Entra's keys served on loopback, and the face analyzer the
// test chooses (the real engine for flow tests). Sessions are opened through POST /oidc/authorize.
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { buildConfig, type ProofgateConfig } from '../../src/config/index.js';
import { mergeConfig } from '../../src/config/validate.js';
import type { DataKeyWrapper, KeyRing } from '../../src/hsm/signing-key.js';
import { SoftwareKeyRing } from '../../src/hsm/software-key-ring.js';
import { createEntraKeys } from '../../src/oidc/entra-keys.js';
import { createVerificationCompleter, type VerificationCompleter } from '../../src/oidc/complete-verification.js';
import { createApp } from '../../src/server/app.js';
import { silentLogger } from '../../src/server/log.js';
import { EvidenceCipher } from '../../src/store/evidence-cipher.js';
import { openSqliteRepository, type SqliteRepository } from '../../src/store/sqlite-repository.js';
import type { VerificationSession } from '../../src/store/repository.js';
import { createVerification, type Verification } from '../../src/verification/create-verification.js';
import type { FaceAnalyzer } from '../../src/verification/ports.js';
import { SimulatedEntra } from './simulated-entra.js';
import { SoftwareDataKeyWrapper } from './software-data-key-wrapper.js';

interface Teardown { teardown(fn: () => unknown): void }

export interface VerificationTestAppOptions {
  faceEngine: FaceAnalyzer;
  keyRing?: KeyRing;
  dataKeyWrapper?: DataKeyWrapper;
  config?: Record<string, unknown>;
  prefix?: string;
  /** Wraps the completer (e.g. to simulate an HSM outage during signing). */
  wrapCompleter?: (c: VerificationCompleter) => VerificationCompleter;
  now?: () => number;
}

export interface OpenedSession {
  status: number;
  headers: Headers;
  html: string;
  session: VerificationSession;
  captureUrl: string;
  cancelUrl: string;
  /** The Entra request fields that opened it (nonce, state). */
  request: Record<string, string>;
}

export interface VerificationTestApp {
  baseUrl: string;
  issuer: string;
  config: ProofgateConfig;
  entra: SimulatedEntra;
  repository: SqliteRepository;
  evidence: EvidenceCipher;
  keyRing: KeyRing;
  verification: Verification;
  /** POSTs a fresh Entra request (overrides merged into the fields) and reads the page it answers with. */
  openSession(fields?: Record<string, string | null>): Promise<OpenedSession>;
  verifyIdToken(token: string): Promise<JWTPayload>;
}

export async function startVerificationTestApp(t: Teardown, opts: VerificationTestAppOptions): Promise<VerificationTestApp> {
  const entra = await SimulatedEntra.create();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'proofgate-verify-'));
  const repository = openSqliteRepository(path.join(dataDir, 'proofgate.sqlite'), opts.now ? { now: opts.now } : {});
  const keyRing = opts.keyRing ?? (await SoftwareKeyRing.create());
  const evidence = new EvidenceCipher(repository, opts.dataKeyWrapper ?? new SoftwareDataKeyWrapper(), opts.now ? { now: opts.now } : {});
  await evidence.ready();
  const jwksUrls = await entra.serveJwks();

  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const issuer = `${baseUrl}${opts.prefix ?? ''}`;
  const config = buildConfig(mergeConfig({
    server: { publicBaseUrl: issuer, dataDir },
    oidc: { clients: [{ clientId: entra.clientId, appId: entra.appId, tenants: [entra.tid] }], entraKeys: { source: 'fetch', jwksUrls } },
  }, opts.config ?? {}));
  const entraKeys = createEntraKeys({ config: config.oidc.entraKeys, dataDir });
  const completer = createVerificationCompleter({ config, repository, keyRing, now: opts.now });
  const verification = createVerification({
    config, repository, faceEngine: opts.faceEngine, evidence,
    completeVerification: opts.wrapCompleter ? opts.wrapCompleter(completer) : completer, now: opts.now,
  });
  const app = createApp({
    config, repository, keyRing, entraKeys, verificationUi: verification.ui, log: silentLogger, now: opts.now,
    routers: [{ path: '/', router: verification.router }],
  });
  server.on('request', app);

  t.teardown(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await entra.close();
    repository.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const jwks = createRemoteJWKSet(new URL(`${issuer}/oidc/jwks`), { cacheMaxAge: 0, cooldownDuration: 0 });
  return {
    baseUrl, issuer, config, entra, repository, evidence, keyRing, verification,
    async openSession(fields = {}) {
      const request = await entra.request({ fields });
      const res = await fetch(`${issuer}/oidc/authorize`, {
        method: 'POST', body: new URLSearchParams(request), redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      const html = await res.text();
      const cancel = /action="([^"]*\/verify\/([^/"]+)\/cancel)"/.exec(html);
      if (!cancel) throw new Error(`no verification page (HTTP ${res.status}): ${html.slice(0, 300)}`);
      const session = repository.getSession(cancel[2]);
      if (!session) throw new Error(`session ${cancel[2]} not stored`);
      return { status: res.status, headers: res.headers, html, session, captureUrl: cancel[1].replace(/\/cancel$/, '/capture'), cancelUrl: cancel[1], request };
    },
    async verifyIdToken(token) {
      const { payload } = await jwtVerify(token, jwks, { issuer, audience: entra.clientId, algorithms: ['RS256'] });
      return payload;
    },
  };
}
