// Headers on every response: only same-origin content, never framed, no Referer leaking the URL.
// Pages that need more (the form_post page) set their own CSP.
import type { RequestHandler } from 'express';
import type { ServerConfig } from '../config/sections/server.js';

const CSP = "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";
// One year, the usual floor for HSTS. No includeSubDomains or preload: the appliance's host name may share
// a parent domain with hosts that are not ours to pin to HTTPS.
const HSTS = 'max-age=31536000';

/** Sent on every response; Strict-Transport-Security only when the public URL is https (behind a proxy that terminates TLS). */
export function securityHeaders(server: Pick<ServerConfig, 'publicBaseUrl'>): RequestHandler {
  const https = new URL(server.publicBaseUrl).protocol === 'https:';
  return (_req, res, next) => {
    res.setHeader('Content-Security-Policy', CSP);
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    if (https) res.setHeader('Strict-Transport-Security', HSTS);
    next();
  };
}
