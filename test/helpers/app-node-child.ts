// One appliance node of several, in its own process, for tests that kill a node: scripts/script-app.ts (the
// real app: store, audit trail, OIDC completer, verification routes, express on a loopback port) on a shared
// PostgreSQL store and a shared SoftHSM token (signing key, evidence key-wrapping key, audit MAC key), with
// the load balancer's public URL, and the REAL face engine (the converted ONNX models, as
// bench/lib/verify-app-child.ts loads them). Prints `ready <baseUrl>` once serving; exits on SIGTERM.
//   node --import tsx test/helpers/app-node-child.ts '<AppNodeOptions as JSON>'
import { readFileSync } from 'node:fs';
import { buildConfig } from '../../src/config/index.js';
import { loadFaceAnalyzer } from '../../src/verification/capture/face-analyzer.js';
import type { HsmConfig } from '../../src/config/sections/hsm.js';
import type { PostgresStoreOptions } from '../../src/store/postgres/open-postgres.js';
import { serveUntilSigterm, startScriptApp, type EntraIdentity } from '../../scripts/script-app.js';

/** What the parent hands a node (one JSON argument). */
export interface AppNodeOptions {
  /** This node's own data directory (Entra key cache); the state is in the store. */
  dataDir: string;
  postgres: PostgresStoreOptions;
  hsm: HsmConfig;
  entra: EntraIdentity;
  publicBaseUrl: string;
  /** Enrol entra.oid and moreOids from referenceJpeg at start: the first node only. */
  enrolAccounts: boolean;
  moreOids: string[];
  referenceJpeg: string;
  /** Merged over the app's configuration (verification.assurance, oidc, biometrics...). */
  config?: Record<string, unknown>;
}

async function main(opts: AppNodeOptions): Promise<void> {
  const faceEngine = await loadFaceAnalyzer(buildConfig({}));
  const app = await startScriptApp({
    dataDir: opts.dataDir, postgres: opts.postgres, hsm: opts.hsm, entra: opts.entra, faceEngine, publicBaseUrl: opts.publicBaseUrl,
    enrolAccounts: opts.enrolAccounts, moreOids: opts.moreOids, referencePhoto: readFileSync(opts.referenceJpeg), attestedBy: 'app-node-child',
    ...(opts.config ? { config: opts.config } : {}),
  });
  serveUntilSigterm(app);
}

main(JSON.parse(process.argv[2]) as AppNodeOptions).catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exit(2);
});
