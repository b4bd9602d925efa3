// The discovery document. The issuer is server.publicBaseUrl verbatim (Entra matches it character for
// character); every endpoint hangs off it, so the document is built once at start-up.
import type { RequestHandler } from 'express';
import type { ProofgateConfig } from '../config/index.js';

export const AUTHORIZE_PATH = '/oidc/authorize';
export const JWKS_PATH = '/oidc/jwks';
export const DISCOVERY_PATH = '/.well-known/openid-configuration';

export function discoveryDocument(config: ProofgateConfig): Record<string, unknown> {
  const issuer = config.server.publicBaseUrl;
  return {
    issuer,
    authorization_endpoint: `${issuer}${AUTHORIZE_PATH}`,
    jwks_uri: `${issuer}${JWKS_PATH}`,
    scopes_supported: ['openid'],
    response_types_supported: ['id_token'],
    response_modes_supported: ['form_post'],
    grant_types_supported: ['implicit'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    claim_types_supported: ['normal'],
    claims_supported: ['iss', 'aud', 'sub', 'nonce', 'acr', 'amr', 'iat', 'exp'],
    acr_values_supported: config.oidc.acrValues,
    claims_parameter_supported: true,
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
  };
}

/** Metadata changes only with the configuration: let Entra and proxies cache it for an hour. */
export function discoveryEndpoint(config: ProofgateConfig): RequestHandler {
  const body = JSON.stringify(discoveryDocument(config));
  return (_req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=3600');
    res.type('application/json').send(body);
  };
}
