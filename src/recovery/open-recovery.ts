// Composition of account recovery for the appliance and the CLI. Disabled (the default): a service that
// refuses every issue, and nothing touches the HSM or the network. Enabled: the Graph client certificate
// must be in the token and valid now, or start-up stops with what to run (ERR_CONFIG).
import { ProofgateError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { AuditWriter } from '../audit/audit-writer.js';
import type { RecoveryTapConfig } from '../config/sections/recovery.js';
import type { HsmToken } from '../hsm/hsm-token.js';
import { graphClientLabel, openGraphClientKey, type GraphClientKey } from './graph-client-key.js';
import { GraphTokenClient } from './graph-token-client.js';
import { GraphTapClient } from './graph-tap-client.js';
import { createRecoveryService } from './recovery-service.js';
import type { RecoveryRequests } from './recovery-requests.js';
import type { RecoveryService } from './temporary-access-pass.js';

/** A certificate this close to its end is still used, with a warning at start-up. */
export const CERTIFICATE_RENEW_WARNING_DAYS = 30;

export interface GraphClients {
  tokens: GraphTokenClient;
  taps: GraphTapClient;
}

/** The token and TAP clients over the key; tenantId and clientId must be set (the config check does it when enabled). */
export function graphClients(config: RecoveryTapConfig, key: GraphClientKey, opts: { fetch?: typeof fetch; now?: () => number } = {}): GraphClients {
  if (config.tenantId === null || config.clientId === null) {
    throw new ProofgateError('ERR_CONFIG', `config config.recovery.tap.${config.tenantId === null ? 'tenantId' : 'clientId'}: expected a GUID, received nothing`);
  }
  const tokens = new GraphTokenClient({
    authorityBaseUrl: config.authorityBaseUrl, tenantId: config.tenantId, clientId: config.clientId, graphBaseUrl: config.graphBaseUrl,
    signer: key, timeoutMs: config.timeoutMs, fetch: opts.fetch, now: opts.now,
  });
  return { tokens, taps: new GraphTapClient({ graphBaseUrl: config.graphBaseUrl, tokens, timeoutMs: config.timeoutMs, fetch: opts.fetch }) };
}

/** The client key from the token, refused when its certificate is not valid at `now`. */
export async function openUsableGraphClientKey(token: HsmToken, config: RecoveryTapConfig, keyLabelPrefix: string, now: number): Promise<GraphClientKey> {
  const key = await openGraphClientKey(token, graphClientLabel(keyLabelPrefix, config.keyLabel));
  const notAfter = Date.parse(key.certificate.validTo);
  if (notAfter <= now) {
    throw new ProofgateError('ERR_CONFIG',
      `the Graph client certificate "${key.label}" expired at ${new Date(notAfter).toISOString()}: run \`proofgate recovery certificate --renew\` and upload the new one`);
  }
  return key;
}

export interface OpenRecoveryDeps {
  config: RecoveryTapConfig;
  /** hsm.keyLabelPrefix. */
  keyLabelPrefix: string;
  token: HsmToken;
  requests: RecoveryRequests;
  audit: AuditWriter;
  log: Logger;
  fetch?: typeof fetch;
  now?: () => number;
}

export async function openRecoveryService(deps: OpenRecoveryDeps): Promise<RecoveryService> {
  const base = { config: deps.config, requests: deps.requests, audit: deps.audit, log: deps.log, now: deps.now };
  if (!deps.config.enabled) return createRecoveryService({ ...base, graph: null });
  const now = (deps.now ?? Date.now)();
  const key = await openUsableGraphClientKey(deps.token, deps.config, deps.keyLabelPrefix, now);
  const daysLeft = Math.floor((Date.parse(key.certificate.validTo) - now) / 86_400_000);
  if (daysLeft < CERTIFICATE_RENEW_WARNING_DAYS) {
    deps.log('recovery.certificate_expiring', { label: key.label, validTo: new Date(key.certificate.validTo).toISOString(), daysLeft }, 'warn');
  }
  const { taps } = graphClients(deps.config, key, { fetch: deps.fetch, now: deps.now });
  return createRecoveryService({ ...base, graph: taps });
}
