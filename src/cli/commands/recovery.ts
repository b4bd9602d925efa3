// `proofgate recovery certificate|test`: the Graph client credential for account recovery (docs/helpdesk.md).
// `certificate` creates (or reuses) the RSA 2048 key in the HSM under recovery.tap.keyLabel and prints its
// self-signed certificate with its thumbprints, to upload to the Entra app registration; issuing a
// certificate is audited (flow recovery), through the one-shot audit trail like `station add`. `test` asks
// the token endpoint for a Graph token with that certificate and says clearly whether it worked; it
// issues no Temporary Access Pass and writes nothing.
import { parseArgs } from 'node:util';
import { loadConfig, resolveDataPath, type ProofgateConfig } from '../../config/index.js';
import { ProofgateError } from '../../core/errors.js';
import type { AuditWriter } from '../../audit/audit-writer.js';
import type { HsmToken } from '../../hsm/hsm-token.js';
import {
  ensureGraphClientCertificate, graphClientLabel, pruneGraphClientCertificates, type GraphClientCertificateResult, type GraphClientKey,
} from '../../recovery/graph-client-key.js';
import { graphClients, openUsableGraphClientKey } from '../../recovery/open-recovery.js';
import { printableName } from '../../verification/station/station-admin.js';
import { consoleIo, type CommandIo } from './command-io.js';
import { recordAct } from '../../audit/record-act.js';
import { recoveryOptions, recoveryUsage, type RecoverySubcommand } from './recovery-options.js';

export { recoveryOptions, recoveryUsage, type RecoverySubcommand } from './recovery-options.js';

/** Validity of a new certificate unless --days says otherwise; at most ten years. */
export const DEFAULT_CERTIFICATE_DAYS = 365;
const MAX_CERTIFICATE_DAYS = 3650;
/** The application permission a TAP needs; `recovery test` looks for it in the token's roles. */
export const TAP_PERMISSION = 'UserAuthenticationMethod.ReadWrite.All';

/** What the command works on; `recoveryCommand` opens the configured token (and, to audit, the store and trail). */
export interface RecoveryRuntime {
  config: ProofgateConfig;
  token: HsmToken;
  openAudit(): Promise<{ audit: AuditWriter; close(): Promise<void> }>;
  now(): number;
  fetch?: typeof fetch;
  close(): Promise<void>;
}

function usageError(sub: RecoverySubcommand, message: string): ProofgateError {
  return new ProofgateError('ERR_USAGE', `${message}; usage: proofgate ${recoveryUsage[sub]}`, { status: 400 });
}

async function openRuntime(configFile: string | undefined): Promise<RecoveryRuntime> {
  const config = loadConfig(configFile);
  const { openHsmToken } = await import('../../hsm/open-hsm.js');
  const token = openHsmToken(config.hsm, resolveDataPath(config.server.dataDir));
  return {
    config,
    token,
    async openAudit() {
      const { openConfiguredRepository } = await import('../../store/open-store.js');
      const { openCommandAuditTrail } = await import('./command-audit-trail.js');
      const repository = openConfiguredRepository(config);
      try {
        const trail = await openCommandAuditTrail(config, repository);
        return { audit: trail.audit, close: async () => { try { await trail.close(); } finally { repository.close(); } } };
      } catch (e) {
        repository.close();
        throw e;
      }
    },
    now: Date.now,
    close: () => token.close(),
  };
}

const iso = (d: string | number): string => new Date(d).toISOString().replace(/\.\d{3}Z$/, 'Z');

function days(raw: string | undefined, sub: RecoverySubcommand): number {
  if (raw === undefined) return DEFAULT_CERTIFICATE_DAYS;
  const n = /^\d{1,5}$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= 1 && n <= MAX_CERTIFICATE_DAYS)) throw usageError(sub, `--days must be a whole number of days from 1 to ${MAX_CERTIFICATE_DAYS}, not "${raw}"`);
  return n;
}

function printCertificate(io: CommandIo, key: GraphClientKey): void {
  const { sha1, sha256 } = key.thumbprints();
  io.out(key.pem().trimEnd());
  io.out(`SHA-256 thumbprint: ${sha256}`);
  io.out(`SHA-1 thumbprint (as the Entra admin center lists it): ${sha1}`);
  io.out(`valid ${iso(key.certificate.validFrom)} to ${iso(key.certificate.validTo)}; key "${key.label}" in the HSM (RSA 2048, never leaves it)`);
}

