// Configuration section "recovery": account recovery with an Entra Temporary Access Pass (TAP) issued
// through Microsoft Graph once a help-desk request of purpose `recovery` ended verified (docs/helpdesk.md).
// Off by default: an air-gapped appliance never calls out. The defaults object is also the documentation.
import { ConfigError, type SectionReader } from '../validate.js';

export const recoveryTapDefaults = {
  /** Whether the appliance may issue TAPs at all. Off: no outbound call is ever made, every issue is refused. */
  enabled: false,
  /** The Entra tenant (directory) id, a GUID. Required when enabled; requests of other tenants are refused. */
  tenantId: null as string | null,
  /** Application (client) id of the app registration holding UserAuthenticationMethod.ReadWrite.All. Required when enabled. */
  clientId: null as string | null,
  /**
   * The Microsoft identity platform authority, without the tenant. Sovereign clouds:
   * https://login.microsoftonline.us (US Government), https://login.partner.microsoftonline.cn (China).
   */
  authorityBaseUrl: 'https://login.microsoftonline.com',
  /**
   * Microsoft Graph with its version. Sovereign clouds: https://graph.microsoft.us/v1.0 (or dod-graph),
   * https://microsoftgraph.chinacloudapi.cn/v1.0. The token scope is this URL's origin + "/.default".
   */
  graphBaseUrl: 'https://graph.microsoft.com/v1.0',
  /**
   * The client certificate's key pair in the HSM token: CKA_LABEL "<hsm.keyLabelPrefix>/recovery/<keyLabel>",
   * created by `proofgate recovery certificate` (RSA 2048, sensitive, never extractable).
   */
  keyLabel: 'graph-client',
  /** Lifetime of an issued TAP in minutes (Graph accepts 10..43200; the tenant's TAP policy may narrow it). */
  lifetimeMinutes: 60,
  /** Whether the TAP works for one sign-in only (the tenant's TAP policy may force one-time use). */
  isUsableOnce: true,
  /** Bound on one call to the token endpoint or to Graph, in ms; past it the issue fails with ERR_GRAPH_UNAVAILABLE. */
  timeoutMs: 10_000,
};

export const recoveryDefaults = {
  tap: recoveryTapDefaults,
};

export interface RecoveryTapConfig {
  enabled: boolean;
  tenantId: string | null;
  clientId: string | null;
  authorityBaseUrl: string;
  graphBaseUrl: string;
  keyLabel: string;
  lifetimeMinutes: number;
  isUsableOnce: boolean;
  timeoutMs: number;
}

export interface RecoveryConfig {
  tap: RecoveryTapConfig;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** https, or plain http to loopback only (a test's simulated endpoint); no credentials, query or fragment. */
function endpointUrl(r: SectionReader, name: string): string {
  const raw = r.string(name);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(r.key(name), 'an absolute https URL', raw);
  }
  const plainLoopback = url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname);
  if ((url.protocol !== 'https:' && !plainLoopback) || url.username || url.password || url.search || url.hash) {
    throw new ConfigError(r.key(name), 'an https URL without credentials, query or fragment (plain http only to loopback)', raw);
  }
  return raw.replace(/\/+$/, '');
}

function guidOrNull(r: SectionReader, name: string): string | null {
  const v = r.optionalString(name) ?? null;
  if (v !== null && !GUID.test(v)) throw new ConfigError(r.key(name), 'a GUID or null', v);
  return v === null ? null : v.toLowerCase();
}

function readTap(r: SectionReader): RecoveryTapConfig {
  const out: RecoveryTapConfig = {
    enabled: r.boolean('enabled'),
    tenantId: guidOrNull(r, 'tenantId'),
    clientId: guidOrNull(r, 'clientId'),
    authorityBaseUrl: endpointUrl(r, 'authorityBaseUrl'),
    graphBaseUrl: endpointUrl(r, 'graphBaseUrl'),
    keyLabel: r.string('keyLabel', { pattern: /^[A-Za-z0-9._-]{1,32}$/ }),
    lifetimeMinutes: r.number('lifetimeMinutes', { integer: true, min: 10, max: 43_200 }),
    isUsableOnce: r.boolean('isUsableOnce'),
    timeoutMs: r.number('timeoutMs', { integer: true, min: 100, max: 120_000 }),
  };
  // Enabled without the app registration is refused at start-up, naming what is missing (the certificate
  // in the token is checked when the appliance opens it: src/recovery/open-recovery.ts).
  if (out.enabled) {
    if (out.tenantId === null) throw new ConfigError(r.key('tenantId'), 'the Entra tenant id (a GUID) when recovery.tap.enabled is true', null);
    if (out.clientId === null) throw new ConfigError(r.key('clientId'), "the app registration's client id (a GUID) when recovery.tap.enabled is true", null);
  }
  r.done();
  return out;
}

export function readRecoveryConfig(r: SectionReader): RecoveryConfig {
  const out: RecoveryConfig = { tap: readTap(r.section('tap')) };
  r.done();
  return out;
}
