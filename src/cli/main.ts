#!/usr/bin/env node
// The `proofgate` command. Each subcommand lives in the module of the area it belongs to and is
// imported only when used, so `proofgate issuer` does not load OpenCV or the HSM.
//
// The table below is the whole command line: each entry names its flags (node:util parseArgs), and
// runCli checks them before anything runs, so `--help`/`-h` anywhere prints the usage and exits 0
// without running the command, and an unknown flag is refused with the usage and exit 2. A command with
// subcommands (hsm, profile) has a table of its own of the same shape.
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { loadConfig, configDefaults } from '../config/index.js';
import { ProofgateError } from '../core/errors.js';
// These modules are light: they load the store, the HSM or an archive only when their command runs.
import { profileCommand, profileOptions, profileUsage } from './commands/profile.js';
import { backupCommand, backupOptions, backupUsage, restoreCommand, restoreOptions, restoreUsage } from './commands/backup.js';
import { stationOptions, stationPositionals, stationUsage } from './commands/station.js';
import { staffOptions, staffPositionals, staffUsage } from './commands/staff.js';
import { apiTokenOptions, apiTokenPositionals, apiTokenUsage } from './commands/api-token.js';
import { enrolmentOptions, enrolmentPositionals, enrolmentUsage } from './commands/enrolment.js';
import { recoveryOptions, recoveryUsage } from './commands/recovery-options.js';

type Options = NonNullable<ParseArgsConfig['options']>;

export interface Command {
  summary: string;
  /** What follows `proofgate`, as the usage line shows it. */
  usage: string;
  /** Every flag it accepts; anything else is refused before run. */
  options: Options;
  /** How many positional arguments it takes (default none). */
  positionals?: number;
  /** A longer --help text than the usage line and summary, when the command has one (it starts with the usage). */
  help?(): Promise<string>;
  run(args: string[]): Promise<number>;
}

export interface CommandGroup {
  summary: string;
  subcommands: Record<string, Command>;
}

const CONFIG_FLAG = { config: { type: 'string' } } as const;

const profileSubcommand = (sub: 'list' | 'show' | 'delete', summary: string): Command => ({
  summary,
  usage: profileUsage[sub],
  options: profileOptions[sub],
  run: (args) => profileCommand(sub, args),
});

const accountSubcommand = (sub: 'status' | 'unlock', usage: string, summary: string): Command => ({
  summary,
  usage,
  options: { tid: { type: 'string' }, oid: { type: 'string' }, ...(sub === 'unlock' ? { by: { type: 'string' } } : {}), ...CONFIG_FLAG },
  async run(args) {
    const { accountCommand } = await import('./commands/account.js');
    return accountCommand([sub, ...args]);
  },
});

const stationSubcommand = (sub: 'add' | 'list' | 'revoke', summary: string): Command => ({
  summary,
  usage: stationUsage[sub],
  options: stationOptions[sub],
  positionals: stationPositionals[sub],
  async run(args) {
    const { stationCommand } = await import('./commands/station.js');
    return stationCommand(sub, args);
  },
});

const staffSubcommand = (sub: 'add' | 'list' | 'revoke' | 'link', summary: string): Command => ({
  summary,
  usage: staffUsage[sub],
  options: staffOptions[sub],
  positionals: staffPositionals[sub],
  async run(args) {
    const { staffCommand } = await import('./commands/staff.js');
    return staffCommand(sub, args);
  },
});

const apiTokenSubcommand = (sub: 'add' | 'list' | 'revoke', summary: string): Command => ({
  summary,
  usage: apiTokenUsage[sub],
  options: apiTokenOptions[sub],
  positionals: apiTokenPositionals[sub],
  async run(args) {
    const { apiTokenCommand } = await import('./commands/api-token.js');
    return apiTokenCommand(sub, args);
  },
});

const enrolmentSubcommand = (sub: 'holds' | 'release' | 'reject', summary: string): Command => ({
  summary,
  usage: enrolmentUsage[sub],
  options: enrolmentOptions[sub],
  positionals: enrolmentPositionals[sub],
  async run(args) {
    const { enrolmentCommand } = await import('./commands/enrolment.js');
    return enrolmentCommand(sub, args);
  },
});

const recoverySubcommand = (sub: 'certificate' | 'test', summary: string): Command => ({
  summary,
  usage: recoveryUsage[sub],
  options: recoveryOptions[sub],
  async run(args) {
    const { recoveryCommand } = await import('./commands/recovery.js');
    return recoveryCommand(sub, args);
  },
});

