// Assembles the express app: security headers, body limits, the OIDC provider, the verification UI's
// routes, /health, /metrics (allow-listed), then 404 and the one error handler. Served at the root and, when
// server.publicBaseUrl has a path, also under that path (for proxies that forward it unchanged).
import express, { type Router } from 'express';
import type { ProofgateConfig } from '../config/index.js';
import type { KeyRing } from '../hsm/signing-key.js';
import type { Repository } from '../store/repository.js';
import type { EntraKeySource } from '../oidc/entra-keys.js';
import { oidcRouter } from '../oidc/router.js';
import type { VerificationUi } from '../oidc/verification-ui.js';
import { bodyParsers } from '../http/body-parsers.js';
import { errorHandler, notFound } from '../http/error-handler.js';
import { healthEndpoint, type HealthChecks } from '../http/health.js';
import type { Logger } from '../core/log.js';
import { securityHeaders } from '../http/security-headers.js';
// Observability: the app's one metrics registry, /metrics and the 503 count (docs/observability.md).
import { createMetrics, type ApplianceMetrics } from '../observability/metrics.js';
import { METRICS_PATH, metricsEndpoint } from '../http/metrics-endpoint.js';
import { countUnavailableResponses } from '../http/metrics-responses.js';

export interface AppDeps {
  config: ProofgateConfig;
  repository: Repository;
  keyRing: KeyRing;
  /** Entra's keys for id_token_hint validation: createEntraKeys() from src/oidc/entra-keys.ts. */
  entraKeys: EntraKeySource;
  verificationUi: VerificationUi;
  /** Named checks behind GET /health (HSM, store, biometrics models, ...). */
  healthChecks?: HealthChecks;
  /** More routes, mounted after the provider's (the verification UI's pages and uploads). */
  routers?: Array<{ path: string; router: Router }>;
  /** The structured event log: pinoLogger() in the appliance, silentLogger or a recorder in tests. */
  log: Logger;
  /** The registry /metrics serves; the parts built before the app (verification, completer) count into it too. Absent: the app makes one. */
  metrics?: ApplianceMetrics;
  /** Clock in ms; tests move it. */
  now?: () => number;
}

export function createApp(deps: AppDeps): express.Express {
  const { config } = deps;
  const { log } = deps;
  const metrics = deps.metrics ?? createMetrics();
  // Records after the last signed checkpoint: the trail seals up to the newest checkpoint's seq.
  metrics.watchUnsealedAuditRecords(() => Math.max(0, (deps.repository.lastAuditRecord()?.seq ?? 0) - (deps.repository.lastAuditCheckpoint()?.seq ?? 0)));
  metrics.watchEntraKeysFreshness(() => deps.entraKeys.freshness().ok);
  const now = deps.now ?? Date.now;
  const app = express();
  app.disable('x-powered-by');
  // Forwarded headers are believed only from the configured proxies (false: from nobody).
  app.set('trust proxy', config.server.trustedProxies.length > 0 ? config.server.trustedProxies : false);

  const routes = express.Router();
  routes.use(oidcRouter({ ...deps, log, metrics, now }));
  for (const extra of deps.routers ?? []) routes.use(extra.path, extra.router);
  routes.get('/health', healthEndpoint(deps.healthChecks ?? {}));
  routes.get(METRICS_PATH, metricsEndpoint(metrics, config.server.metricsAllowFrom));

  app.use(countUnavailableResponses(metrics));
  app.use(securityHeaders(config.server));
  app.use(...bodyParsers(config.server));
  const prefix = new URL(config.server.publicBaseUrl).pathname.replace(/\/+$/, '');
  if (prefix) app.use(prefix, routes);
  app.use(routes);
  app.use(notFound);
  app.use(errorHandler);
  return app;
}
