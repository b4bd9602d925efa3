// `proofgate audit-verify` and `proofgate audit-export`. Each takes the parsed configuration and the
// arguments after the command name, prints human-readable results and resolves to an exit code:
// 0 good, 1 the trail failed verification, 2 usage or set-up problem.
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { finished } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import type { JWK } from 'jose';
import type { ProofgateConfig } from '../../config/index.js';
import { consoleIo, type CommandIo } from './purge.js';
import { openConfiguredRepository, storeDatabasePath } from '../../store/open-store.js';
import { exportAudit, readAuditExport } from '../../audit/export.js';
import { verifyAuditChain, type AuditSource, type AuditVerification } from '../../audit/verify-chain.js';
import { readWitness } from '../../audit/witness.js';
import type { AuditCheckpoint } from '../../core/domain.js';
import type { AuditMacKeys } from '../../hsm/audit-mac-keys.js';

export const auditVerifyUsage = 'audit-verify [--jwks FILE]... [--trust-stored-keys] [--export FILE] [--witness FILE] [--no-hsm]';
export const auditExportUsage = 'audit-export [--out FILE] [--since SEQ]';

export const auditExportHelp = `usage: proofgate ${auditExportUsage}

Writes the audit trail as JSON lines (docs/store-and-audit.md): records in seq order, then the
signed checkpoints over them, then the public keys that signed those checkpoints.

  --out FILE    write to FILE (created, mode 0600; never overwritten) instead of standard output
  --since SEQ   only records with seq > SEQ (an incremental export, e.g. to fill a SIEM's gap): the
                first line is an anchor {"type":"anchor","seq":SEQ,"hash":...}, the hash of record
                SEQ, which the previous export's last record must match (or a checkpoint at SEQ
                seals); then the checkpoints from SEQ on and their keys. 0 exports everything.
  --help        this text

Verify a file with: proofgate audit-verify --export FILE --jwks KEYS.json`;

export interface AuditVerifyDeps {
  /** Keys the caller already trusts, e.g. the HSM's published ring; --jwks files add to them. */
  trustedKeys?: JWK[];
  /** The HSM's record MAC keys (main.ts opens the token); absent or null: MACs are not checked, and the output says so. */
  macKeys?: AuditMacKeys | null;
  io?: CommandIo;
}

function readJwks(file: string): JWK[] {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  const keys = Array.isArray(parsed) ? parsed : (parsed as { keys?: unknown })?.keys;
  if (!Array.isArray(keys)) throw new Error(`${file}: expected a JWKS ({"keys":[...]}) or an array of JWKs`);
  return keys as JWK[];
}

function describe(v: AuditVerification): string[] {
  const first = (v.anchor?.seq ?? 0) + 1;
  const lines = [
    `records: ${v.records}${v.lastSeq >= first ? ` (seq ${first}..${v.lastSeq})` : ''}, checkpoints: ${v.checkpoints}, sealed through seq ${v.sealedThrough}`,
  ];
  if (v.anchor) lines.push(`anchor: continues from record ${v.anchor.seq}, hash ${v.anchor.hash} (the previous export must end with it)`);
  if (v.problem) {
    lines.push(`result: FAILED at seq ${v.problem.seq} (${v.problem.kind})`, `  ${v.problem.reason}`);
  } else {
    lines.push('result: OK');
    if (v.unsealedTail > 0) lines.push(`note: ${v.unsealedTail} record(s) after the newest checkpoint are chained but not yet signed`);
  }
  if (v.witness) lines.splice(1, 0, `witness: ${v.witness.checkpoints} checkpoint line(s), the trail matches it through seq ${v.witness.attestedThrough}`);
  if (v.macs) {
    lines.splice(1, 0, `record MACs: ${v.macs.checked} verified under the HSM's key`
      + `${v.macs.preMac > 0 ? `, ${v.macs.preMac} pre-MAC record(s) (written before record MACs existed)` : ''}`);
  }
  return lines;
}

