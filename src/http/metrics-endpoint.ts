// GET /metrics: the registry in Prometheus text format, answered only to client addresses in
// server.metricsAllowFrom (addresses or CIDR blocks), the address being the one resolved through the
// trusted proxies (client-address.ts). Anyone else gets the app's ordinary 404, as for a page that does
// not exist: the endpoint's presence is not revealed.
import { BlockList, isIP } from 'node:net';
import type { RequestHandler } from 'express';
import type { ApplianceMetrics } from '../observability/metrics.js';
import { clientAddress } from './client-address.js';
import { markMonitoringProbe } from './metrics-responses.js';

export const METRICS_PATH = '/metrics';

/** The allow-list as a matcher; entries were validated by the config (isAddressOrCidr). */
export function addressAllowList(entries: readonly string[]): (address: string | null) => boolean {
  const list = new BlockList();
  for (const entry of entries) {
    const [address, prefix] = entry.split('/');
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(prefix), family);
  }
  return (address) => {
    if (address === null) return false;
    const family = isIP(address);
    return family !== 0 && list.check(address, family === 6 ? 'ipv6' : 'ipv4');
  };
}

export function metricsEndpoint(metrics: ApplianceMetrics, allowFrom: readonly string[]): RequestHandler {
  const allowed = addressAllowList(allowFrom);
  return async (req, res, next) => {
    if (!allowed(clientAddress(req))) {
      next();
      return;
    }
    markMonitoringProbe(res);
    const text = await metrics.registry.metrics();
    res.setHeader('Cache-Control', 'no-store');
    res.type(metrics.registry.contentType).send(text);
  };
}
