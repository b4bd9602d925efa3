// The composition root: builds every part of the appliance from the configuration, in dependency
// order, and starts the HTTP listener. Start-up fails fast with a message that says what to run when a
// prerequisite (the HSM token, the database) is missing; after start-up an outage of a part fails only
// the requests that need it (HSM → temporarily_unavailable, face engine → temporarily_unavailable).
import { createServer, type Server } from 'node:http';
import { mkdirSync } from 'node:fs';
import { resolveDataPath, type ProofgateConfig } from '../config/index.js';
import { ProofgateError } from '../core/errors.js';
import { openApplianceHsm, type ApplianceHsm } from '../hsm/open-hsm.js';
import { createEntraKeys } from '../oidc/entra-keys.js';
import { createVerificationCompleter } from '../oidc/complete-verification.js';
import { AuditTrail, AUDIT_CHECKPOINT_POLL_MS } from '../audit/audit-trail.js';
import { configuredWitnessFile, WitnessFile } from '../audit/witness.js';
import { EvidenceCipher } from '../store/evidence-cipher.js';
import { openConfiguredRepository } from '../store/open-store.js';
import { diskSpaceHealth, storeWriteHealth } from '../store/store-health.js';
import { purgeExpiredEvidence, RETENTION_INTERVAL_MS } from '../store/retention.js';
import type { SqliteRepository } from '../store/sqlite-repository.js';
import { createVerification } from '../verification/http/create-verification.js';
import { sweepExpiredSessions, SESSION_SWEEP_INTERVAL_MS } from '../verification/flow/sweep-expired-sessions.js';
import { loadFaceAnalyzer, type EngineFaceAnalyzer } from '../verification/capture/face-analyzer.js';
import { loadDocumentChecks } from '../verification/first-time/load-document-inspector.js';
import type { FaceAnalyzer } from '../verification/capture/ports.js';
import { createApp } from './create-app.js';
import type { HealthChecks } from '../http/health.js';
import { jsonLineLogger, type Logger } from '../core/log.js';

export interface RunningAppliance {
  server: Server;
  /** Where the listener is reachable directly (not the public URL). */
  listenUrl: string;
  close(): Promise<void>;
}

/** A face analyzer that explains why verification cannot run, so the rest of the appliance still serves. */
function unavailableFaceAnalyzer(cause: unknown): FaceAnalyzer {
  const message = `face engine unavailable: ${(cause as Error).message}`;
  const fail = () => { throw new ProofgateError('ERR_MODEL', message, { status: 503, cause }); };
  return { modelId: 'unavailable', analyzeFace: async () => fail(), compareFaces: () => fail() };
}

