// The real app for the by-hand scripts (kill-loop.ts, soak.ts): store, audit trail, OIDC completer and
// verification routes, wired as in test/helpers/verification-test-app.ts, on one SQLite file, listening
// on 127.0.0.1 with a software signing key, and one account enrolled from a reference photo. The face
// engine is the caller's (a recorded analyzer, so a pass costs little CPU).
// A node of several (test/helpers/app-node-child.ts) passes a PostgreSQL store, an HSM token, the load
// balancer's public URL and enrols nothing when another node already did.
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { buildConfig, type ProofgateConfig } from '../src/config/index.js';
import { mergeConfig } from '../src/config/validate.js';
import { silentLogger } from '../src/core/log.js';
import { createApp } from '../src/cli/create-app.js';
import { AuditTrail } from '../src/audit/audit-trail.js';
import { SoftwareKeyRing } from '../src/hsm/software-key-ring.js';
import { SoftwareAuditMacKeys } from '../src/hsm/software-audit-mac-keys.js';
import { createEntraKeys } from '../src/oidc/entra-keys.js';
import { createVerificationCompleter } from '../src/oidc/complete-verification.js';
import { EvidenceCipher } from '../src/store/evidence-cipher.js';
import { openSqliteRepository, type SqliteRepository } from '../src/store/sqlite-repository.js';
import { createVerification } from '../src/verification/http/create-verification.js';
import { enrolFromReferencePhoto } from '../src/verification/flow/enrol-from-reference-photo.js';
import type { FaceAnalyzer } from '../src/verification/capture/ports.js';
import type { EntraCloud } from '../src/oidc/clouds.js';
import type { HsmConfig } from '../src/config/sections/hsm.js';
import { openApplianceHsm, type ApplianceHsm } from '../src/hsm/open-hsm.js';
import type { PostgresStoreOptions } from '../src/store/postgres/open-postgres.js';
import { openConfiguredRepository } from '../src/store/open-store.js';
import { SoftwareDataKeyWrapper } from '../test/helpers/software-data-key-wrapper.js';
import { faceJpeg } from '../test/helpers/face-photos.js';

/** What the app must know of the (simulated) Entra that sends it hints: a SimulatedEntra fits. */
export interface EntraIdentity {
  tid: string;
  oid: string;
  appId: string;
  clientId: string;
  jwksUrls: Record<EntraCloud, string>;
}

export interface ScriptAppOptions {
  dataDir: string;
  /** The SQLite file; unused when `postgres` is given. */
  databaseFile?: string;
  /** store.postgres: a PostgreSQL store (store.backend 'postgres') instead of the SQLite file, the one several nodes share. */
  postgres?: PostgresStoreOptions;
  entra: EntraIdentity;
  faceEngine: FaceAnalyzer;
  /**
   * The evidence key-wrapping key: the same one on every start, so a restart unwraps the stored data key.
   * Unused when `hsm` is given.
   */
  kek?: Buffer;
  kekId?: string;
  /**
   * The config section "hsm": a PKCS#11 token (already initialised) holding the signing key, the evidence
   * key-wrapping key and the audit MAC key, as the appliance opens it; nodes sharing one token share all three.
   */
  hsm?: HsmConfig;
  /** server.publicBaseUrl, the issuer (a load balancer's URL); default this listener's URL. */
  publicBaseUrl?: string;
  /** More configuration, merged over the script's (e.g. oidc.sessionLifetimeSeconds, biometrics). */
  config?: Record<string, unknown>;
  /** Enrol entra.oid and moreOids at start (default true); false for a node joining a store another node enrolled. */
  enrolAccounts?: boolean;
  /** Written into the enrolment's audit record. */
  attestedBy: string;
  /**
   * More accounts (oids in the same tenant) to enrol from the same reference photo. The app lets one
   * capture per account be checked at a time (a second gets 409 ERR_REPLAY), so a load of N verifications
   * in flight needs N accounts.
   */
  moreOids?: readonly string[];
  /**
   * The enrolment photo; default a crop of personA made here. A process measured for memory passes its
   * own (bench:verify): making one decodes a whole demo photo (~12 MB of pixels) and keeps it cached.
   */
  referencePhoto?: Buffer;
}

export interface ScriptApp {
  baseUrl: string;
  server: Server;
  repository: SqliteRepository;
  /** The token, when opened from `hsm` (closed with the app). */
  hsm?: ApplianceHsm;
}

