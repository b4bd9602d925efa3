// `proofgate profile list|show|delete`: the enrolled accounts, one account's metadata and the audit
// records that concern it, and the erasure of an account's biometric data (an erasure request). Nothing
// here ever prints a template or an image. list and show only read the store; delete also opens the HSM
// (its audit record carries an HSM-derived MAC) and asks for confirmation unless --yes.
import { createInterface } from 'node:readline/promises';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ProofgateError } from '../../core/errors.js';
import type { AccountActivity, ProfileSummary, Repository } from '../../store/repository.js';
import { consoleIo, type CommandIo } from './command-io.js';
import { openCommandRuntime, type CommandRuntime } from './command-runtime.js';
import { eraseAccount } from './erase-account.js';

type Options = NonNullable<ParseArgsConfig['options']>;

const CONFIG = { config: { type: 'string' } } as const;

/** The flags of each subcommand (the command table checks them before anything runs). */
export const profileOptions = {
  list: { tid: { type: 'string' }, after: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' }, ...CONFIG },
  show: { tid: { type: 'string' }, oid: { type: 'string' }, json: { type: 'boolean' }, ...CONFIG },
  delete: { tid: { type: 'string' }, oid: { type: 'string' }, yes: { type: 'boolean' }, reference: { type: 'string' }, ...CONFIG },
} as const satisfies Record<string, Options>;

export const profileUsage = {
  list: 'profile list [--tid GUID] [--after TID/OID] [--limit N] [--json] [--config FILE]',
  show: 'profile show --tid GUID --oid GUID [--json] [--config FILE]',
  delete: 'profile delete --tid GUID --oid GUID [--yes] [--reference TEXT] [--config FILE]',
} as const;

export type ProfileSubcommand = keyof typeof profileOptions;

export const PROFILE_PAGE_DEFAULT = 100;
export const PROFILE_PAGE_MAX = 1000;
/** Audit seqs `profile show` lists (the newest); the total is always given. */
export const SHOW_AUDIT_SEQS = 1000;
const REFERENCE_MAX = 200;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** What the command works on; `profileCommand` opens the configured store and HSM by default. */
export interface ProfileRuntime extends CommandRuntime {
  /** Asks the operator; resolves to the line they typed. */
  ask(question: string): Promise<string>;
}

function usageError(sub: ProfileSubcommand, message: string): ProofgateError {
  return new ProofgateError('ERR_USAGE', `${message}; usage: proofgate ${profileUsage[sub]}`, { status: 400 });
}

/** Account ids as the store keeps them: lowercase GUIDs (as enrolment and the hint give them). */
function accountId(sub: ProfileSubcommand, flag: 'tid' | 'oid', value: string | undefined): string {
  if (value === undefined) throw usageError(sub, `--${flag} is required`);
  const id = value.trim().toLowerCase();
  if (!GUID.test(id)) throw usageError(sub, `--${flag} must be a GUID (got "${printable(value)}")`);
  return id;
}

/** A value from the store or the command line, safe to print on a terminal. */
function printable(v: string): string {
  return v.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

const iso = (ms: number | null): string => (ms === null ? '-' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z'));

function summaryJson(p: ProfileSummary) {
  return {
    tid: p.tid, oid: p.oid, upn: p.upn, profileId: p.profileId, enrolledAt: iso(p.enrolledAt), updatedAt: iso(p.updatedAt),
    embedder: p.modelId, enrolmentMethod: p.enrolmentMethod, lastVerifiedAt: p.lastVerifiedAt === null ? null : iso(p.lastVerifiedAt),
  };
}

function list(repo: Repository, args: string[], io: CommandIo): number {
  const { values } = parseArgs({ args, options: profileOptions.list, strict: true, allowPositionals: false });
  const tid = values.tid === undefined ? undefined : accountId('list', 'tid', values.tid);
  let after: { tid: string; oid: string } | undefined;
  if (values.after !== undefined) {
    const [a, b, ...rest] = values.after.split('/');
    if (rest.length > 0 || b === undefined) throw usageError('list', '--after must be TID/OID (the last account of the previous page)');
    after = { tid: accountId('list', 'tid', a), oid: accountId('list', 'oid', b) };
  }
  const limit = values.limit === undefined ? PROFILE_PAGE_DEFAULT : Number(values.limit);
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > PROFILE_PAGE_MAX) throw usageError('list', `--limit must be an integer 1..${PROFILE_PAGE_MAX}`);
  const page = repo.listProfiles({ tid, after, limit });
  const last = page.at(-1);
  const next = page.length === limit && last ? `${last.tid}/${last.oid}` : null;
  if (values.json) {
    io.out(JSON.stringify({ profiles: page.map(summaryJson), next }, null, 2));
    return 0;
  }
  io.out(['TID', 'OID', 'UPN', 'ENROLLED', 'EMBEDDER', 'LAST VERIFIED'].join('  '));
  for (const p of page) {
    io.out([p.tid, p.oid, printable(p.upn ?? '-'), iso(p.enrolledAt), printable(p.modelId), iso(p.lastVerifiedAt)].join('  '));
  }
  io.out(next
    ? `${page.length} profile(s); more: proofgate profile list --after ${next}${tid ? ` --tid ${tid}` : ''} --limit ${limit}`
    : `${page.length} profile(s)`);
  return 0;
}

function activityLines(a: AccountActivity): string[] {
  const seqs = a.auditSeqs.length < a.auditTotal ? `the newest ${a.auditSeqs.length} of ${a.auditTotal}: ` : '';
  return [
    `sessions:        ${a.sessions}`,
    `stored images:   ${a.imagesStored} (encrypted; ${a.imagesPurged} more purged or erased, hashes kept)`,
    `audit records:   ${a.auditTotal}${a.auditTotal ? ` (${seqs}seq ${a.auditSeqs.join(', ')})` : ''}`,
  ];
}

function show(repo: Repository, args: string[], io: CommandIo): number {
  const { values } = parseArgs({ args, options: profileOptions.show, strict: true, allowPositionals: false });
  const tid = accountId('show', 'tid', values.tid);
  const oid = accountId('show', 'oid', values.oid);
  const profile = repo.getProfileSummary(tid, oid);
  const activity = repo.accountActivity(tid, oid, SHOW_AUDIT_SEQS);
  if (!profile && activity.sessions === 0 && activity.auditTotal === 0) {
    io.err(`proofgate profile show: unknown account ${tid}/${oid} (no profile, no session, no audit record)`);
    return 1;
  }
  if (values.json) {
    io.out(JSON.stringify({ tid, oid, profile: profile ? summaryJson(profile) : null, ...activity }, null, 2));
    return 0;
  }
  io.out(`account:         ${tid}/${oid}`);
  if (profile) {
    io.out(`profile:         ${profile.profileId}`);
    io.out(`upn:             ${printable(profile.upn ?? '-')}`);
    io.out(`enrolled:        ${iso(profile.enrolledAt)}${profile.enrolmentMethod ? ` (${printable(profile.enrolmentMethod)})` : ''}`);
    io.out(`updated:         ${iso(profile.updatedAt)}`);
    io.out(`embedder:        ${printable(profile.modelId)}`);
    io.out(`last verified:   ${iso(profile.lastVerifiedAt)}`);
  } else {
    io.out('profile:         none (the next verification of this account is a first-time one)');
  }
  for (const line of activityLines(activity)) io.out(line);
  return 0;
}

async function erase(rt: ProfileRuntime, args: string[], io: CommandIo): Promise<number> {
  const { values } = parseArgs({ args, options: profileOptions.delete, strict: true, allowPositionals: false });
  const tid = accountId('delete', 'tid', values.tid);
  const oid = accountId('delete', 'oid', values.oid);
  const reference = values.reference ?? null;
  if (reference !== null && (reference.length === 0 || reference.length > REFERENCE_MAX || /[\u0000-\u001f\u007f-\u009f]/.test(reference))) {
    throw usageError('delete', `--reference must be 1..${REFERENCE_MAX} printable characters`);
  }
  const repo = rt.repository;
  const profile = repo.getProfileSummary(tid, oid);
  const activity = repo.accountActivity(tid, oid, 0);
  if (!profile && !repo.getSubject(tid, oid) && activity.imagesStored === 0) {
    io.err(`proofgate profile delete: unknown account ${tid}/${oid}: no profile, directory entry or stored image; nothing erased`);
    // Run again after an erasure whose log could not be truncated, this finishes the job.
    return (await scrubWal(repo, io)) ? 1 : WAL_NOT_SCRUBBED;
  }
  const what = `${profile ? `the face template of profile ${profile.profileId} (${printable(profile.modelId)})` : 'no profile'} `
    + `and ${activity.imagesStored} stored image(s) of account ${tid}/${oid}`;
  if (!values.yes) {
    const answer = await rt.ask(`This erases ${what}. The audit trail keeps the images' SHA-256 hashes.\nType "erase" to confirm: `);
    if (answer.trim() !== 'erase') {
      io.err('proofgate profile delete: not confirmed; nothing erased');
      return 1;
    }
  }
  const trail = await rt.openAudit();
  let result: ReturnType<typeof eraseAccount>;
  try {
    result = eraseAccount({ repo, audit: trail.audit }, { tid, oid, reference, at: rt.now() });
  } finally {
    await trail.close();
  }
  if (!result) {
    io.err(`proofgate profile delete: account ${tid}/${oid} holds nothing to erase any more; nothing erased`);
    return 1;
  }
  io.out(`erased ${tid}/${oid}: ${result.erasure.profileId ? `profile ${result.erasure.profileId}` : 'no profile'}, `
    + `${result.erasure.imagesErased} stored image(s); audit record ${result.audit.seq}`);
  return (await scrubWal(repo, io, `proofgate profile delete --tid ${tid} --oid ${oid}`)) ? 0 : WAL_NOT_SCRUBBED;
}

/** Exit code of a `profile delete` whose erasure committed but whose write-ahead log still holds older pages. */
export const WAL_NOT_SCRUBBED = 3;
const WAL_SCRUB_TRIES = 3;
const WAL_SCRUB_PAUSE_MS = 500;

/**
 * Truncates the write-ahead log, where pages written before the erasure (the template, the names) can
 * linger after secure_delete zeroed them in the main file. A reader or the server writing can keep the
 * checkpoint from finishing (SQLite reports it, it does not throw): a few tries, then the operator is told.
 */
async function scrubWal(repo: Repository, io: CommandIo, rerun?: string): Promise<boolean> {
  let problem = 'another connection kept the checkpoint from finishing';
  for (let attempt = 1; attempt <= WAL_SCRUB_TRIES; attempt++) {
    try {
      if (repo.scrubWal()) return true;
    } catch (e) {
      problem = (e as Error).message;
    }
    if (attempt < WAL_SCRUB_TRIES) await new Promise((r) => setTimeout(r, WAL_SCRUB_PAUSE_MS));
  }
  io.err(`proofgate profile delete: the write-ahead log could not be truncated (${problem}); `
    + 'pages written before the erasure may remain in the database\'s -wal file until a later checkpoint overwrites them. '
    + `Run ${rerun ?? 'this command'} again when the appliance is idle (or with the service stopped) to truncate it.`);
  return false;
}

async function openRuntime(configFile: string | undefined): Promise<ProfileRuntime> {
  const runtime = await openCommandRuntime(configFile);
  return {
    ...runtime,
    async ask(question) {
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return await new Promise<string>((resolve) => {
          rl.once('close', () => resolve('')); // stdin closed (no terminal, nothing piped): not confirmed
          rl.question(question).then(resolve, () => resolve(''));
        });
      } finally {
        rl.close();
      }
    },
  };
}

/** Runs `profile <sub>`; resolves to the exit code. Usage errors are thrown as ERR_USAGE. */
export async function profileCommand(
  sub: ProfileSubcommand, args: string[],
  runtime: (configFile: string | undefined) => Promise<ProfileRuntime> = openRuntime, io: CommandIo = consoleIo,
): Promise<number> {
  const { values } = parseArgs({ args, options: profileOptions[sub] as Options, strict: true, allowPositionals: false });
  const rt = await runtime(typeof values.config === 'string' ? values.config : undefined);
  try {
    if (sub === 'list') return list(rt.repository, args, io);
    if (sub === 'show') return show(rt.repository, args, io);
    return await erase(rt, args, io);
  } finally {
    await rt.close();
  }
}
