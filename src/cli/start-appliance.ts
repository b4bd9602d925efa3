// The composition root: builds every part of the appliance from the configuration, in dependency
// order, and starts the HTTP listener. Start-up fails fast with a message that says what to run when a
// prerequisite (the HSM token, the database) is missing; after start-up an outage of a part fails only
// the requests that need it (HSM → temporarily_unavailable, face engine → temporarily_unavailable).
// The order, top to bottom: data directory → store → HSM → evidence key → retention → audit trail →
// audit feed → expired-session sweep → face engine → OIDC completer and document checks → routes and /health → listen.
import { createStationOperatorRouter, STATION_OPERATOR_PATH } from '../verification/http/station-operator-routes.js';
import { createServer, type RequestListener, type Server } from 'node:http';
import { mkdirSync } from 'node:fs';
import { resolveDataPath, type ProofgateConfig } from '../config/index.js';
import { ProofgateError } from '../core/errors.js';
import { openApplianceHsm, type ApplianceHsm } from '../hsm/open-hsm.js';
import { createEntraKeys } from '../oidc/entra-keys.js';
import { createVerificationCompleter } from '../oidc/complete-verification.js';
import { AUDIT_CHECKPOINT_POLL_MS } from '../audit/audit-trail.js';
import { configuredWitnessFile } from '../audit/witness.js';
import { EvidenceCipher } from '../store/evidence-cipher.js';
import { openConfiguredRepository } from '../store/open-store.js';
import { purgeExpiredEvidence, RETENTION_INTERVAL_MS } from '../store/retention.js';
import type { SqliteRepository } from '../store/sqlite-repository.js';
import { createVerification } from '../verification/http/create-verification.js';
import { createStaffAuth } from '../staff/staff-auth.js';
import { sweepExpiredSessions, SESSION_SWEEP_INTERVAL_MS } from '../verification/flow/sweep-expired-sessions.js';
import { loadDocumentChecks } from '../verification/first-time/load-document-inspector.js';
import { createApp } from './create-app.js';
import { createHelpdeskCore, helpdeskRouters, HELPDESK_PLACES } from '../helpdesk/create-helpdesk.js';
import { recoveryCompletionExtras, recoveryRequestsFromStore } from '../helpdesk/recovery-completion.js';
import { openRecoveryService } from '../recovery/open-recovery.js';
import { applianceHealthChecks } from './start/appliance-health.js';
import { BackgroundJobs } from './start/background-jobs.js';
import { loadFaceEngine, type LoadedFaceEngine } from './start/load-face-engine.js';
import { loadPassivePad } from './start/load-passive-pad.js';
import { openAuditTrail } from './start/open-audit-trail.js';
import { auditFeedSink, startAuditFeed } from './start/start-audit-feed.js';
import type { AuditFeed } from '../audit/feed/audit-feed.js';
import type { Logger } from '../core/log.js';
// Observability (docs/observability.md): the product logger, the app's one registry, HSM failures observed.
import { pinoLogger } from '../observability/pino-logger.js';
import { createMetrics } from '../observability/metrics.js';
import { hsmFailureObserver } from './start/observe-hsm.js';
import { openDuplicateSearch } from '../verification/policy/duplicate-person.js';

export interface RunningAppliance {
  server: Server;
  /** Where the listener is reachable directly (not the public URL). */
  listenUrl: string;
  close(): Promise<void>;
}

