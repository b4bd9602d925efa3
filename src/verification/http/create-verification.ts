// One call that builds the verification side for the app: the VerificationUi the OIDC provider hands
// sessions to, and the router with the capture/cancel endpoints and the pages' static files.
// Wire it as createApp({ ..., verificationUi: v.ui, routers: [{ path: '/', router: v.router }] }).
import type { Router } from 'express';
import { ProofgateError } from '../../core/errors.js';
import type { ProofgateConfig } from '../../config/index.js';
import { verificationPolicy } from '../../config/sections/verification.js';
import type { VerificationCompleter } from '../../oidc/complete-verification.js';
import type { VerificationUi } from '../../oidc/verification-ui.js';
import type { Repository } from '../../store/repository.js';
import type { AuditWriter } from '../../audit/audit-writer.js';
import type { EvidenceSink, FaceAnalyzer } from '../capture/ports.js';
import type { DocumentInspector } from '../first-time/document-inspector.js';
import { CapturePageUi, type CapturePageSettings } from './verification-ui.js';
import { createVerificationRouter } from './verification-routes.js';
import { VerificationService } from '../flow/verification-service.js';
import { silentLogger, type Logger } from '../../core/log.js';
import { createMetrics, type ApplianceMetrics } from '../../observability/metrics.js';
import { timedFaceAnalyzer } from '../capture/timed-face-analyzer.js';
import type { PassivePadScorer } from '../liveness/passive-pad-check.js';
import { HandoffService } from '../flow/handoff-service.js';
import { createHandoffRouter } from './handoff-routes.js';
import type { DuplicateSearch } from '../policy/duplicate-person.js';

export interface VerificationDeps {
  config: ProofgateConfig;
  repository: Repository;
  /** The audit trail every decision is recorded through (the one door; it also seals checkpoints). */
  audit: AuditWriter;
  faceEngine: FaceAnalyzer;
  evidence: EvidenceSink;
  completeVerification: VerificationCompleter;
  /** Document checks for first-time verification (first-time/document-inspector.ts); absent: first time is not available. */
  documents?: DocumentInspector;
  /**
   * The 1:N duplicate-person search first-time enrolments run (policy/duplicate-person.ts openDuplicateSearch);
   * required with `documents` while enrolment.duplicates.enabled is true.
   */
  duplicates?: DuplicateSearch;
  /** The loaded model of config.liveness.passive (src/liveness/passive-pad-model.ts); required when that is configured. */
  passivePad?: PassivePadScorer | null;
  /** Decisions and capture refusals are logged here (docs/observability.md); default silent. */
  log?: Logger;
  /** The app's registry (createApp's metrics); default one of its own that nobody scrapes. */
  metrics?: ApplianceMetrics;
  now?: () => number;
}

export interface Verification {
  ui: VerificationUi;
  router: Router;
  service: VerificationService;
  handoffs: HandoffService;
  /** What the capture page is rendered with (other routes that render it, e.g. src/helpdesk, use the same). */
  pageSettings: CapturePageSettings;
}

export function createVerification(deps: VerificationDeps): Verification {
  const { config } = deps;
  // The page films verification.challengeFrames; fewer than the challenge needs could never pass.
  if (config.verification.challengeFrames < config.liveness.challenge.minFrames) {
    throw new ProofgateError('ERR_CONFIG', `verification.challengeFrames (${config.verification.challengeFrames}) is below liveness.challenge.minFrames (${config.liveness.challenge.minFrames})`);
  }
  if (config.verification.challengeFrames > config.liveness.capture.maxSequenceFrames) {
    throw new ProofgateError('ERR_CONFIG', `verification.challengeFrames (${config.verification.challengeFrames}) is above liveness.capture.maxSequenceFrames (${config.liveness.capture.maxSequenceFrames})`);
  }
  // A configured passive model that is not wired in would silently not run: refuse that.
  if (config.liveness.passive !== null && !deps.passivePad) {
    throw new ProofgateError('ERR_CONFIG', 'liveness.passive is configured but no passive PAD model was loaded (PassivePadModel.load)');
  }
  // Enrolments that skipped the duplicate search would store one face on two accounts unnoticed: refuse that.
  if (deps.documents && config.enrolment.duplicates.enabled && !deps.duplicates) {
    throw new ProofgateError('ERR_CONFIG', 'enrolment.duplicates.enabled is true but no duplicate-person search was given (openDuplicateSearch)');
  }
  const log = deps.log ?? silentLogger;
  const metrics = deps.metrics ?? createMetrics({ processMetrics: false });
  const service = new VerificationService({
    repo: deps.repository, audit: deps.audit, faceEngine: timedFaceAnalyzer(deps.faceEngine, metrics), evidence: deps.evidence,
    completeVerification: deps.completeVerification, policy: verificationPolicy(config), liveness: config.liveness, now: deps.now, log, metrics,
    ...(deps.documents ? { documents: deps.documents } : {}),
    ...(deps.duplicates ? { duplicates: deps.duplicates } : {}),
    ...(deps.passivePad ? { passivePad: deps.passivePad } : {}),
  });
  const pageSettings: CapturePageSettings = {
    countdownSeconds: config.verification.captureCountdownSeconds,
    maxImageBytes: config.server.maxImageBytes,
    liveness: config.liveness,
    assurance: config.verification.assurance,
    challengeFrames: config.verification.challengeFrames,
    challengeFrameIntervalMs: config.verification.challengeFrameIntervalMs,
    page: config.verification.page,
    firstTimeAvailable: deps.documents !== undefined,
    handoffEnabled: config.verification.handoff.enabled,
    kiosk: config.verification.kiosk,
    now: deps.now,
  };
  const ui = new CapturePageUi(deps.repository, pageSettings);
  const now = deps.now ?? Date.now;
  const routeSettings = {
    maxImageBytes: config.server.maxImageBytes,
    maxCapturesPerEnvelope: config.verification.maxCapturesPerEnvelope,
    maxEnvelopeBytes: config.verification.maxEnvelopeBytes,
    maxReturningEnvelopeBytes: config.verification.maxReturningEnvelopeBytes,
    maxBodyBytes: config.server.maxBodyBytes,
  };
  const router = createVerificationRouter(service, { repo: deps.repository, audit: deps.audit, now }, routeSettings, { log, metrics }, { maxClockSkewMs: config.stations.maxClockSkewSeconds * 1000 });
  const handoffs = new HandoffService({ repo: deps.repository, audit: deps.audit, verification: service, config: config.verification.handoff, log, now });
  // Mounted whether enabled or not: with the hand-off disabled no QR code is issued, so no phone route finds one.
  router.use(createHandoffRouter(handoffs, pageSettings, { ...routeSettings, publicBaseUrl: config.server.publicBaseUrl }, { log, metrics, now }));
  return { ui, router, service, handoffs, pageSettings };
}
