// Access tokens for Microsoft Graph by the OAuth 2.0 client credentials grant, the client authenticated
// by a certificate-signed assertion (client-assertion.ts). A token is reused until shortly before it
// expires; concurrent callers share one request. The token is held in memory only, never logged.
import { buildClientAssertion } from './client-assertion.js';
import { boundedExchange } from './bounded-response.js';
import { graphRefused, graphUnavailable, safeErrorCode } from './graph-errors.js';
import type { AssertionSigner } from './graph-client-key.js';

/** A token endpoint answer is a few KiB (the access token itself up to a few thousand characters). */
export const MAX_TOKEN_RESPONSE_BYTES = 64 * 1024;
const MAX_ACCESS_TOKEN_CHARS = 16 * 1024;
/** A token is renewed this long before Entra says it expires (clock skew, a slow call in between). */
export const TOKEN_RENEW_BEFORE_SECONDS = 300;

export interface GraphTokenClientOptions {
  /** Authority without the tenant, e.g. https://login.microsoftonline.com. */
  authorityBaseUrl: string;
  tenantId: string;
  clientId: string;
  /** Graph with its version; the scope is its origin + "/.default". */
  graphBaseUrl: string;
  signer: AssertionSigner;
  timeoutMs: number;
  now?: () => number;
  fetch?: typeof fetch;
}

interface CachedToken {
  accessToken: string;
  renewAt: number;
}

export function tokenEndpointOf(authorityBaseUrl: string, tenantId: string): string {
  return `${authorityBaseUrl}/${encodeURIComponent(tenantId)}/oauth2/v2.0/token`;
}

export function graphScopeOf(graphBaseUrl: string): string {
  return `${new URL(graphBaseUrl).origin}/.default`;
}

export class GraphTokenClient {
  readonly #opts: GraphTokenClientOptions;
  readonly #now: () => number;
  readonly tokenEndpoint: string;
  readonly scope: string;
  #cached: CachedToken | undefined;
  #pending: Promise<string> | undefined;

  constructor(opts: GraphTokenClientOptions) {
    this.#opts = opts;
    this.#now = opts.now ?? Date.now;
    this.tokenEndpoint = tokenEndpointOf(opts.authorityBaseUrl, opts.tenantId);
    this.scope = graphScopeOf(opts.graphBaseUrl);
  }

  /** A valid access token: the cached one, or a new one from the token endpoint. */
  async accessToken(): Promise<string> {
    const cached = this.#cached;
    if (cached && this.#now() < cached.renewAt) return cached.accessToken;
    this.#pending ??= this.#request().finally(() => { this.#pending = undefined; });
    return this.#pending;
  }

  /** Drops the cached token (Graph answered 401: it was revoked or the app's credentials changed). */
  forget(): void {
    this.#cached = undefined;
  }

  async #request(): Promise<string> {
    const assertion = await buildClientAssertion(this.#opts.signer, {
      clientId: this.#opts.clientId, tokenEndpoint: this.tokenEndpoint, now: Math.floor(this.#now() / 1000),
    });
    const form = new URLSearchParams({
      client_id: this.#opts.clientId,
      scope: this.scope,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
      grant_type: 'client_credentials',
    });
    const res = await boundedExchange({
      endpoint: 'token endpoint',
      url: this.tokenEndpoint,
      init: { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body: form.toString() },
      timeoutMs: this.#opts.timeoutMs,
      maxBytes: MAX_TOKEN_RESPONSE_BYTES,
      fetch: this.#opts.fetch,
    });
    const body = (res.json ?? {}) as Record<string, unknown>;
    if (res.status !== 200) {
      const code = safeErrorCode(body.error);
      const aadsts = Array.isArray(body.error_codes) && Number.isSafeInteger(body.error_codes[0]) ? ` AADSTS${body.error_codes[0] as number}` : '';
      const detail = `HTTP ${res.status}${code ? ` ${code}` : ''}${aadsts}`;
      if (res.status === 429 || res.status >= 500) throw graphUnavailable('token endpoint', detail);
      throw graphRefused('token endpoint', `${detail}${hint(code, body.error_codes)}`);
    }
    const token = body.access_token;
    const expiresIn = body.expires_in;
    if (typeof token !== 'string' || token.length === 0 || token.length > MAX_ACCESS_TOKEN_CHARS || !/^[\x21-\x7e]+$/.test(token)) {
      throw graphRefused('token endpoint', 'HTTP 200 without a usable access_token');
    }
    if (typeof body.token_type !== 'string' || body.token_type.toLowerCase() !== 'bearer') throw graphRefused('token endpoint', 'HTTP 200 with a token_type other than Bearer');
    const seconds = typeof expiresIn === 'number' ? expiresIn : typeof expiresIn === 'string' ? Number(expiresIn) : NaN;
    if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 86_400) throw graphRefused('token endpoint', 'HTTP 200 without a usable expires_in');
    // Renew well before expiry; a token that lives under twice the margin is used for half its life.
    const keepFor = seconds > 2 * TOKEN_RENEW_BEFORE_SECONDS ? seconds - TOKEN_RENEW_BEFORE_SECONDS : seconds / 2;
    this.#cached = { accessToken: token, renewAt: this.#now() + keepFor * 1000 };
    return token;
  }
}

/** What the operator most likely has to fix, for the answers seen when setting up. */
function hint(code: string | null, errorCodes: unknown): string {
  const first = Array.isArray(errorCodes) ? errorCodes[0] : undefined;
  if (first === 700027 || first === 700024) return ' (the client assertion was refused: is the certificate from `proofgate recovery certificate` uploaded to the app registration?)';
  if (first === 700016 || code === 'unauthorized_client') return ' (is recovery.tap.clientId the app registration in recovery.tap.tenantId?)';
  if (first === 90002 || code === 'invalid_request') return ' (is recovery.tap.tenantId right?)';
  if (code === 'invalid_client') return ' (the app registration refused the certificate: upload the one `proofgate recovery certificate` printed)';
  return '';
}
