// `proofgate staff add|list|revoke|link`: staff accounts that sign in with passkeys (docs/helpdesk.md,
// "Staff accounts and passkeys"). add and link print a one-time registration link; add, link and revoke
// write an audit record through the audit trail (its MACs need the HSM, so they open the one-shot trail like
// `station add`); list only reads the store. A bad name, role or id is refused before the store or the HSM is
// opened, and changes nothing.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { loadConfig, type ProofgateConfig } from '../../config/index.js';
import { ProofgateError } from '../../core/errors.js';
import type { Repository } from '../../store/repository.js';
import type { StaffMember } from '../../store/staff-store.js';
import { addStaff, issueStaffLink, revokeStaff, staffIdOf, staffNameOf, staffRoleOf, type RegistrationLink } from '../../staff/staff-admin.js';
import { registrationUrl } from '../../staff/staff-paths.js';
import { consoleIo, type CommandIo } from './command-io.js';
import { openCommandRuntime, type CommandRuntime } from './command-runtime.js';

type Options = NonNullable<ParseArgsConfig['options']>;
const CONFIG = { config: { type: 'string' } } as const;

/** The flags of each subcommand (the command table checks them before anything runs). */
export const staffOptions = {
  add: { role: { type: 'string' }, ...CONFIG },
  list: { json: { type: 'boolean' }, ...CONFIG },
  revoke: CONFIG,
  link: CONFIG,
} as const satisfies Record<string, Options>;

export const staffUsage = {
  add: 'staff add NAME --role helpdesk|kiosk-operator|admin [--config FILE]',
  list: 'staff list [--json] [--config FILE]',
  revoke: 'staff revoke ID [--config FILE]',
  link: 'staff link ID [--config FILE]',
} as const;

export const staffPositionals = { add: 1, list: 0, revoke: 1, link: 1 } as const;

export type StaffSubcommand = keyof typeof staffOptions;

/** The store and the trail (src/cli/commands/command-runtime.ts), and the config the links are built from. */
export type StaffRuntime = CommandRuntime & { config: ProofgateConfig };

function usageError(sub: StaffSubcommand, message: string): ProofgateError {
  return new ProofgateError('ERR_USAGE', `${message}; usage: proofgate ${staffUsage[sub]}`, { status: 400 });
}

const iso = (ms: number | null): string => (ms === null ? '-' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z'));

function memberJson(repo: Repository, m: StaffMember) {
  const credentials = repo.staff.listCredentials(m.staffId);
  const passkeys = credentials.filter((c) => c.revokedAt === null).length;
  // Dormant accounts stand out: the last time any of their passkeys signed in.
  const used = credentials.map((c) => c.lastUsedAt ?? 0).reduce((a, b) => Math.max(a, b), 0);
  return {
    id: m.staffId, name: m.name, role: m.role, status: m.status, passkeys, addedAt: iso(m.createdAt),
    lastSignInAt: used === 0 ? null : iso(used), revokedAt: m.revokedAt === null ? null : iso(m.revokedAt),
  };
}

function list(repo: Repository, json: boolean, io: CommandIo): number {
  const members = repo.staff.listStaff().map((m) => memberJson(repo, m));
  if (json) {
    io.out(JSON.stringify({ staff: members }));
    return 0;
  }
  io.out('ID  NAME  ROLE  STATUS  PASSKEYS  ADDED  LAST SIGN-IN  REVOKED');
  for (const m of members) io.out(`${m.id}  ${JSON.stringify(m.name)}  ${m.role}  ${m.status}  ${m.passkeys}  ${m.addedAt}  ${m.lastSignInAt ?? '-'}  ${m.revokedAt ?? '-'}`);
  io.out(`${members.length} staff member(s), ${members.filter((m) => m.status === 'active').length} active`);
  return 0;
}

function printLink(config: ProofgateConfig, link: RegistrationLink, io: CommandIo): void {
  io.out(registrationUrl(config.server.publicBaseUrl, link.token));
  io.out(`one-time registration link, valid until ${iso(link.expiresAt)}: give it to the staff member only (whoever opens it first registers a passkey)`);
  if (config.staff.rpId === null) io.err('warning: server.publicBaseUrl is an IP address; set it (or staff.rpId) to a host name, or browsers will refuse the passkey');
}

async function openStaffRuntime(configFile: string | undefined): Promise<StaffRuntime> {
  const config = loadConfig(configFile);
  return { ...(await openCommandRuntime(configFile)), config };
}

/** Resolves to the exit code (0 done); refusals throw with a message that says what was wrong. */
export async function staffCommand(
  sub: StaffSubcommand, args: string[], runtime: (configFile: string | undefined) => Promise<StaffRuntime> = openStaffRuntime, io: CommandIo = consoleIo,
): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: staffOptions[sub], strict: true, allowPositionals: true });
  const v = values as { role?: string; json?: boolean; config?: string };
  if (positionals.length !== staffPositionals[sub]) {
    throw usageError(sub, sub === 'add' ? 'the staff member\'s NAME is required' : sub === 'list' ? 'no arguments are taken' : 'the staff ID is required');
  }
  // Everything the operator typed is checked before the store or the HSM is opened.
  if (sub === 'add') {
    staffNameOf(positionals[0]);
    if (v.role === undefined) throw usageError(sub, '--role is required');
    staffRoleOf(v.role);
  }
  if (sub === 'revoke' || sub === 'link') staffIdOf(positionals[0]);

  const rt = await runtime(v.config);
  try {
    if (sub === 'list') return list(rt.repository, v.json === true, io);
    const trail = await rt.openAudit();
    try {
      const deps = { repo: rt.repository, audit: trail.audit, now: () => rt.now() };
      const ttlSeconds = rt.config.staff.registrationLinkTtlSeconds;
      if (sub === 'add') {
        const { member, audit, link } = addStaff(deps, { name: positionals[0], role: v.role!, ttlSeconds, actor: null });
        io.out(`staff ${member.staffId} added: ${JSON.stringify(member.name)}, ${member.role}; audit record ${audit.seq}`);
        printLink(rt.config, link, io);
        return 0;
      }
      if (sub === 'link') {
        const { member, audit, link } = issueStaffLink(deps, { staffId: positionals[0], ttlSeconds, actor: null });
        io.out(`new registration link for staff ${member.staffId} (${JSON.stringify(member.name)}); earlier unused links no longer work; audit record ${audit.seq}`);
        printLink(rt.config, link, io);
        return 0;
      }
      const { member, audit } = revokeStaff(deps, { staffId: positionals[0], actor: null });
      io.out(`staff ${member.staffId} (${JSON.stringify(member.name)}) revoked at ${iso(member.revokedAt)}: passkeys and sessions ended; audit record ${audit.seq}`);
      return 0;
    } finally {
      await trail.close();
    }
  } finally {
    await rt.close();
  }
}
