// `proofgate account status|unlock`: staff look at and lift an account's verification lockout
// (verification.lockout, docs/verification.md). `unlock` is audited: its record goes through the audit
// trail, whose record MACs need the HSM, so it opens the one-shot trail (openCommandAuditTrail) like
// `enrol` and `profile delete`; `status` only reads the store.
import { parseArgs } from 'node:util';
import { loadConfig, type ProofgateConfig } from '../../config/index.js';
import type { Repository } from '../../store/repository.js';
import type { AuditWriter } from '../../audit/audit-writer.js';
import type { CommandAuditTrail } from './command-audit-trail.js';
import { accountLockoutStatus, accountRef, operatorName, unlockAccount } from '../../verification/flow/account-lockout-admin.js';
import { lockEnd } from '../../verification/policy/account-lockout.js';
import { consoleIo, type CommandIo } from './purge.js';

export const ACCOUNT_USAGE = 'account status --tid GUID --oid GUID | account unlock --tid GUID --oid GUID --by NAME  [--config FILE]';

/** What the command needs; `accountCommand` opens the configured store (and, to unlock, the audit trail). */
export interface AccountRuntime {
  config: ProofgateConfig;
  repository: Repository;
  /** Null for `status` (it writes nothing). */
  audit: AuditWriter | null;
  close(): Promise<void> | void;
}

async function openRuntime(configFile: string | undefined, withAudit: boolean): Promise<AccountRuntime> {
  const config = loadConfig(configFile);
  const { openConfiguredRepository } = await import('../../store/open-store.js');
  const repository = openConfiguredRepository(config);
  if (!withAudit) return { config, repository, audit: null, close: () => repository.close() };
  let trail: CommandAuditTrail;
  try {
    const { openCommandAuditTrail } = await import('./command-audit-trail.js');
    trail = await openCommandAuditTrail(config, repository);
  } catch (e) {
    repository.close();
    throw e;
  }
  return {
    config, repository, audit: trail.audit,
    close: async () => {
      try {
        await trail.close();
      } finally {
        repository.close();
      }
    },
  };
}

function usage(io: CommandIo, problem: string): number {
  io.err(`proofgate account: ${problem}\nusage: proofgate ${ACCOUNT_USAGE}`);
  return 2;
}

/** Resolves to the exit code: 0 done, 2 usage error. Bad ids or operator names throw ERR_BAD_REQUEST. */
export async function accountCommand(
  args: string[], runtime?: (configFile: string | undefined, withAudit: boolean) => Promise<AccountRuntime>, io: CommandIo = consoleIo, now: () => number = Date.now,
): Promise<number> {
  const [action, ...rest] = args;
  if (action !== 'status' && action !== 'unlock') return usage(io, action ? `unknown action "${action}"` : 'an action is required');
  let values: { tid?: string; oid?: string; by?: string; config?: string };
  try {
    values = parseArgs({
      args: rest, strict: true, allowPositionals: false,
      options: { tid: { type: 'string' }, oid: { type: 'string' }, by: { type: 'string' }, config: { type: 'string' } },
    }).values;
  } catch (e) {
    return usage(io, (e as Error).message);
  }
  if (!values.tid || !values.oid) return usage(io, '--tid and --oid are required');
  if (action === 'unlock' && !values.by) return usage(io, 'unlock needs --by NAME (who unlocks; recorded in the audit)');
  if (action === 'status' && values.by !== undefined) return usage(io, '--by is for unlock');
  const account = accountRef(values.tid, values.oid);
  // Refused before the store or the HSM is opened: a bad name changes nothing.
  const by = action === 'unlock' ? operatorName(values.by!) : null;

  const rt = await (runtime ?? openRuntime)(values.config, action === 'unlock');
  try {
    const lockout = rt.config.verification.lockout;
    if (action === 'status') {
      const s = accountLockoutStatus(rt.repository, lockout, account, now());
      io.out(`account ${s.tid}/${s.oid}: ${s.lock ? `LOCKED until ${lockEnd(s.lock)} (${s.lock.kind} lock, at ${new Date(s.lock.lockedAt).toISOString()} after ${s.lock.failures} failed verifications)` : 'not locked'}`);
      io.out(`failed verifications counted in the last ${lockout.windowMinutes} min (since the last lock): ${s.failures} of ${s.maxFailures}`);
      io.out(`failed verifications in the last 24 h: ${s.failuresToday} of ${s.maxFailuresPerDay} (then locked until a staff unlock)`);
      return 0;
    }
    if (!rt.audit) throw new Error('account unlock needs the audit trail');
    const r = unlockAccount({ repo: rt.repository, audit: rt.audit, now }, { ...account, by: by! });
    if (!r.audit) {
      io.out(`account ${account.tid}/${account.oid}: not locked and no failures counted; nothing changed, nothing recorded`);
      return 0;
    }
    io.out(`account ${account.tid}/${account.oid}: ${r.lifted ? `unlocked (the ${r.lifted.kind} lock until ${lockEnd(r.lifted)} is lifted)` : 'not locked'}; `
      + `${r.clearedFailures} failure(s) cleared; audit record ${r.audit.seq}`);
    return 0;
  } finally {
    await rt.close();
  }
}