const hsmSubcommand = (sub: 'init' | 'status' | 'rotate', summary: string): Command => ({
  summary,
  usage: `hsm ${sub}`,
  options: {},
  async run() {
    const { runHsmCommand } = await import('./commands/hsm.js');
    return runHsmCommand([sub], loadConfig());
  },
});

export const commands: Record<string, Command | CommandGroup> = {
  issuer: {
    summary: 'print the OIDC issuer (the configured public base URL)',
    usage: 'issuer',
    options: {},
    async run() {
      console.log(loadConfig().server.publicBaseUrl);
      return 0;
    },
  },
  serve: {
    summary: 'start the appliance (HTTP listener on server.host:server.port) until SIGINT/SIGTERM',
    usage: 'serve',
    options: {},
    async run() {
      const { startAppliance } = await import('./start-appliance.js');
      const appliance = await startAppliance(loadConfig());
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await appliance.close();
      return 0;
    },
  },
  init: {
    summary: 'create what the appliance needs if absent: HSM token, PINs, keys, database (forward-only migrations), evidence data key',
    usage: 'init',
    options: {},
    async run() {
      const { initApplianceState } = await import('./init-appliance.js');
      return initApplianceState(loadConfig());
    },
  },
  'import-entra-jwks': {
    summary: "pin Entra's signing keys from a JWKS file (air-gapped sites: no outbound call is ever made)",
    usage: 'import-entra-jwks FILE|--fetch [--cloud public|usgov|china]',
    options: { fetch: { type: 'boolean' }, cloud: { type: 'string' } },
    positionals: 1,
    async run(args) {
      const { runImportEntraJwks } = await import('./commands/import-entra-jwks.js');
      return runImportEntraJwks(args);
    },
  },
  enrol: {
    summary: 'staff-attested enrolment of a reference photo for an account (kiosk / in-person)',
    usage: 'enrol --tid GUID --oid GUID --photo FILE --attested-by NAME [--upn UPN] [--replace] [--config FILE]',
    options: {
      tid: { type: 'string' }, oid: { type: 'string' }, photo: { type: 'string' }, 'attested-by': { type: 'string' },
      upn: { type: 'string' }, replace: { type: 'boolean' }, ...CONFIG_FLAG,
    },
    async run(args) {
      const { enrolCommand } = await import('./commands/enrol.js');
      return enrolCommand(args);
    },
  },
  account: {
    summary: "an account's verification lockout (verification.lockout): status, or unlock (audited, names the operator)",
    subcommands: {
      status: accountSubcommand('status', 'account status --tid GUID --oid GUID [--config FILE]', "show the account's lock and its counted failures"),
      unlock: accountSubcommand('unlock', 'account unlock --tid GUID --oid GUID --by NAME [--config FILE]', 'lift the lock and clear the count (audited: names the operator)'),
    },
  },
  station: {
    summary: 'trusted kiosk stations whose signed depth, IR and document evidence the appliance believes (docs/kiosk.md)',
    subcommands: {
      add: stationSubcommand('add', "register a station's public key (SPKI PEM: ECDSA P-256 or RSA 2048-4096); prints its id (audited)"),
      list: stationSubcommand('list', 'list the stations: id, name, algorithm, key fingerprint, added, revoked'),
      revoke: stationSubcommand('revoke', "refuse a station's signatures from now on (audited)"),
    },
  },
  staff: {
    summary: 'staff accounts (help desk, kiosk operators, admins) that sign in with passkeys (docs/helpdesk.md)',
    subcommands: {
      add: staffSubcommand('add', 'add a staff member with a role; prints a one-time link to register their passkey (audited)'),
      list: staffSubcommand('list', 'list the staff: id, name, role, status, passkeys, added, last sign-in, revoked'),
      revoke: staffSubcommand('revoke', "revoke a staff member: their passkeys and sessions end at once (audited)"),
      link: staffSubcommand('link', 'a fresh one-time registration link (a lost or new passkey); earlier links stop working (audited)'),
    },
  },
  'api-token': {
    summary: "the help desk's REST API tokens, one per integration, each with its scopes (docs/helpdesk.md)",
    subcommands: {
      add: apiTokenSubcommand('add', 'add a token with scopes requests:create and/or requests:read; prints it once (audited)'),
      list: apiTokenSubcommand('list', 'list the tokens: name, scopes, created, last used, revoked'),
      revoke: apiTokenSubcommand('revoke', 'refuse a token from now on (audited)'),
    },
  },
  enrolment: {
    summary: "enrolments held because their face matched another account's profile (docs/helpdesk.md, duplicate-person detection)",
    subcommands: {
      holds: enrolmentSubcommand('holds', 'list held enrolments, newest first: id, state, account, matched profile and distance'),
      release: enrolmentSubcommand('release', "store a held enrolment as the account's profile (audited)"),
      reject: enrolmentSubcommand('reject', "discard a held enrolment and erase its template (audited)"),
    },
  },
  recovery: {
    summary: 'account recovery with an Entra Temporary Access Pass through Microsoft Graph (recovery.tap; docs/helpdesk.md)',
    subcommands: {
      certificate: recoverySubcommand('certificate', 'create (or reuse) the Graph client key in the HSM and print its certificate and thumbprints to upload to the app registration (audited)'),
      test: recoverySubcommand('test', 'get a Graph token with that certificate and say whether it worked (issues no pass)'),
    },
  },
  profile: {
    summary: "enrolled accounts: list them, show one, erase one's biometric data (erasure requests)",
    subcommands: {
      list: profileSubcommand('list', 'list enrolled accounts: tid, oid, UPN, enrolled at, embedder, last verified (paged)'),
      show: profileSubcommand('show', "one account's profile metadata and the audit records that concern it (never the template)"),
      delete: profileSubcommand('delete', "erase an account's face template and stored images (hashes stay in the audit); asks unless --yes"),
    },
  },
  backup: {
    summary: 'write one archive (0600) of the database (online snapshot), the configuration and the data directory (embedded HSM token included)',
    usage: backupUsage,
    options: backupOptions,
    run: (args) => backupCommand(args),
  },
  restore: {
    summary: 'restore a backup into a data directory (empty, or --force to move the old one aside); writes DIR/proofgate.json',
    usage: restoreUsage,
    options: restoreOptions,
    run: (args) => restoreCommand(args),
  },
  'audit-verify': {
    summary: "verify the audit hash chain, each record's MAC and the HSM-signed checkpoints (trusts the HSM's published keys)",
    usage: 'audit-verify [--jwks FILE]... [--trust-stored-keys] [--export FILE] [--witness FILE] [--no-hsm]',
    options: {
      jwks: { type: 'string', multiple: true }, 'trust-stored-keys': { type: 'boolean' }, export: { type: 'string' },
      witness: { type: 'string' }, 'no-hsm': { type: 'boolean' },
    },
    async run(args) {
      const config = loadConfig();
      const { auditVerifyCommand } = await import('./commands/audit.js');
      if (args.includes('--no-hsm')) return auditVerifyCommand(config, args, {});
      const { openAuditVerifyHsm } = await import('./init-appliance.js');
      const hsm = await openAuditVerifyHsm(config);
      try {
        return await auditVerifyCommand(config, args, { trustedKeys: hsm.trustedKeys, macKeys: hsm.macKeys });
      } finally {
        await hsm.close();
      }
    },
  },
  'audit-export': {
    summary: 'export the audit trail as JSON lines (records, then checkpoints, then signing keys)',
    usage: 'audit-export [--out FILE] [--since SEQ]',
    options: { out: { type: 'string' }, since: { type: 'string' } },
    help: async () => (await import('./commands/audit.js')).auditExportHelp,
    async run(args) {
      const { auditExportCommand } = await import('./commands/audit.js');
      return auditExportCommand(loadConfig(), args);
    },
  },
  purge: {
    summary: 'purge raw evidence images older than store.retentionDays now (the server also does it daily)',
    usage: 'purge',
    options: {},
    async run(args) {
      const { purgeCommand } = await import('./commands/purge.js');
      return purgeCommand(loadConfig(), args);
    },
  },
  'config-defaults': {
    summary: 'print every configuration key with its default value (JSON)',
    usage: 'config-defaults',
    options: {},
    async run() {
      console.log(JSON.stringify(configDefaults, null, 2));
      return 0;
    },
  },
  'config-check': {
    summary: 'validate the configuration file named by PROOFGATE_CONFIG (or --config FILE)',
    usage: 'config-check [--config FILE]',
    options: { ...CONFIG_FLAG },
    async run(args) {
      const i = args.indexOf('--config');
      loadConfig(i >= 0 ? args[i + 1] : undefined);
      console.log('configuration OK');
      return 0;
    },
  },
  hsm: {
    summary: 'HSM token: init (idempotent: token, PINs, first keys), status, rotate',
    subcommands: {
      init: hsmSubcommand('init', 'create the embedded SoftHSM token, PINs, first signing key, wrapping key and audit MAC key (idempotent)'),
      status: hsmSubcommand('status', 'token state, published kids, next switch, wrapping key id'),
      rotate: hsmSubcommand('rotate', 'publish the next signing key (it signs after hsm.overlapHours)'),
    },
  },
  version: {
    summary: 'print the version, the git commit it was built from and the face models (ids, SHA-256); also --version',
    usage: 'version [--json]',
    options: { json: { type: 'boolean' } },
    async run(args) {
      const { versionInfo, versionLines } = await import('./version.js');
      const info = versionInfo();
      if (args.includes('--json')) console.log(JSON.stringify(info, null, 2));
      else for (const line of versionLines(info)) console.log(line);
      return 0;
    },
  },
};