async function certificate(rt: RecoveryRuntime, opts: { validityDays: number; renew: boolean; by: string | null }, io: CommandIo): Promise<number> {
  const label = graphClientLabel(rt.config.hsm.keyLabelPrefix, rt.config.recovery.tap.keyLabel);
  const result: GraphClientCertificateResult = await ensureGraphClientCertificate(rt.token, { label, validityDays: opts.validityDays, renew: opts.renew, now: rt.now() });
  const { key } = result;
  if (!result.certificateIssued) {
    printCertificate(io, key);
    io.out('this is the certificate already in the token (unchanged); --renew issues a new one');
    return 0;
  }
  let seq: number;
  try {
    const trail = await rt.openAudit();
    try {
      const { sha1, sha256 } = key.thumbprints();
      const record = recordAct(trail.audit, {
        flow: 'recovery', tid: 'recovery', oid: 'graph-client-certificate', at: rt.now(),
        check: {
          name: 'graph-certificate-issue',
          reason: `Graph client certificate issued ${opts.by === null ? 'by an operator who gave no name' : `by ${opts.by}`} for key "${label}" `
            + `(${result.keyCreated ? 'new RSA 2048 key' : 'existing key'}): SHA-256 thumbprint ${sha256}, SHA-1 ${sha1}, valid until ${iso(key.certificate.validTo)}`,
        },
      });
      seq = record.seq;
    } finally {
      await trail.close();
    }
  } catch (e) {
    // Unaudited, it does not stand: the new certificate goes again (the key, harmless without it, stays).
    await pruneGraphClientCertificates(rt.token, key, 'drop').catch(() => undefined);
    throw e;
  }
  await pruneGraphClientCertificates(rt.token, key, 'keep');
  printCertificate(io, key);
  io.out(`${result.keyCreated ? 'new key and certificate' : 'new certificate'}; audit record ${seq}`);
  io.out('upload it to the app registration (Certificates & secrets > Certificates > Upload certificate), then run `proofgate recovery test`');
  return 0;
}

/** The `roles` of a JWT access token, when it is one (Graph tokens are; opaque ones are not inspected). */
function tokenRoles(accessToken: string): string[] | null {
  const parts = accessToken.split('.');
  if (parts.length !== 3) return null;
  try {
    const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as { roles?: unknown };
    return Array.isArray(claims.roles) ? claims.roles.filter((r): r is string => typeof r === 'string') : [];
  } catch {
    return null;
  }
}

async function test(rt: RecoveryRuntime, io: CommandIo): Promise<number> {
  const tap = rt.config.recovery.tap;
  const key = await openUsableGraphClientKey(rt.token, tap, rt.config.hsm.keyLabelPrefix, rt.now());
  const { tokens } = graphClients(tap, key, { fetch: rt.fetch, now: rt.now });
  io.out(`asking ${tokens.tokenEndpoint} for a token (scope ${tokens.scope}) with the certificate ${key.thumbprints().sha256}`);
  let accessToken: string;
  try {
    accessToken = await tokens.accessToken();
  } catch (e) {
    if (!(e instanceof ProofgateError)) throw e;
    io.err(`FAILED [${e.code}] ${e.message}`);
    return 1;
  }
  const roles = tokenRoles(accessToken);
  if (roles !== null && !roles.includes(TAP_PERMISSION)) {
    io.err(`FAILED: the token endpoint accepted the certificate, but the token does not carry the application permission ${TAP_PERMISSION} `
      + '(add it to the app registration and grant admin consent)');
    return 1;
  }
  io.out(`OK: the token endpoint accepted the certificate${roles === null ? '' : ` and the token carries ${TAP_PERMISSION}`}; no Temporary Access Pass was issued`);
  if (!tap.enabled) io.out('note: recovery.tap.enabled is false, so the appliance issues no passes until it is set');
  return 0;
}

/** Resolves to the exit code (0 done, 1 the Graph test failed); refusals throw with a message that says what was wrong. */
export async function recoveryCommand(
  sub: RecoverySubcommand, args: string[], runtime: (configFile: string | undefined) => Promise<RecoveryRuntime> = openRuntime, io: CommandIo = consoleIo,
): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: recoveryOptions[sub], strict: true, allowPositionals: true });
  if (positionals.length > 0) throw usageError(sub, 'no arguments are taken');
  const v = values as { days?: string; renew?: boolean; by?: string; config?: string };
  // Everything the operator typed is checked before the token is opened.
  const validityDays = days(v.days, sub);
  const by = v.by === undefined ? null : printableName(v.by, 'the operator name (--by)');
  const rt = await runtime(v.config);
  try {
    if (sub === 'certificate') return await certificate(rt, { validityDays, renew: v.renew === true, by }, io);
    return await test(rt, io);
  } finally {
    await rt.close();
  }
}
