// What the authorize chain learns about one Entra request, step by step (kept in res.locals).
import type { Response } from 'express';
import type { OidcClientConfig } from '../../config/sections/oidc.js';
import type { VerificationSession } from '../../core/domain.js';
import type { EntraCloud } from '../clouds.js';
import type { ValidatedHint } from '../hint.js';
import type { NegotiatedAuthn } from '../claims-request.js';

/** The request parameters Entra sends; every other parameter is ignored. */
export const AUTHORIZE_PARAMS = [
  'scope', 'response_type', 'response_mode', 'client_id', 'redirect_uri', 'nonce', 'state',
  'client-request-id', 'id_token_hint', 'claims',
] as const;
export type AuthorizeParam = (typeof AUTHORIZE_PARAMS)[number];

export interface AuthorizeContext {
  params: Partial<Record<AuthorizeParam, string>>;
  /** Known parameters that appeared more than once (refused: their meaning would be ambiguous). */
  repeated: AuthorizeParam[];
  /** Set once redirect_uri is validated: from then on, errors are posted back there. */
  postBack?: { redirectUri: string; cloud: EntraCloud; state: string | null };
  client?: OidcClientConfig;
  authn?: NegotiatedAuthn;
  hint?: ValidatedHint;
  session?: VerificationSession;
}

export function authorizeContext(res: Response): AuthorizeContext {
  const ctx = res.locals.authorize as AuthorizeContext | undefined;
  if (!ctx) throw new Error('authorize chain: read-params must run first');
  return ctx;
}

/** A step that needs a value an earlier step sets; reaching it without is a wiring bug. */
export function required<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new Error(`authorize chain: ${name} not set by an earlier step`);
  return value;
}