export async function auditVerifyCommand(config: ProofgateConfig, args: string[], deps: AuditVerifyDeps = {}): Promise<number> {
  const io = deps.io ?? consoleIo;
  let opts;
  try {
    opts = parseArgs({
      args,
      options: {
        jwks: { type: 'string', multiple: true }, 'trust-stored-keys': { type: 'boolean' }, export: { type: 'string' }, witness: { type: 'string' },
        'no-hsm': { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (e) {
    io.err(`proofgate audit-verify: ${(e as Error).message}\nusage: proofgate ${auditVerifyUsage}`);
    return 2;
  }

  const trusted: JWK[] = [...(deps.trustedKeys ?? [])];
  try {
    for (const file of opts.jwks ?? []) trusted.push(...readJwks(file));
  } catch (e) {
    io.err(`proofgate audit-verify: cannot read --jwks: ${(e as Error).message}`);
    return 2;
  }

  let witness: AuditCheckpoint[] | undefined;
  if (opts.witness) {
    try {
      witness = readWitness(readFileSync(opts.witness, 'utf8'), opts.witness);
    } catch (e) {
      io.err(`proofgate audit-verify: cannot read --witness ${opts.witness}: ${(e as Error).message}`);
      return 2;
    }
  }

  let source: AuditSource & { auditKeys(): JWK[] };
  let label: string;
  let close = () => {};
  if (opts.export) {
    try {
      const parsed = readAuditExport(readFileSync(opts.export, 'utf8'));
      source = { ...parsed, auditKeys: () => parsed.keys };
    } catch (e) {
      io.err(`proofgate audit-verify: cannot read ${opts.export}: ${(e as Error).message}`);
      return 2;
    }
    label = `export ${opts.export}`;
  } else {
    const file = storeDatabasePath(config);
    if (config.store.backend === 'sqlite' && !existsSync(file)) {
      io.err(`proofgate audit-verify: no database at ${file}`);
      return 2;
    }
    const repo = openConfiguredRepository(config);
    source = repo;
    close = () => repo.close();
    label = `database ${file}`;
  }

  try {
    if (opts['trust-stored-keys']) {
      io.err('warning: trusting the public keys stored beside the trail; compare their kids with keys pinned out of band');
      trusted.push(...source.auditKeys());
    }
    if (trusted.length === 0 && (source.auditCheckpoints().length > 0 || (witness?.length ?? 0) > 0)) {
      io.err('proofgate audit-verify: the trail or the witness has signed checkpoints but no trusted key was given '
        + '(pass --jwks FILE with the appliance\'s public keys, or --trust-stored-keys)');
      return 2;
    }
    const macKeys = opts['no-hsm'] ? null : deps.macKeys ?? null;
    const result = macKeys
      ? await verifyAuditChain(source, trusted, { ...(witness ? { witness } : {}), macKeys })
      : verifyAuditChain(source, trusted, witness ? { witness } : {});
    io.out(`audit trail: ${label}${opts.witness ? `, witness ${opts.witness}` : ''}`);
    // A note, not a result line: the rest is verified all the same.
    if (!macKeys) io.err('note: record MACs not checked (no HSM): rows written with database access alone are not told apart');
    for (const line of describe(result)) io.out(line);
    return result.ok ? 0 : 1;
  } finally {
    close();
  }
}

export async function auditExportCommand(config: ProofgateConfig, args: string[], io: CommandIo = consoleIo): Promise<number> {
  let opts;
  try {
    opts = parseArgs({
      args, options: { out: { type: 'string' }, since: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false,
    }).values;
  } catch (e) {
    io.err(`proofgate audit-export: ${(e as Error).message}\nusage: proofgate ${auditExportUsage}`);
    return 2;
  }
  if (opts.help) {
    io.out(auditExportHelp);
    return 0;
  }
  const since = opts.since === undefined ? 0 : /^(0|[1-9][0-9]{0,14})$/.test(opts.since) ? Number(opts.since) : null;
  if (since === null) {
    io.err(`proofgate audit-export: --since expects a record seq (an integer >= 0), received ${JSON.stringify(opts.since)}\nusage: proofgate ${auditExportUsage}`);
    return 2;
  }
  const file = storeDatabasePath(config);
  if (!existsSync(file)) {
    io.err(`proofgate audit-export: no database at ${file}`);
    return 2;
  }
  const repo = openConfiguredRepository(config);
  try {
    const last = repo.lastAuditRecord()?.seq ?? 0;
    if (since > last) {
      io.err(`proofgate audit-export: --since ${since} is past the end of the trail (the newest record is ${last})`);
      return 2;
    }
    // The trail names accounts (tid, oid, UPN): keep the file private to its owner.
    const stream = opts.out ? createWriteStream(opts.out, { flags: 'wx', mode: 0o600 }) : process.stdout;
    const opened = opts.out ? new Promise<void>((resolve, reject) => { stream.once('open', () => resolve()); stream.once('error', reject); }) : Promise.resolve();
    try {
      await opened;
    } catch (e) {
      io.err(`proofgate audit-export: cannot create ${opts.out}: ${(e as Error).message}`);
      return 2;
    }
    const counts = await exportAudit(repo, stream, { since });
    if (opts.out) {
      stream.end();
      await finished(stream);
    }
    io.err(`exported ${counts.records} record(s)${since > 0 ? ` after seq ${since}` : ''}, ${counts.checkpoints} checkpoint(s), ${counts.keys} key(s)${opts.out ? ` to ${opts.out}` : ''}`);
    return 0;
  } finally {
    repo.close();
  }
}
