// `proofgate station add|list|revoke`: the trusted kiosk stations whose signed envelopes the appliance
// believes (docs/kiosk.md). add and revoke write an audit record through the audit trail (its record MACs
// need the HSM, so they open the one-shot trail like `account unlock`); list only reads the store. A bad
// name, id or key is refused before the store or the HSM is opened, and changes nothing.
import { readFileSync, statSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ProofgateError } from '../../core/errors.js';
import type { Repository, Station } from '../../store/repository.js';
import { addStation, printableName, revokeStation, stationIdOf } from '../../verification/station/station-admin.js';
import { readStationPublicKey } from '../../verification/station/station-key.js';
import { consoleIo, type CommandIo } from './command-io.js';
import { openCommandRuntime, type CommandRuntime } from './command-runtime.js';

type Options = NonNullable<ParseArgsConfig['options']>;
const CONFIG = { config: { type: 'string' } } as const;

/** The flags of each subcommand (the command table checks them before anything runs). */
export const stationOptions = {
  add: { 'public-key': { type: 'string' }, by: { type: 'string' }, ...CONFIG },
  list: { json: { type: 'boolean' }, ...CONFIG },
  revoke: { by: { type: 'string' }, ...CONFIG },
} as const satisfies Record<string, Options>;

export const stationUsage = {
  add: 'station add NAME --public-key FILE [--by NAME] [--config FILE]',
  list: 'station list [--json] [--config FILE]',
  revoke: 'station revoke ID [--by NAME] [--config FILE]',
} as const;

/** How many positional arguments each takes. */
export const stationPositionals = { add: 1, list: 0, revoke: 1 } as const;

export type StationSubcommand = keyof typeof stationOptions;

/** An SPKI PEM is well under 2 KiB (RSA 4096); anything much larger is not one. */
const MAX_KEY_FILE_BYTES = 16 * 1024;

/** What the command works on: the configured store and, to change it, the trail (src/cli/commands/command-runtime.ts). */
export type StationRuntime = CommandRuntime;

function usageError(sub: StationSubcommand, message: string): ProofgateError {
  return new ProofgateError('ERR_USAGE', `${message}; usage: proofgate ${stationUsage[sub]}`, { status: 400 });
}

function readKeyFile(file: string): string {
  let size: number;
  try {
    size = statSync(file).size;
  } catch (e) {
    throw new ProofgateError('ERR_BAD_REQUEST', `cannot read the public key file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { status: 400 });
  }
  if (size > MAX_KEY_FILE_BYTES) throw new ProofgateError('ERR_BAD_REQUEST', `${file} is ${size} bytes; an SPKI public key in PEM is at most ${MAX_KEY_FILE_BYTES}`, { status: 400 });
  return readFileSync(file, 'utf8');
}

const iso = (ms: number | null): string => (ms === null ? '-' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z'));

function stationJson(s: Station) {
  return { id: s.stationId, name: s.name, algorithm: s.algorithm, keySha256: s.keySha256, addedAt: iso(s.createdAt), revokedAt: s.revokedAt === null ? null : iso(s.revokedAt) };
}

function list(repo: Repository, json: boolean, io: CommandIo): number {
  const stations = repo.listStations();
  if (json) {
    io.out(JSON.stringify({ stations: stations.map(stationJson) }));
    return 0;
  }
  io.out('ID  NAME  ALGORITHM  KEY SHA-256  ADDED  REVOKED');
  for (const s of stations) io.out(`${s.stationId}  ${JSON.stringify(s.name)}  ${s.algorithm}  ${s.keySha256}  ${iso(s.createdAt)}  ${iso(s.revokedAt)}`);
  const active = stations.filter((s) => s.revokedAt === null).length;
  io.out(`${stations.length} station(s), ${active} active`);
  return 0;
}

/** Resolves to the exit code (0 done); refusals throw with a message that says what was wrong. */
export async function stationCommand(
  sub: StationSubcommand, args: string[], runtime: (configFile: string | undefined) => Promise<StationRuntime> = openCommandRuntime, io: CommandIo = consoleIo,
): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: stationOptions[sub], strict: true, allowPositionals: true });
  const v = values as { 'public-key'?: string; by?: string; json?: boolean; config?: string };
  if (positionals.length !== stationPositionals[sub]) {
    throw usageError(sub, sub === 'add' ? 'the station NAME is required' : sub === 'revoke' ? 'the station ID is required' : 'no arguments are taken');
  }
  // Everything the operator typed is checked before the store or the HSM is opened.
  const by = v.by === undefined ? null : printableName(v.by, 'the operator name (--by)');
  let pem = '';
  if (sub === 'add') {
    printableName(positionals[0], 'the station name');
    if (!v['public-key']) throw usageError(sub, '--public-key FILE is required (the station\'s SPKI public key in PEM)');
    pem = readKeyFile(v['public-key']);
    readStationPublicKey(pem);
  }
  if (sub === 'revoke') stationIdOf(positionals[0]);

  const rt = await runtime(v.config);
  try {
    if (sub === 'list') return list(rt.repository, v.json === true, io);
    const trail = await rt.openAudit();
    try {
      const deps = { repo: rt.repository, audit: trail.audit, now: () => rt.now() };
      if (sub === 'add') {
        const { station, audit } = addStation(deps, { name: positionals[0], publicKeyPem: pem, by });
        io.out(station.stationId);
        io.out(`station ${station.stationId} added: ${JSON.stringify(station.name)}, ${station.algorithm}, SPKI SHA-256 ${station.keySha256}; audit record ${audit.seq}`);
        return 0;
      }
      const { station, audit } = revokeStation(deps, { stationId: positionals[0], by });
      io.out(`station ${station.stationId} (${JSON.stringify(station.name)}) revoked at ${iso(station.revokedAt)}: its signatures are refused from now on; audit record ${audit.seq}`);
      return 0;
    } finally {
      await trail.close();
    }
  } finally {
    await rt.close();
  }
}
