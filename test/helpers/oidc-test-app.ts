// Starts the real app on loopback for OIDC tests (set-up in loopback-app.ts: SQLite in a temp dir, a
// KeyRing, software unless a test passes SoftHSM's, the simulated Entra's keys served or pinned) with a
// recording VerificationUi. Flows finish through the completeVerification seam.
import Database from 'better-sqlite3';
import type { VerificationCompleter } from '../../src/oidc/complete-verification.js';
import { sendFormPost } from '../../src/oidc/form-post.js';
import type { VerificationUi } from '../../src/oidc/verification-ui.js';
import { createApp, type AppDeps } from '../../src/cli/create-app.js';
import { externalUrl } from '../../src/http/public-url.js';
import { silentLogger, type Logger } from '../../src/core/log.js';
import type { VerificationSession } from '../../src/core/domain.js';
import { startLoopbackApp, type LoopbackApp, type LoopbackAppOptions, type Teardown } from './loopback-app.js';
import { parseFormPost, type ParsedFormPost } from './simulated-entra.js';

export interface OidcTestAppOptions extends LoopbackAppOptions {
  healthChecks?: AppDeps['healthChecks'];
  /** More routes for createApp (e.g. one that throws, to see how the error handler answers and logs). */
  routers?: AppDeps['routers'];
  /**
   * 'record' (default): the UI records the session and shows a page; tests finish it through the seam.
   * 'auto-verify': the UI decides 'verified' at once and answers with the form_post (the benchmark's
   * round trip without the biometric step).
   */
  ui?: 'record' | 'auto-verify';
  /** The app's event log (default silent). */
  log?: Logger;
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

export interface OidcTestApp extends Pick<LoopbackApp,
  'baseUrl' | 'issuer' | 'config' | 'entra' | 'repository' | 'keyRing' | 'dataDir' | 'databaseFile' | 'completeVerification' | 'verifyIdToken' | 'metrics'> {
  /** Every session the UI was handed, in order. */
  uiStarts: UiStart[];
  post(pathname: string, body: string | URLSearchParams, headers?: Record<string, string>): Promise<HttpResult>;
  get(pathname: string, headers?: Record<string, string>): Promise<HttpResult>;
  /** POSTs Entra's request; returns the HTTP result and the session the UI got (if any). */
  authorize(fields: Record<string, string>): Promise<HttpResult & { session: VerificationSession | null }>;
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
  const base = await startLoopbackApp(t, 'proofgate-oidc-', opts);
  const { baseUrl, config, repository, keyRing, entraKeys, databaseFile, completeVerification } = base;
  const uiStarts: UiStart[] = [];
  base.serve(createApp({
    config, repository, keyRing, entraKeys, verificationUi: startUi(uiStarts, opts.ui === 'auto-verify' ? completeVerification : null),
    log: opts.log ?? silentLogger, metrics: base.metrics, now: opts.now, healthChecks: opts.healthChecks, routers: opts.routers,
  }));

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

  return {
    baseUrl, issuer: base.issuer, config, entra: base.entra, repository, keyRing, dataDir: base.dataDir, databaseFile, completeVerification,
    metrics: base.metrics, uiStarts, post, get, verifyIdToken: base.verifyIdToken,
    async authorize(fields) {
      const before = uiStarts.length;
      const result = await post(`${opts.prefix ?? ''}/oidc/authorize`, new URLSearchParams(fields));
      return { ...result, session: uiStarts.length > before ? uiStarts.at(-1)!.session : null };
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
