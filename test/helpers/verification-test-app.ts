// The real app with the real verification side on loopback (set-up in loopback-app.ts): evidence
// encrypted under a data key wrapped by a software wrapper (or the HSM's, when a test passes one), the
// audit trail signing its checkpoints with the app's key ring (config.audit), and the face analyzer the
// test chooses (the real engine for flow tests). Sessions are opened through POST /oidc/authorize.
import type { JWTPayload } from 'jose';
import type { Router } from 'express';
import type { ProofgateConfig } from '../../src/config/index.js';
import type { DataKeyWrapper, KeyRing } from '../../src/hsm/signing-key.js';
import type { VerificationCompleter } from '../../src/oidc/complete-verification.js';
import { AuditTrail } from '../../src/audit/audit-trail.js';
import { createApp } from '../../src/cli/create-app.js';
import { silentLogger, type Logger } from '../../src/core/log.js';
import type { ApplianceMetrics } from '../../src/observability/metrics.js';
import { EvidenceCipher } from '../../src/store/evidence-cipher.js';
import type { SqliteRepository } from '../../src/store/sqlite-repository.js';
import type { VerificationSession } from '../../src/core/domain.js';
import { createVerification, type Verification } from '../../src/verification/http/create-verification.js';
import type { FaceAnalyzer } from '../../src/verification/capture/ports.js';
import type { DocumentInspector } from '../../src/verification/first-time/document-inspector.js';
import { startLoopbackApp, type LoopbackAppOptions, type Teardown } from './loopback-app.js';
import { openDuplicateSearch } from '../../src/verification/policy/duplicate-person.js';
import type { SimulatedEntra } from './simulated-entra.js';
import { SoftwareDataKeyWrapper } from './software-data-key-wrapper.js';
import { testAuditMacKeys } from './audit-fixture.js';
import type { PassivePadScorer } from '../../src/verification/liveness/passive-pad-check.js';
import type { AuditMacKeys } from '../../src/hsm/audit-mac-keys.js';

export interface VerificationTestAppOptions {
  faceEngine: FaceAnalyzer;
  /** First-time document checks (DocumentsInspector); without them first-time verification is not available. */
  documents?: DocumentInspector;
  /** The loaded model of config.liveness.passive (required when that is configured). */
  passivePad?: PassivePadScorer;
  keyRing?: KeyRing;
  dataKeyWrapper?: DataKeyWrapper;
  /** The audit trail's position keys (default: the process's software test secret). */
  auditMacKeys?: AuditMacKeys;
  /** The trail's window of ready position keys (default AUDIT_MAC_WINDOW). */
  auditMacWindow?: number;
  config?: Record<string, unknown>;
  /** The simulated Entra (default a fresh one): pass one to configure the app for its tenant id. */
  entra?: SimulatedEntra;
  prefix?: string;
  /** Wraps the completer (e.g. to simulate an HSM outage during signing). */
  wrapCompleter?: (c: VerificationCompleter) => VerificationCompleter;
  /** The app's event log, shared by the verification side (default silent). */
  log?: Logger;
  /** More routers, mounted after the verification routes (a test may add routes to them after start). */
  routers?: Router[];
  now?: () => number;
  /** The store, opened by the test (a PostgreSQL one, another node's connection); absent: a SQLite file of its own. */
  repository?: SqliteRepository;
  /** Where the app gets Entra's keys (default: the simulated Entra serves them); another node passes the first node's. */
  entraKeys?: LoopbackAppOptions['entraKeys'];
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
  /** The SQLite file under the repository (a second service can open it, as after a restart). */
  databaseFile: string;
  evidence: EvidenceCipher;
  keyRing: KeyRing;
  /** The one door into the audit trail, as start-appliance.ts wires it; flush() waits for its checkpoints. */
  auditTrail: AuditTrail;
  /** Background checkpoint failures the trail reported. */
  checkpointErrors: unknown[];
  auditMacKeys: AuditMacKeys;
  /** Seqs the trail reported as forged (MAC check failed), as start-appliance logs audit-record-forged. */
  forgedRecords: number[];
  verification: Verification;
  /** The registry the app serves at /metrics. */
  metrics: ApplianceMetrics;
  /** POSTs a fresh Entra request (overrides merged into the fields) and reads the page it answers with. */
  openSession(fields?: Record<string, string | null>): Promise<OpenedSession>;
  verifyIdToken(token: string): Promise<JWTPayload>;
}

export async function startVerificationTestApp(t: Teardown, opts: VerificationTestAppOptions): Promise<VerificationTestApp> {
  const base = await startLoopbackApp(t, 'proofgate-verify-', opts);
  const { issuer, config, entra, repository, keyRing, entraKeys } = base;
  const evidence = new EvidenceCipher(repository, opts.dataKeyWrapper ?? new SoftwareDataKeyWrapper(), opts.now ? { now: opts.now } : {});
  await evidence.ready();
  const checkpointErrors: unknown[] = [];
  const auditMacKeys = opts.auditMacKeys ?? testAuditMacKeys();
  const forgedRecords: number[] = [];
  const auditTrail = new AuditTrail(repository, keyRing, config.audit, {
    now: opts.now, onCheckpointError: (e) => checkpointErrors.push(e), macKeys: auditMacKeys, macWindow: opts.auditMacWindow,
    onMacKeyError: (e) => checkpointErrors.push(e), onForgedRecord: (seq) => forgedRecords.push(seq),
  });
  await auditTrail.prepare();
  // Teardowns run last-registered first: checkpoints finish before loopback-app closes the store.
  t.teardown(() => auditTrail.flush());
  const completer = base.completeVerification;
  const log = opts.log ?? silentLogger;
  // First-time enrolments search every stored template first, as start-appliance.ts wires it.
  const duplicates = opts.documents ? await openDuplicateSearch(config, repository, opts.faceEngine.modelId) : undefined;
  const verification = createVerification({
    log, metrics: base.metrics,
    config, repository, audit: auditTrail, faceEngine: opts.faceEngine, evidence, ...(opts.documents ? { documents: opts.documents, duplicates } : {}),
    ...(opts.passivePad ? { passivePad: opts.passivePad } : {}),
    completeVerification: opts.wrapCompleter ? opts.wrapCompleter(completer) : completer, now: opts.now,
  });
  base.serve(createApp({
    config, repository, keyRing, entraKeys, verificationUi: verification.ui, log, metrics: base.metrics, now: opts.now,
    routers: [{ path: '/', router: verification.router }, ...(opts.routers ?? []).map((router) => ({ path: '/', router }))],
  }));

  return {
    baseUrl: base.baseUrl, issuer, config, entra, repository, databaseFile: base.databaseFile, evidence, keyRing, auditTrail, checkpointErrors,
    auditMacKeys, forgedRecords, verification, metrics: base.metrics,
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
      return (await base.verifyIdToken(token)).payload;
    },
  };
}