/** Where runCli prints: usage and help to `out`, refusals to `err`. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

const consoleCliIo: CliIo = { out: (t) => console.log(t), err: (t) => console.error(t) };

const isHelp = (a: string): boolean => a === '--help' || a === '-h';
const isGroup = (c: Command | CommandGroup): c is CommandGroup => 'subcommands' in c;

function commandHelp(c: Command): string {
  return `usage: proofgate ${c.usage}\n  ${c.summary}`;
}

function groupHelp(name: string, g: CommandGroup): string {
  const lines = [`usage: proofgate ${name} <${Object.keys(g.subcommands).join('|')}> [options]`, `  ${g.summary}`, ''];
  for (const c of Object.values(g.subcommands)) lines.push(`  ${c.usage}`, `      ${c.summary}`);
  return lines.join('\n');
}

function overallHelp(): string {
  const lines = ['usage: proofgate <command> [options]   (proofgate <command> --help for one command)', '', 'commands:'];
  for (const c of Object.values(commands)) {
    for (const one of isGroup(c) ? Object.values(c.subcommands) : [c]) lines.push(`  ${one.usage}`, `      ${one.summary}`);
  }
  lines.push('  --version', '      same as version');
  return lines.join('\n');
}

/** Checks `args` against the command's flags; the refusal message, or null when they are fine. */
function refusal(c: Command, args: string[]): string | null {
  try {
    const { positionals } = parseArgs({ args, options: c.options, strict: true, allowPositionals: true });
    const allowed = c.positionals ?? 0;
    if (positionals.length > allowed) return `unexpected argument "${positionals[allowed]}"`;
    return null;
  } catch (e) {
    return (e as Error).message.split('\n')[0].replace(/\. To specify a positional argument.*$/, '');
  }
}