export async function startAppliance(config: ProofgateConfig, log: Logger = jsonLineLogger): Promise<RunningAppliance> {
  const dataDir = resolveDataPath(config.server.dataDir);
  // Refused before anything opens: a witness beside the database falls with it.
  const witnessFile = configuredWitnessFile(config);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const timers: NodeJS.Timeout[] = [];
  let repository: SqliteRepository | undefined;
  let hsm: ApplianceHsm | undefined;
  let loadedEngine: EngineFaceAnalyzer | undefined;
  try {
    repository = openConfiguredRepository(config);
    try {
      hsm = await openApplianceHsm(config.hsm, dataDir);
    } catch (e) {
      throw new ProofgateError('ERR_HSM_UNAVAILABLE',
        `cannot open the HSM token "${config.hsm.tokenLabel}" (${(e as Error).message}); run "proofgate init" first`, { cause: e });
    }
    const evidence = new EvidenceCipher(repository, hsm.dataKeyWrapper);
    await evidence.ready();

    const purge = () => {
      try {
        const report = purgeExpiredEvidence(repository!, config.store);
        log('retention-purge', { ...report });
      } catch (e) {
        log('retention-purge-failed', { error: (e as Error).message });
      }
    };
    purge();
    timers.push(setInterval(purge, RETENTION_INTERVAL_MS).unref());

    const auditTrail = new AuditTrail(repository, hsm.keyRing, config.audit, {
      onCheckpointError: (e) => log('audit-checkpoint-failed', { error: (e as Error).message }),
      witness: witnessFile ? new WitnessFile(witnessFile) : null,
      onWitnessError: (e, cp) => log('audit-witness-failed', { seq: cp.seq, witnessFile, error: (e as Error).message }),
      macKeys: hsm.auditMacKeys,
      onForgedRecord: (seq, reason) => log('audit-record-forged', { seq, error: reason, effect: 'not sealed; checkpoints stop before it' }),
      onMacKeyError: (e) => log('audit-mac-keys-failed', { error: (e as Error).message, effect: 'audit records answer temporarily_unavailable until the HSM is back' }),
    });
    // Every record needs its position key ready (record() is synchronous): derive the window before anything writes.
    await auditTrail.prepare();
    // Seal whatever the last run (or another process) left unsealed before serving; an HSM hiccup here
    // is logged and the timer retries, it does not stop the start.
    await auditTrail.checkpoint().catch((e: unknown) => log('audit-checkpoint-failed', { at: 'start-up', error: (e as Error).message }));
    timers.push(setInterval(() => {
      auditTrail.checkpointIfDue().catch((e: unknown) => log('audit-checkpoint-failed', { error: (e as Error).message }));
    }, AUDIT_CHECKPOINT_POLL_MS).unref());

    // Open sessions nobody came back to (and those that expired while the appliance was down) are closed
    // as expired, each with its audit record.
    const sweep = () => {
      try {
        const report = sweepExpiredSessions({ repo: repository!, audit: auditTrail });
        if (report.failed > 0) log('session-sweep-failed', { ...report });
        else if (report.expired > 0) log('session-sweep', { ...report });
      } catch (e) {
        log('session-sweep-failed', { error: (e as Error).message });
      }
    };
    sweep();
    timers.push(setInterval(sweep, SESSION_SWEEP_INTERVAL_MS).unref());

    let faceEngine: FaceAnalyzer;
    let faceEngineProblem: string | undefined;
    try {
      loadedEngine = await loadFaceAnalyzer(config);
      faceEngine = loadedEngine;
    } catch (e) {
      faceEngineProblem = (e as Error).message;
      log('face-engine-unavailable', { error: faceEngineProblem, effect: 'verifications answer temporarily_unavailable' });
      faceEngine = unavailableFaceAnalyzer(e);
    }

    const entraKeys = createEntraKeys({ config: config.oidc.entraKeys, dataDir });
    const completeVerification = createVerificationCompleter({ config, repository, keyRing: hsm.keyRing });
    // First-time verification (document checks): a load failure makes first-time answers 'unavailable', nothing else.
    const documentChecks = await loadDocumentChecks(config.documents);
    if (documentChecks.problem) log('document-checks-unavailable', { error: documentChecks.problem, effect: 'first-time verifications answer temporarily_unavailable' });
    else log('document-checks-loaded', { trustedCsca: documentChecks.trustedCscaCount });
    const verification = createVerification({ config, repository, audit: auditTrail, faceEngine, evidence, completeVerification, documents: documentChecks.inspector });
    const token = hsm.token;
    const store = repository;
    const healthChecks: HealthChecks = {
      hsm: () => {
        const s = token.status();
        return { ok: s.state !== 'unavailable' && s.state !== 'closed', detail: s.state };
      },
      store: () => storeWriteHealth(store, Date.now()),
      disk: () => diskSpaceHealth(dataDir, config.server.minFreeDiskMiB),
      entraKeys: () => entraKeys.freshness(),
      faceEngine: () => (faceEngineProblem ? { ok: false, detail: 'not loaded' } : { ok: true, detail: faceEngine.modelId }),
      audit: () => {
        const { witnessProblem, forgedRecord } = auditTrail.health();
        if (forgedRecord) return { ok: false, detail: `record ${forgedRecord.seq} failed its MAC check (written without the HSM); not sealed` };
        return witnessProblem ? { ok: false, detail: 'witness append failed' } : { ok: true, detail: witnessFile ? 'witnessed' : 'no witness' };
      },
    };
    const app = createApp({
      config, repository, keyRing: hsm.keyRing, entraKeys, verificationUi: verification.ui, healthChecks, log,
      routers: [{ path: '/', router: verification.router }],
    });

    const server = createServer(app);
    server.requestTimeout = 60_000;
    server.headersTimeout = 15_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.server.port, config.server.host, () => resolve());
    });
    const address = server.address() as { port: number };
    const listenUrl = `http://${config.server.host}:${address.port}`;
    log('listening', { listen: listenUrl, issuer: config.server.publicBaseUrl });

    const openHsm = hsm;
    const openRepo = repository;
    const openEngine = loadedEngine;
    return {
      server,
      listenUrl,
      async close() {
        for (const t of timers) clearInterval(t);
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        // A clean shutdown seals the tail (queued behind any checkpoint being signed), before the token
        // and the database close.
        await auditTrail.checkpoint().catch((e: unknown) => log('audit-checkpoint-failed', { at: 'shutdown', error: (e as Error).message }));
        await auditTrail.flush();
        openEngine?.close();
        await openHsm.close();
        openRepo.close();
      },
    };
  } catch (e) {
    for (const t of timers) clearInterval(t);
    loadedEngine?.close();
    await hsm?.close();
    repository?.close();
    throw e;
  }
}
