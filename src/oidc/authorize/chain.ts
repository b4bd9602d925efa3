// The authorization endpoint, as a table: each step is one middleware in its own file.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { OidcConfig } from '../../config/sections/oidc.js';
import type { Repository } from '../../store/repository.js';
import type { Logger } from '../../core/log.js';
import type { ApplianceMetrics } from '../../observability/metrics.js';
import type { EntraKeySource } from '../entra-keys.js';
import type { VerificationUi } from '../verification-ui.js';
import { readParams } from './read-params.js';
import { checkRedirectUri } from './check-redirect-uri.js';
import { checkProtocolParams } from './check-protocol-params.js';
import { checkClient } from './check-client.js';
import { negotiateClaims } from './negotiate-claims.js';
import { validateHint } from './validate-hint.js';
import { openSession } from './open-session.js';
import { startVerification } from './start-verification.js';
import { postBackErrors } from './post-back-errors.js';
import { observeRequest } from './observe-request.js';
import { logRefusal } from './log-refusal.js';

export interface AuthorizeDeps {
  config: OidcConfig;
  repository: Repository;
  entraKeys: EntraKeySource;
  verificationUi: VerificationUi;
  log: Logger;
  metrics: ApplianceMetrics;
  now: () => number;
}

/** [what the step does, the middleware]. Steps before check-redirect-uri fail with an HTTP error page. */
export function authorizeChain(d: AuthorizeDeps): Array<[string, RequestHandler | ErrorRequestHandler]> {
  return [
    ['time the request (the authorize stage)', observeRequest(d.metrics)],
    ['read the form parameters Entra sends', readParams],
    ['redirect_uri is one of the three Entra EAM endpoints', checkRedirectUri],
    ['scope, response_type, response_mode; nonce, state, client-request-id bounded', checkProtocolParams],
    ['client_id is registered', checkClient(d.config)],
    ['claims: choose acr and amr', negotiateClaims(d.config)],
    ['id_token_hint: signature, issuer, audience, tenant, age', validateHint(d.config, d.entraKeys, d.now)],
    ['hint and nonce are used once, and the verification session opens (one commit)', openSession(d.config, d.repository, d.now)],
    ['hand over to the verification UI (logged and counted as accepted)', startVerification(d.verificationUi, d.log, d.metrics)],
    ['every refusal: logged with its code, reason and client address; counted by code', logRefusal(d.log, d.metrics)],
    ['refusals after redirect_uri: post the error back', postBackErrors()],
  ];
}
