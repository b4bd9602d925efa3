// Configuration section "server": where the appliance listens and how it is reached from outside.
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
  };
  r.done();
  return out;
}
