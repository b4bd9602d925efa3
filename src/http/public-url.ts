// URLs as the browser sees them. Behind a reverse proxy the scheme, host and path prefix come from
// X-Forwarded-Proto/Host/Prefix, but only when the peer is one of server.trustedProxies (express's
// "trust proxy" setting, set in app.ts, applies the same rule to req.protocol and req.host).
import type { Request } from 'express';

const SAFE_PREFIX = /^(\/[A-Za-z0-9._~-]+)+$/;

/** The connecting peer is one of server.trustedProxies (never decided by a header). */
export function peerIsTrusted(req: Request): boolean {
  const trust = req.app.get('trust proxy fn') as ((addr: string | undefined, i: number) => boolean) | undefined;
  return Boolean(trust?.(req.socket.remoteAddress, 0));
}

/** The path prefix in front of the app's routes: the mount point, else a trusted X-Forwarded-Prefix. */
export function externalPrefix(req: Request): string {
  if (req.baseUrl) return req.baseUrl;
  const forwarded = req.get('x-forwarded-prefix')?.split(',')[0]?.trim().replace(/\/+$/, '');
  if (forwarded && peerIsTrusted(req) && SAFE_PREFIX.test(forwarded) && !forwarded.split('/').includes('..')) return forwarded;
  return '';
}

/** Absolute URL of `path` (starting with "/") under the app, as the browser reaches it. */
export function externalUrl(req: Request, path: string): string {
  return `${req.protocol}://${req.host}${externalPrefix(req)}${path}`;
}