/** Runs one command line (without `node main.js`); resolves to the exit code. */
export async function runCli(argv: string[], io: CliIo = consoleCliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.err(overallHelp());
    return 2;
  }
  if (isHelp(name) || name === 'help') {
    io.out(overallHelp());
    return 0;
  }
  const entry = name === '--version' ? commands.version : commands[name];
  if (!entry) {
    io.err(`proofgate: unknown command "${name}"\n${overallHelp()}`);
    return 2;
  }
  let command: Command;
  let label = name;
  let args = rest;
  if (isGroup(entry)) {
    const [sub, ...subArgs] = rest;
    if (sub === undefined || isHelp(sub)) {
      (sub === undefined ? io.err : io.out)(groupHelp(name, entry));
      return sub === undefined ? 2 : 0;
    }
    const found = entry.subcommands[sub];
    if (!found) {
      io.err(`proofgate ${name}: unknown subcommand "${sub}"\n${groupHelp(name, entry)}`);
      return 2;
    }
    command = found;
    label = `${name} ${sub}`;
    args = subArgs;
  } else {
    command = entry;
  }
  if (args.some(isHelp)) {
    io.out(command.help ? await command.help() : commandHelp(command));
    return 0;
  }
  const problem = refusal(command, args);
  if (problem) {
    io.err(`proofgate ${label}: ${problem}\n${commandHelp(command)}`);
    return 2;
  }
  return command.run(args);
}

function invokedDirectly(): boolean {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  // Whatever the shell's umask, what the appliance creates (database, token, PINs, backups, exports) is the
  // service account's alone; each file is also created with an explicit private mode.
  process.umask(0o077);
  runCli(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (error: unknown) => {
      const e = error as { code?: string; message?: string };
      console.error(`proofgate: ${e.code ? `[${e.code}] ` : ''}${e.message ?? String(error)}`);
      // A usage mistake (a missing or malformed value the table could not see) exits 2, like an unknown flag.
      process.exitCode = error instanceof ProofgateError && error.code === 'ERR_USAGE' ? 2 : 1;
    },
  );
}
