// The provider's routes: discovery, JWKS and the authorization endpoint (GET probe, POST request).
import { Router } from 'express';
import type { ProofgateConfig } from '../config/index.js';
import type { KeyRing } from '../hsm/signing-key.js';
import type { Repository } from '../store/repository.js';
import type { Logger } from '../core/log.js';
import type { ApplianceMetrics } from '../observability/metrics.js';
import { authorizeChain } from './authorize/chain.js';
import { healthProbe } from './authorize/health-probe.js';
import { AUTHORIZE_PATH, DISCOVERY_PATH, JWKS_PATH, discoveryEndpoint } from './discovery.js';
import type { EntraKeySource } from './entra-keys.js';
import { jwksEndpoint } from './jwks.js';
import type { VerificationUi } from './verification-ui.js';

export interface OidcRouterDeps {
  config: ProofgateConfig;
  repository: Repository;
  keyRing: KeyRing;
  entraKeys: EntraKeySource;
  verificationUi: VerificationUi;
  log: Logger;
  metrics: ApplianceMetrics;
  now: () => number;
}

export function oidcRouter(d: OidcRouterDeps): Router {
  const router = Router();
  router.get(DISCOVERY_PATH, discoveryEndpoint(d.config));
  router.get(JWKS_PATH, jwksEndpoint(d.keyRing));
  router.get(AUTHORIZE_PATH, healthProbe);
  const chain = authorizeChain({ ...d, config: d.config.oidc });
  router.post(AUTHORIZE_PATH, ...chain.map(([, step]) => step));
  return router;
}
