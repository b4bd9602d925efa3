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
import { CapturePageUi } from './verification-ui.js';
import { createVerificationRouter } from './verification-routes.js';
import { VerificationService } from '../flow/verification-service.js';
import { silentLogger, type Logger } from '../../core/log.js';
import { createMetrics, type ApplianceMetrics } from '../../observability/metrics.js';
import { timedFaceAnalyzer } from '../capture/timed-face-analyzer.js';

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
  const log = deps.log ?? silentLogger;
  const metrics = deps.metrics ?? createMetrics({ processMetrics: false });
  const service = new VerificationService({
    repo: deps.repository, audit: deps.audit, faceEngine: timedFaceAnalyzer(deps.faceEngine, metrics), evidence: deps.evidence,
    completeVerification: deps.completeVerification, policy: verificationPolicy(config), liveness: config.liveness, now: deps.now, log, metrics,
    ...(deps.documents ? { documents: deps.documents } : {}),
  });
  const ui = new CapturePageUi(deps.repository, {
    countdownSeconds: config.verification.captureCountdownSeconds,
    maxImageBytes: config.server.maxImageBytes,
    liveness: config.liveness,
    assurance: config.verification.assurance,
    challengeFrames: config.verification.challengeFrames,
    challengeFrameIntervalMs: config.verification.challengeFrameIntervalMs,
    firstTimeAvailable: deps.documents !== undefined,
    now: deps.now,
  });
  const router = createVerificationRouter(service, { repo: deps.repository, audit: deps.audit, now: deps.now ?? Date.now }, {
    maxImageBytes: config.server.maxImageBytes,
    maxCapturesPerEnvelope: config.verification.maxCapturesPerEnvelope,
    maxEnvelopeBytes: config.verification.maxEnvelopeBytes,
    maxReturningEnvelopeBytes: config.verification.maxReturningEnvelopeBytes,
    maxBodyBytes: config.server.maxBodyBytes,
  }, { log, metrics });
  return { ui, router, service };
}
