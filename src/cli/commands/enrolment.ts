// `proofgate enrolment holds|release|reject`: enrolments held because their face matched another
// account's profile (docs/helpdesk.md, "Duplicate-person detection"). holds only reads the store; release
// and reject write one audit record each through the audit trail (its record MACs need the HSM, so they
// open the one-shot trail like `station add`). A malformed hold id is refused before anything is opened.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ProofgateError } from '../../core/errors.js';
import type { Repository } from '../../store/repository.js';
import { ENROLMENT_HOLD_STATES, type EnrolmentHold, type EnrolmentHoldState } from '../../store/enrolment-hold-store.js';
import { listEnrolmentHolds, rejectEnrolmentHold, releaseEnrolmentHold } from '../../verification/flow/enrolment-holds.js';
import { consoleIo, type CommandIo } from './command-io.js';
import { openCommandRuntime, type CommandRuntime } from './command-runtime.js';

type Options = NonNullable<ParseArgsConfig['options']>;
const CONFIG = { config: { type: 'string' } } as const;

/** The flags of each subcommand (the command table checks them before anything runs). */
export const enrolmentOptions = {
  holds: { state: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' }, ...CONFIG },
  release: { ...CONFIG },
  reject: { ...CONFIG },
} as const satisfies Record<string, Options>;

export const enrolmentUsage = {
  holds: 'enrolment holds [--state held|released|rejected|erased] [--limit N] [--json] [--config FILE]',
  release: 'enrolment release ID [--config FILE]',
  reject: 'enrolment reject ID [--config FILE]',
} as const;

/** How many positional arguments each takes. */
export const enrolmentPositionals = { holds: 0, release: 1, reject: 1 } as const;

export type EnrolmentSubcommand = keyof typeof enrolmentOptions;

const HOLD_ID = /^[0-9a-f]{32}$/;
const MAX_LIMIT = 1000;

/** What the command works on; `enrolmentCommand` opens the configured store (and, to change it, the trail). */
/** The store, audit trail and clock `enrolment` runs on (src/cli/commands/command-runtime.ts). */
export type EnrolmentRuntime = CommandRuntime;

function usageError(sub: EnrolmentSubcommand, message: string): ProofgateError {
  return new ProofgateError('ERR_USAGE', `${message}; usage: proofgate ${enrolmentUsage[sub]}`, { status: 400 });
}

const iso = (ms: number | null): string => (ms === null ? '-' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z'));
const round = (d: number) => Math.round(d * 10_000) / 10_000;

function holdJson(h: EnrolmentHold) {
  return {
    id: h.holdId, state: h.state, tid: h.tid, oid: h.oid, upn: h.subject?.upn ?? null, sessionId: h.sessionId, heldAt: iso(h.createdAt),
    matchedProfileId: h.matchedProfileId, matchedTid: h.matchedTid, matchedOid: h.matchedOid, distance: round(h.distance), threshold: h.threshold,
    settledAt: h.settledAt === null ? null : iso(h.settledAt), profileId: h.profileId,
  };
}

function list(repo: Repository, state: EnrolmentHoldState | undefined, limit: number, json: boolean, io: CommandIo): number {
  const holds = listEnrolmentHolds(repo, { limit, ...(state ? { state } : {}) });
  if (json) {
    io.out(JSON.stringify({ holds: holds.map(holdJson) }));
    return 0;
  }
  io.out('ID  STATE  ACCOUNT  UPN  HELD AT  MATCHED PROFILE (ACCOUNT)  DISTANCE');
  for (const h of holds) {
    io.out(`${h.holdId}  ${h.state}  ${h.tid}/${h.oid}  ${h.subject?.upn ?? '-'}  ${iso(h.createdAt)}  ${h.matchedProfileId} (${h.matchedTid}/${h.matchedOid})  ${round(h.distance)} <= ${h.threshold}`);
  }
  io.out(`${holds.length} hold(s)${state ? ` in state ${state}` : ''}`);
  return 0;
}

/** Resolves to the exit code (0 done); refusals throw with a message that says what was wrong. */
export async function enrolmentCommand(
  sub: EnrolmentSubcommand, args: string[], runtime: (configFile: string | undefined) => Promise<EnrolmentRuntime> = openCommandRuntime, io: CommandIo = consoleIo,
): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: enrolmentOptions[sub], strict: true, allowPositionals: true });
  const v = values as { state?: string; limit?: string; json?: boolean; config?: string };
  if (positionals.length !== enrolmentPositionals[sub]) throw usageError(sub, sub === 'holds' ? 'no arguments are taken' : 'the hold ID is required');
  // Everything typed is checked before the store or the HSM is opened.
  if (v.state !== undefined && !ENROLMENT_HOLD_STATES.includes(v.state as EnrolmentHoldState)) throw usageError(sub, `--state must be one of ${ENROLMENT_HOLD_STATES.join(', ')}`);
  const limit = v.limit === undefined ? 100 : Number(v.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw usageError(sub, `--limit must be an integer 1..${MAX_LIMIT}`);
  if (sub !== 'holds' && !HOLD_ID.test(positionals[0])) throw usageError(sub, 'a hold ID is 32 lowercase hex characters (see "proofgate enrolment holds")');

  const rt = await runtime(v.config);
  try {
    if (sub === 'holds') return list(rt.repository, v.state as EnrolmentHoldState | undefined, limit, v.json === true, io);
    const trail = await rt.openAudit();
    try {
      const deps = { repo: rt.repository, audit: trail.audit, now: () => rt.now() };
      if (sub === 'release') {
        const { hold, profile, audit } = releaseEnrolmentHold(deps, positionals[0]);
        io.out(`hold ${hold.holdId} released: ${hold.tid}/${hold.oid} enrolled as profile ${profile.profileId}; audit record ${audit.seq}`);
        return 0;
      }
      const { hold, audit } = rejectEnrolmentHold(deps, positionals[0]);
      io.out(`hold ${hold.holdId} rejected: nothing enrolled for ${hold.tid}/${hold.oid}, its template erased; audit record ${audit.seq}`);
      return 0;
    } finally {
      await trail.close();
    }
  } finally {
    await rt.close();
  }
}