/** The signing key, data-key wrapper and audit MAC keys: from the configured token, or software keys from the KEK. */
async function scriptKeys(opts: ScriptAppOptions, config: ProofgateConfig) {
  if (opts.hsm) {
    const hsm = await openApplianceHsm(config.hsm, opts.dataDir);
    return { hsm, keyRing: hsm.keyRing, dataKeyWrapper: hsm.dataKeyWrapper, macKeys: hsm.auditMacKeys };
  }
  if (!opts.kek || !opts.kekId) throw new Error('startScriptApp: give either hsm or kek and kekId');
  return { keyRing: await SoftwareKeyRing.create(), dataKeyWrapper: new SoftwareDataKeyWrapper(opts.kek, opts.kekId), macKeys: scriptMacKeys(opts.kek) };
}

export async function startScriptApp(opts: ScriptAppOptions): Promise<ScriptApp> {
  const { dataDir, entra, faceEngine } = opts;
  if (!opts.postgres && !opts.databaseFile) throw new Error('startScriptApp: give either databaseFile or postgres');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const config = buildConfig(mergeConfig({
    server: { publicBaseUrl: opts.publicBaseUrl ?? baseUrl, dataDir },
    oidc: { clients: [{ clientId: entra.clientId, appId: entra.appId, tenants: [entra.tid] }], entraKeys: { source: 'fetch', jwksUrls: entra.jwksUrls } },
    verification: { assurance: { returningUser: 'none' } },
    audit: { checkpointEvery: 25 },
    // The store and the token through their config sections, checked as the appliance's are.
    ...(opts.postgres ? { store: { backend: 'postgres', postgres: opts.postgres } } : {}),
    ...(opts.hsm ? { hsm: opts.hsm } : {}),
  }, opts.config ?? {}));
  const repository = opts.postgres ? openConfiguredRepository(config) : openSqliteRepository(opts.databaseFile!);
  const { hsm, keyRing, dataKeyWrapper, macKeys } = await scriptKeys(opts, config);
  const entraKeys = createEntraKeys({ config: config.oidc.entraKeys, dataDir });
  const evidence = new EvidenceCipher(repository, dataKeyWrapper);
  await evidence.ready();
  const auditTrail = new AuditTrail(repository, keyRing, config.audit, { onCheckpointError: () => undefined, macKeys });
  await auditTrail.prepare();
  const verification = createVerification({
    config, repository, audit: auditTrail, faceEngine, evidence,
    completeVerification: createVerificationCompleter({ config, repository, keyRing }),
  });
  server.on('request', createApp({
    config, repository, keyRing, entraKeys, verificationUi: verification.ui, log: silentLogger,
    routers: [{ path: '/', router: verification.router }],
  }));
  const photo = opts.referencePhoto ?? faceJpeg('personA');
  for (const oid of opts.enrolAccounts === false ? [] : [entra.oid, ...(opts.moreOids ?? [])]) {
    await enrolFromReferencePhoto(
      { repo: repository, audit: auditTrail, faceEngine, quality: config.verification.quality, maxImageBytes: config.server.maxImageBytes },
      { tid: entra.tid, oid, upn: null, photo, attestedBy: opts.attestedBy },
    );
  }
  return { baseUrl, server, repository, ...(hsm ? { hsm } : {}) };
}

/** A child process serving `app` until SIGTERM: announces `ready URL` on stdout, closes the store on the way out. */
export function serveUntilSigterm(app: ScriptApp): void {
  process.on('SIGTERM', () => {
    app.server.close(() => {
      app.repository.close();
      void (app.hsm?.close() ?? Promise.resolve()).finally(() => process.exit(0));
    });
    app.server.closeAllConnections();
  });
  process.stdout.write(`ready ${app.baseUrl}\n`);
}

/** A new take of a selfie: the same picture with a unique JPEG comment (COM segment) after SOI. */
export function newTake(base: Buffer, tag: string): Uint8Array<ArrayBuffer> {
  const text = Buffer.from(`${tag}:${randomUUID()}`);
  const com = Buffer.alloc(4);
  com.writeUInt16BE(0xfffe, 0);
  com.writeUInt16BE(text.length + 2, 2);
  const jpeg = Buffer.concat([base.subarray(0, 2), com, text, base.subarray(2)]);
  const bytes = new Uint8Array(jpeg.length);
  bytes.set(jpeg);
  return bytes;
}

/**
 * The scripts' audit MAC keys, derived from their fixed KEK so every child process of one run (kill-loop
 * starts one per round) derives the same position keys, and the parent can check the MACs afterwards.
 */
export function scriptMacKeys(kek: Buffer): SoftwareAuditMacKeys {
  return new SoftwareAuditMacKeys(createHash('sha256').update('proofgate-script-audit-mac').update(kek).digest());
}
