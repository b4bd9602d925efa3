// Configuration section "server": where the appliance listens and how it is reached from outside.
import { isIP } from 'node:net';
import { ConfigError, type SectionReader } from '../validate.js';

export const serverDefaults = {
  /** Address to bind. Loopback by default: put nginx (appliance/nginx) in front for public HTTPS. */
  host: '127.0.0.1',
  /** TCP port of the plain-HTTP listener. */
  port: 8443,
  /**
   * Public base URL as Entra sees it (scheme, host, optional port and path prefix, no trailing slash).
   * The OIDC issuer is this URL; discovery is served at <publicBaseUrl>/.well-known/openid-configuration.
   */
  publicBaseUrl: 'http://127.0.0.1:8443',
  /** Peer addresses whose X-Forwarded-* headers are believed (the reverse proxy). Empty: none. */
  trustedProxies: [] as string[],
  /** Largest accepted request body for forms and JSON, in bytes. Image uploads have their own limit. */
  maxBodyBytes: 64 * 1024,
  /** Largest accepted image upload (one capture), in bytes. */
  maxImageBytes: 12 * 1024 * 1024,
  /** Directory for the SQLite database, evidence and runtime files. Relative paths are from the project root. */
  dataDir: 'var',
  /**
   * /health reports degraded when the file system holding dataDir has less free space than this, in MiB:
   * the audit record of a verification is written there, and a full disk fails every decision.
   */
  minFreeDiskMiB: 512,
  /**
   * Client addresses GET /metrics answers (Prometheus text format); anyone else gets 404. An IPv4 or
   * IPv6 address or a CIDR block ("10.0.0.0/8"). The address is the client's as resolved through
   * trustedProxies: a public client behind the proxy is refused even though the proxy connects from
   * loopback. Empty: /metrics answers nobody. See docs/observability.md.
   */
  metricsAllowFrom: ['127.0.0.1', '::1'] as string[],
};

export interface ServerConfig {
  host: string;
  port: number;
  publicBaseUrl: string;
  trustedProxies: string[];
  maxBodyBytes: number;
  maxImageBytes: number;
  dataDir: string;
  minFreeDiskMiB: number;
  metricsAllowFrom: string[];
}

/** An IP address, or an IP address with a prefix length that fits its family ("10.0.0.0/8", "fd00::/8"). */
export function isAddressOrCidr(entry: string): boolean {
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

export function readServerConfig(r: SectionReader): ServerConfig {
  const publicBaseUrl = r.string('publicBaseUrl', { pattern: /^https?:\/\/[^/?#]+(\/[^?#]*[^/?#])?$/ });
  const u = new URL(publicBaseUrl);
  if (u.protocol === 'https:' && u.port === '443' && /:443(\/|$)/.test(publicBaseUrl)) {
    // Entra matches the issuer character for character and rejects an explicit :443.
    throw new ConfigError(r.key('publicBaseUrl'), 'a URL without an explicit ":443" (Entra rejects it in the issuer)', publicBaseUrl);
  }
  const out: ServerConfig = {
    host: r.string('host'),
    port: r.number('port', { integer: true, min: 0, max: 65535 }),
    publicBaseUrl,
    trustedProxies: r.stringArray('trustedProxies'),
    maxBodyBytes: r.number('maxBodyBytes', { integer: true, min: 1024, max: 16 * 1024 * 1024 }),
    maxImageBytes: r.number('maxImageBytes', { integer: true, min: 64 * 1024, max: 64 * 1024 * 1024 }),
    dataDir: r.string('dataDir'),
    minFreeDiskMiB: r.number('minFreeDiskMiB', { integer: true, min: 0, max: 1024 * 1024 }),
    metricsAllowFrom: r.stringArray('metricsAllowFrom'),
  };
  const badEntry = out.metricsAllowFrom.find((a) => !isAddressOrCidr(a));
  if (badEntry !== undefined) throw new ConfigError(r.key('metricsAllowFrom'), 'IP addresses or CIDR blocks (e.g. "127.0.0.1", "10.0.0.0/8")', badEntry);
  r.done();
  return out;
}
