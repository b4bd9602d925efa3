// Configuration section "helpdesk": verification requests a help-desk agent sends to a person (docs/helpdesk.md),
// who they are shown to, and the webhook that tells an ITSM tool when one is decided.
// The defaults object is also the documentation: one comment per key.
import { ConfigError, type SectionReader } from '../validate.js';

export const HELPDESK_ROLES = ['helpdesk', 'kiosk-operator', 'admin'] as const;
export type HelpdeskRole = (typeof HELPDESK_ROLES)[number];

export const helpdeskDefaults = {
  /** How long a new request's link and code work unless the agent chooses otherwise, in seconds (24 h). */
  requestTtlSeconds: 86_400,
  /** The longest lifetime an agent or an API client may choose, in seconds (7 days); a longer one is refused. */
  maxRequestTtlSeconds: 604_800,
  /** Digits of the short code the agent reads out (6 to 8). */
  codeLength: 6,
  /** Wrong codes typed for a request before its code stops working (its link still works). */
  maxCodeAttempts: 5,
  /** Staff roles that may see a result's evidence images in the console (everyone else sees checks and scores only). */
  imagesVisibleTo: ['admin'] as string[],
  /** Seconds a signed result (the JWS) stays valid after it is issued (its `exp`). */
  resultLifetimeSeconds: 3_600,
  webhook: {
    /** URLs that receive the signed result (POST, application/jwt) when a request is decided; empty: no webhook. */
    urls: [] as string[],
    /** Shared secret: each delivery carries X-Proofgate-Signature: sha256=<hex HMAC of the body>. Required when urls is non-empty (>= 32 characters). */
    secret: null as string | null,
    /** Milliseconds one delivery attempt may take. */
    timeoutMs: 5_000,
    /** Attempts per URL, the first included; a failing receiver never changes the decision. */
    maxAttempts: 4,
    /** Delay before the second attempt in ms; doubled for each later one. */
    retryDelayMs: 1_000,
  },
};

export interface HelpdeskWebhookConfig {
  urls: string[];
  secret: string | null;
  timeoutMs: number;
  maxAttempts: number;
  retryDelayMs: number;
}

export interface HelpdeskConfig {
  requestTtlSeconds: number;
  maxRequestTtlSeconds: number;
  codeLength: number;
  maxCodeAttempts: number;
  imagesVisibleTo: HelpdeskRole[];
  resultLifetimeSeconds: number;
  webhook: HelpdeskWebhookConfig;
}

const HTTP_URL = /^https?:\/\/[^\s]+$/;

export function readHelpdeskConfig(r: SectionReader): HelpdeskConfig {
  const maxRequestTtlSeconds = r.number('maxRequestTtlSeconds', { integer: true, min: 60, max: 604_800 });
  const w = r.section('webhook');
  const urls = w.stringArray('urls', { pattern: HTTP_URL });
  // A URL is logged with each delivery and kept in webhook_deliveries: it must hold no credential (user
  // info or a query string, where tokens hide); the receiver authenticates the body's HMAC instead.
  if (urls.length > 10) throw new ConfigError(w.key('urls'), 'at most 10 URLs', urls.length);
  urls.forEach((u, i) => {
    let parsed: URL | null = null;
    try { parsed = new URL(u); } catch { /* refused below */ }
    if (!parsed || u.length > 2048 || parsed.username !== '' || parsed.password !== '' || parsed.search !== '' || parsed.hash !== '') {
      throw new ConfigError(`${w.key('urls')}[${i}]`, 'an http(s) URL of at most 2048 characters without user info, query or fragment (the receiver checks the HMAC signature instead)', u.slice(0, 100));
    }
  });
  const secret = w.optionalString('secret') ?? null;
  if (urls.length > 0 && (secret === null || secret.length < 32)) {
    throw new ConfigError(w.key('secret'), 'a string of at least 32 characters when webhook.urls is not empty', secret);
  }
  const webhook: HelpdeskWebhookConfig = {
    urls, secret,
    timeoutMs: w.number('timeoutMs', { integer: true, min: 100, max: 60_000 }),
    maxAttempts: w.number('maxAttempts', { integer: true, min: 1, max: 10 }),
    retryDelayMs: w.number('retryDelayMs', { integer: true, min: 10, max: 600_000 }),
  };
  w.done();
  const out: HelpdeskConfig = {
    requestTtlSeconds: r.number('requestTtlSeconds', { integer: true, min: 60, max: maxRequestTtlSeconds }),
    maxRequestTtlSeconds,
    codeLength: r.number('codeLength', { integer: true, min: 6, max: 8 }),
    maxCodeAttempts: r.number('maxCodeAttempts', { integer: true, min: 1, max: 20 }),
    imagesVisibleTo: r.stringArray('imagesVisibleTo', { pattern: /^(helpdesk|kiosk-operator|admin)$/ }) as HelpdeskRole[],
    resultLifetimeSeconds: r.number('resultLifetimeSeconds', { integer: true, min: 60, max: 604_800 }),
    webhook,
  };
  r.done();
  return out;
}
