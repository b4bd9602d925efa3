// The loopback API's doors. The agent listens on 127.0.0.1 only, but a loopback port is reachable from
// every page the station's browser opens, so:
//  - Host must name the loopback address and this port (a DNS-rebinding page reaches 127.0.0.1 under its
//    own host name, which is refused here);
//  - Origin must be the configured appliance origin, on every request and its preflight (a page from any
//    other origin gets no CORS headers and a 403, so the browser neither sends nor reads);
//  - bodies are JSON of at most listen.maxBodyBytes (requests carry ids, a nonce and an access key).
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';

export interface GuardError { status: number; error: string; message: string }

export function refuse(res: Response, e: GuardError): void {
  res.status(e.status).json({ error: e.error, message: e.message, reset: false });
}

/** Host: 127.0.0.1:<port> or localhost:<port>, nothing else. `port()` is read per request (port 0 binds late). */
export function loopbackHostGuard(port: () => number): RequestHandler {
  return (req, res, next) => {
    const host = req.headers.host ?? '';
    const allowed = [`127.0.0.1:${port()}`, `localhost:${port()}`];
    if (!allowed.includes(host.toLowerCase())) return refuse(res, { status: 421, error: 'host-refused', message: 'the agent answers only requests addressed to 127.0.0.1 or localhost and its own port' });
    next();
  };
}

/** Strict CORS: the configured origin or nothing; answers preflights itself. */
export function applianceOriginGuard(allowedOrigin: string): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    res.vary('Origin');
    const origin = req.headers.origin;
    if (origin !== allowedOrigin) return refuse(res, { status: 403, error: 'origin-refused', message: 'only the appliance\'s pages may call the station agent' });
    res.setHeader('Access-Control-Allow-Origin', allowedOrigin);
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST');
      res.setHeader('Access-Control-Allow-Headers', 'content-type');
      res.setHeader('Access-Control-Max-Age', '600');
      // Chromium's Private Network Access: a page on the appliance's address calling loopback asks first.
      if (req.headers['access-control-request-private-network'] === 'true') res.setHeader('Access-Control-Allow-Private-Network', 'true');
      res.status(204).end();
      return;
    }
    next();
  };
}

/** JSON bodies only, bounded; a body that is not a JSON object is refused before any route runs. */
export function boundedJsonBody(maxBytes: number): RequestHandler[] {
  return [
    (req, res, next) => {
      if (req.method !== 'POST') return next();
      if (!req.is('application/json')) return refuse(res, { status: 415, error: 'unsupported-media-type', message: 'send application/json' });
      next();
    },
    express.json({ limit: maxBytes, strict: true }),
    (req, res, next) => {
      if (req.method === 'POST' && (req.body === null || typeof req.body !== 'object' || Array.isArray(req.body))) {
        return refuse(res, { status: 400, error: 'bad-request', message: 'the body must be a JSON object' });
      }
      next();
    },
  ];
}

/** Body-parser failures (too large, not JSON) as the API's own refusals. */
export function bodyErrorHandler(err: unknown, _req: Request, res: Response, next: NextFunction): void {
  const e = err as { type?: string; status?: number };
  if (e?.type === 'entity.too.large') return refuse(res, { status: 413, error: 'payload-too-large', message: 'the request body is larger than the agent accepts' });
  if (e?.type === 'entity.parse.failed') return refuse(res, { status: 400, error: 'bad-request', message: 'the body is not valid JSON' });
  next(err);
}
