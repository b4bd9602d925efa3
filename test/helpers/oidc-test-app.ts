// Starts the real app on loopback for OIDC tests: SQLite repository in a temp dir, a KeyRing (software
// by default, SoftHSM when a test passes one), the simulated Entra's keys (served on loopback or pinned
// as a file), and a recording VerificationUi. Flows finish through the completeVerification seam.
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { buildConfig, type ProofgateConfig } from '../../src/config/index.js';
import { mergeConfig } from '../../src/config/validate.js';
import type { KeyRing } from '../../src/hsm/signing-key.js';
import { SoftwareKeyRing } from '../../src/hsm/software-key-ring.js';
import { createEntraKeys, type EntraKeySource } from '../../src/oidc/entra-keys.js';
import { createVerificationCompleter, type VerificationCompleter } from '../../src/oidc/complete-verification.js';
import { sendFormPost } from '../../src/oidc/form-post.js';
import type { VerificationUi } from '../../src/oidc/verification-ui.js';
import { createApp, type AppDeps } from '../../src/server/app.js';
import { externalUrl } from '../../src/server/public-url.js';
import { silentLogger } from '../../src/server/log.js';
import { openSqliteRepository, type SqliteRepository } from '../../src/store/sqlite-repository.js';
import type { VerificationSession } from '../../src/store/repository.js';
import { SimulatedEntra, parseFormPost, type ParsedFormPost } from './simulated-entra.js';

interface Teardown { teardown(fn: () => unknown): void }

export interface OidcTestAppOptions {
  entra?: SimulatedEntra;
  keyRing?: KeyRing;
  /** 'served': fetch from the simulated Entra on loopback (default); 'pinned': JWKS files in the data dir. */
  entraKeys?: 'served' | 'pinned' | EntraKeySource;
  /** Config overrides merged over the test defaults. */
  config?: Record<string, unknown>;
  /** Path prefix of publicBaseUrl (e.g. "/pg"). */
  prefix?: string;
  now?: () => number;
  healthChecks?: AppDeps['healthChecks'];
  /**
   * 'record' (default): the UI records the session and shows a page; tests finish it through the seam.
   * 'auto-verify': the UI decides 'verified' at once and answers with the form_post (the benchmark's
   * round trip without the biometric step).
   */
  ui?: 'record' | 'auto-verify';
}

export interface UiStart {
  session: VerificationSession;
  /** externalUrl(req, '/verify') as the UI saw it (proxy and prefix handling). */
  verifyUrl: string;
}

export interface HttpResult {
  status: number;
  headers: Headers;
  text: string;
  formPost: ParsedFormPost | null;
}

export interface OidcTestApp {
  baseUrl: string;
  issuer: string;
  config: ProofgateConfig;
  entra: SimulatedEntra;
  repository: SqliteRepository;
  keyRing: KeyRing;
  dataDir: string;
  databaseFile: string;
  completeVerification: VerificationCompleter;
  /** Every session the UI was handed, in order. */
  uiStarts: UiStart[];
  post(pathname: string, body: string | URLSearchParams, headers?: Record<string, string>): Promise<HttpResult>;
  get(pathname: string, headers?: Record<string, string>): Promise<HttpResult>;
  /** POSTs Entra's request; returns the HTTP result and the session the UI got (if any). */
  authorize(fields: Record<string, string>): Promise<HttpResult & { session: VerificationSession | null }>;
  /** Verifies an id_token with jose against our published JWKS URL (not with proofgate's code). */
  verifyIdToken(token: string, opts?: { clientId?: string; atMs?: number }): Promise<{ payload: JWTPayload; header: Record<string, unknown> }>;
  /** Rows in every table of the SQLite file (schema bookkeeping excluded). */
  rowCounts(): Record<string, number>;
}

function startUi(starts: UiStart[], autoVerify: VerificationCompleter | null): VerificationUi {
  return {
    async start(req, res, session) {
      if (autoVerify) {
        sendFormPost(res, await autoVerify(session.sessionId, 'verified'));
        return;
      }
      starts.push({ session, verifyUrl: externalUrl(req, '/verify') });
      res.status(200).type('html').send(`<p data-session="${session.sessionId}">verification page</p>`);
    },
  };
}