export async function startAppliance(config: ProofgateConfig, log: Logger = pinoLogger()): Promise<RunningAppliance> {
  const dataDir = resolveDataPath(config.server.dataDir);
  // Refused before anything opens: a witness beside the database falls with it; so do unusable feed TLS files.
  const witnessFile = configuredWitnessFile(config);
  const feedSink = auditFeedSink(config.audit.feed);
  // A configured passive PAD model that cannot be used refuses start before anything opens (ERR_MODEL).
  const passivePad = await loadPassivePad(config, log);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const jobs = new BackgroundJobs(log);
  const metrics = createMetrics();
  let repository: SqliteRepository | undefined;
  let hsm: ApplianceHsm | undefined;
  let face: LoadedFaceEngine | undefined;
  let auditFeed: AuditFeed | null = null;
  try {
    repository = openConfiguredRepository(config, undefined, log);
    const store = repository;
    hsm = await openHsmOrExplain(config, dataDir, hsmFailureObserver(log, metrics));
    const evidence = new EvidenceCipher(store, hsm.dataKeyWrapper);
    await evidence.ready();
    jobs.every('retention-purge', RETENTION_INTERVAL_MS, () => log('retention-purge', { ...purgeExpiredEvidence(store, config.store) }), { runNow: true });

    const auditTrail = await openAuditTrail(config, store, hsm, witnessFile, log);
    jobs.every('audit-checkpoint', AUDIT_CHECKPOINT_POLL_MS, () => auditTrail.checkpointIfDue(), { runNow: false });
    // The SIEM feed follows the store after commit, from its own cursor; it never holds up a decision.
    auditFeed = startAuditFeed(config, feedSink, store, dataDir, log);
    const feed = auditFeed;
    if (feed) metrics.watchAuditFeedLag(() => feed.lag());
    // Open sessions nobody came back to (and those that expired while the appliance was down) are closed
    // as expired, each with its audit record.
    jobs.every('session-sweep', SESSION_SWEEP_INTERVAL_MS, () => {
      const report = sweepExpiredSessions({ repo: store, audit: auditTrail });
      if (report.failed > 0) log('session-sweep-failed', { ...report }, 'error');
      else if (report.expired > 0) log('session-sweep', { ...report });
    }, { runNow: true });

    face = await loadFaceEngine(config, log);
    const entraKeys = createEntraKeys({ config: config.oidc.entraKeys, dataDir });
    // A verification request's sessions (src/helpdesk) end in the help desk's completer, Entra's in the OIDC one.
    const helpdesk = createHelpdeskCore({ config, repository: store, audit: auditTrail, keyRing: hsm.keyRing, log });
    // Webhook deliveries the last stop cut short go out again, off the start-up path.
    helpdesk.results.resumeDeliveries();
    const completeVerification = helpdesk.completer(createVerificationCompleter({ config, repository: store, keyRing: hsm.keyRing, metrics }));
    // First-time verification (document checks): a load failure makes first-time answers 'unavailable', nothing else.
    const documentChecks = await loadDocumentChecks(config.documents);
    if (documentChecks.problem) log('document-checks-unavailable', { error: documentChecks.problem, effect: 'first-time verifications answer temporarily_unavailable' }, 'error');
    else log('document-checks-loaded', { trustedCsca: documentChecks.trustedCscaCount });
    // Every stored template of the current embedder, read into the 1:N duplicate search's index.
    // A failure (no face engine, no manifest) leaves it unbuilt: enrolments then answer unavailable, nothing else.
    const duplicates = face.problem
      ? { config: config.enrolment.duplicates, index: null, journal: store.profileJournal }
      : await openDuplicateSearch(config, store, face.faceEngine.modelId).catch((e: unknown) => {
        log('template-index-unavailable', { error: (e as Error).message, effect: 'first-time enrolments answer temporarily_unavailable' }, 'error');
        return { config: config.enrolment.duplicates, index: null, journal: store.profileJournal };
      });
    if (duplicates.index) log('template-index-built', { templates: duplicates.index.size, unusable: duplicates.index.unusable, encoding: config.enrolment.duplicates.indexEncoding });
    const verification = createVerification({
      config, repository: store, audit: auditTrail, faceEngine: face.faceEngine, evidence, completeVerification, documents: documentChecks.inspector,
      duplicates, passivePad, log, metrics,
    });
    // Account recovery (off by default): enabled, it needs the Graph client certificate in the token now.
    const recovery = await openRecoveryService({
      config: config.recovery.tap, keyLabelPrefix: config.hsm.keyLabelPrefix, token: hsm.token, requests: recoveryRequestsFromStore(store), audit: auditTrail, log,
    });
    // Staff accounts signing in with passkeys; other staff pages mount behind staffAuth.require(roles).
    // The station operator's page (/staff/station) is listed for kiosk operators and admins beside the help desk.
    const stationPlace = { path: STATION_OPERATOR_PATH, label: 'Attest enrolments at this station' };
    const staffAuth = createStaffAuth({
      config, repository: store, audit: auditTrail, log,
      places: { ...HELPDESK_PLACES, 'kiosk-operator': [stationPlace], admin: [...(HELPDESK_PLACES.admin ?? []), stationPlace] },
    });
    const app = createApp({
      config, repository: store, keyRing: hsm.keyRing, entraKeys, verificationUi: verification.ui, log, metrics,
      healthChecks: applianceHealthChecks({ config, dataDir, token: hsm.token, repository: store, entraKeys, face, passivePad, auditTrail, witnessFile, auditFeed: feed }),
      routers: [
        { path: '/', router: verification.router },
        { path: '/', router: staffAuth.router },
        { path: '/', router: createStationOperatorRouter(staffAuth, config.verification.kiosk) },
        ...helpdeskRouters(helpdesk, {
          repository: store, capturePage: verification.pageSettings, staffAuth, readEvidence: (id) => evidence.readEvidence(id),
          completionExtras: recoveryCompletionExtras(recovery, log),
        }).map((router) => ({ path: '/', router })),
      ],
    });
    const { server, listenUrl } = await listen(app, config);
    log('listening', { listen: listenUrl, issuer: config.server.publicBaseUrl });

    const openHsm = hsm;
    const openEngine = face.loaded;
    return {
      server,
      listenUrl,
      async close() {
        jobs.stop();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        // A clean shutdown seals the tail (queued behind any checkpoint being signed), before the token
        // and the database close.
        await auditTrail.checkpoint().catch((e: unknown) => log('audit-checkpoint-failed', { at: 'shutdown', error: (e as Error).message }, 'error'));
        await auditTrail.flush();
        await feed?.stop();
        openEngine?.close();
        passivePad?.close();
        await openHsm.close();
        store.close();
      },
    };
  } catch (e) {
    jobs.stop();
    await auditFeed?.stop();
    face?.loaded?.close();
    passivePad?.close();
    await hsm?.close();
    repository?.close();
    throw e;
  }
}

async function openHsmOrExplain(config: ProofgateConfig, dataDir: string, onFailure: Parameters<typeof openApplianceHsm>[2]): Promise<ApplianceHsm> {
  try {
    return await openApplianceHsm(config.hsm, dataDir, onFailure);
  } catch (e) {
    throw new ProofgateError('ERR_HSM_UNAVAILABLE',
      `cannot open the HSM token "${config.hsm.tokenLabel}" (${(e as Error).message}); run "proofgate init" first`, { cause: e });
  }
}

async function listen(app: RequestListener, config: ProofgateConfig): Promise<{ server: Server; listenUrl: string }> {
  const server = createServer(app);
  server.requestTimeout = 60_000;
  server.headersTimeout = 15_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.server.port, config.server.host, () => resolve());
  });
  const address = server.address() as { port: number };
  return { server, listenUrl: `http://${config.server.host}:${address.port}` };
}
