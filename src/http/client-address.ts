// The client's address as the appliance believes it: express's req.ip, which walks X-Forwarded-For only
// through the peers in server.trustedProxies ("trust proxy", set in src/cli/create-app.ts) and otherwise
// is the TCP peer. An untrusted peer's X-Forwarded-For is never read. IPv4-mapped IPv6 addresses
// ("::ffff:127.0.0.1") are given in their IPv4 form, so logs and the /metrics allow-list see one spelling.
import { isIP } from 'node:net';
import type { Request } from 'express';

export function clientAddress(req: Request): string | null {
  const ip = req.ip ?? req.socket.remoteAddress;
  if (!ip) return null;
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  const address = mapped ? mapped[1] : ip;
  return isIP(address) === 0 ? null : address;
}