export async function startOidcTestApp(t: Teardown, opts: OidcTestAppOptions = {}): Promise<OidcTestApp> {
  const entra = opts.entra ?? (await SimulatedEntra.create());
  const dataDir = mkdtempSync(path.join(tmpdir(), 'proofgate-oidc-'));
  const databaseFile = path.join(dataDir, 'proofgate.sqlite');
  const repository = openSqliteRepository(databaseFile, opts.now ? { now: opts.now } : {});
  const keyRing = opts.keyRing ?? (await SoftwareKeyRing.create());
  const jwksUrls = opts.entraKeys === undefined || opts.entraKeys === 'served' ? await entra.serveJwks() : undefined;

  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const baseUrl = `http://127.0.0.1:${port}`;
  const issuer = `${baseUrl}${opts.prefix ?? ''}`;

  const testDefaults = {
    server: { publicBaseUrl: issuer, dataDir },
    oidc: {
      clients: [{ clientId: entra.clientId, appId: entra.appId, tenants: [entra.tid] }],
      entraKeys: {
        source: opts.entraKeys === 'pinned' ? 'pinned' : 'fetch',
        ...(jwksUrls ? { jwksUrls } : {}),
      },
    },
  };
  const config = buildConfig(mergeConfig(testDefaults, opts.config ?? {}));
  const entraKeys = typeof opts.entraKeys === 'object' ? opts.entraKeys : createEntraKeys({ config: config.oidc.entraKeys, dataDir });
  const uiStarts: UiStart[] = [];
  const completeVerification = createVerificationCompleter({ config, repository, keyRing, now: opts.now });
  const app = createApp({
    config, repository, keyRing, entraKeys, verificationUi: startUi(uiStarts, opts.ui === 'auto-verify' ? completeVerification : null), log: silentLogger,
    now: opts.now, healthChecks: opts.healthChecks,
  });
  server.on('request', app);

  t.teardown(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await entra.close();
    repository.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const toResult = async (res: Response): Promise<HttpResult> => {
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, formPost: parseFormPost(text) };
  };
  const post = async (pathname: string, body: string | URLSearchParams, headers: Record<string, string> = {}) =>
    toResult(await fetch(`${baseUrl}${pathname}`, {
      method: 'POST', body, redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    }));
  const get = async (pathname: string, headers: Record<string, string> = {}) =>
    toResult(await fetch(`${baseUrl}${pathname}`, { headers, redirect: 'manual' }));
  const jwks = createRemoteJWKSet(new URL(`${issuer}/oidc/jwks`), { cacheMaxAge: 0, cooldownDuration: 0 });

  return {
    baseUrl, issuer, config, entra, repository, keyRing, dataDir, databaseFile, completeVerification, uiStarts, post, get,
    async authorize(fields) {
      const before = uiStarts.length;
      const result = await post(`${opts.prefix ?? ''}/oidc/authorize`, new URLSearchParams(fields));
      return { ...result, session: uiStarts.length > before ? uiStarts.at(-1)!.session : null };
    },
    async verifyIdToken(token, { clientId = entra.clientId, atMs }: { clientId?: string; atMs?: number } = {}) {
      const { payload, protectedHeader } = await jwtVerify(token, jwks, {
        issuer, audience: clientId, algorithms: ['RS256'], ...(atMs === undefined ? {} : { currentDate: new Date(atMs) }),
      });
      return { payload, header: protectedHeader as Record<string, unknown> };
    },
    rowCounts() {
      const db = new Database(databaseFile, { readonly: true });
      try {
        const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != 'schema_migrations'").all() as Array<{ name: string }>;
        return Object.fromEntries(tables.map(({ name }) => [name, (db.prepare(`SELECT count(*) AS n FROM "${name}"`).get() as { n: number }).n]));
      } finally {
        db.close();
      }
    },
  };
}

export { sendFormPost };
