// `proofgate enrol`: staff-attested enrolment from a reference photo (the only way to create a profile
// until document verification exists). Prints the new profile id and every check, with its score. The
// audit record goes through the audit trail like the server's, so a count checkpoint due at its seq
// is signed by the HSM before the command exits; if the HSM is away the enrolment still stands and the
// server's checkpoint poll seals the record later.
import { readFileSync, statSync } from 'node:fs';
import { loadConfig, type ProofgateConfig } from '../../config/index.js';
import { ProofgateError } from '../../core/errors.js';
import type { Repository } from '../../store/repository.js';
import type { AuditWriter } from '../../audit/audit-writer.js';
import { enrolFromReferencePhoto } from '../../verification/flow/enrol-from-reference-photo.js';
import type { FaceAnalyzer } from '../../verification/capture/ports.js';
import type { DuplicateSearch } from '../../verification/policy/duplicate-person.js';

export const ENROL_USAGE = 'enrol --tid GUID --oid GUID --photo FILE --attested-by NAME [--upn UPN] [--replace] [--config FILE]';

export interface EnrolArgs {
  tid: string;
  oid: string;
  photo: string;
  attestedBy: string;
  upn: string | null;
  replace: boolean;
  config: string | undefined;
}

const VALUE_FLAGS = { '--tid': 'tid', '--oid': 'oid', '--photo': 'photo', '--attested-by': 'attestedBy', '--upn': 'upn', '--config': 'config' } as const;

export function parseEnrolArgs(args: readonly string[]): EnrolArgs {
  const out: Record<string, string> = {};
  let replace = false;
  for (let i = 0; i < args.length; i++) {
    const flag = args[i];
    if (flag === '--replace') {
      replace = true;
      continue;
    }
    const key = VALUE_FLAGS[flag as keyof typeof VALUE_FLAGS];
    if (!key) throw new ProofgateError('ERR_USAGE', `unknown option "${flag}"; usage: proofgate ${ENROL_USAGE}`, { status: 400 });
    const value = args[i + 1];
    if (value === undefined || value.startsWith('--')) throw new ProofgateError('ERR_USAGE', `${flag} needs a value`, { status: 400 });
    if (key in out) throw new ProofgateError('ERR_USAGE', `${flag} given twice`, { status: 400 });
    out[key] = value;
    i += 1;
  }
  for (const required of ['tid', 'oid', 'photo', 'attestedBy'] as const) {
    if (!out[required]) {
      const flag = Object.entries(VALUE_FLAGS).find(([, k]) => k === required)![0];
      throw new ProofgateError('ERR_USAGE', `${flag} is required; usage: proofgate ${ENROL_USAGE}`, { status: 400 });
    }
  }
  return { tid: out.tid, oid: out.oid, photo: out.photo, attestedBy: out.attestedBy, upn: out.upn ?? null, replace, config: out.config };
}

/** What the command needs from the appliance; `enrolCommand` opens the configured ones by default. */
export interface EnrolRuntime {
  config: ProofgateConfig;
  repository: Repository;
  /** The audit trail over `repository` (an AuditTrail with the HSM's key ring); close() waits for its checkpoints. */
  audit: AuditWriter;
  faceEngine: FaceAnalyzer;
  /** The 1:N duplicate-person search (every stored template of the current embedder); absent: not searched. */
  duplicates?: DuplicateSearch;
  close(): Promise<void> | void;
}

async function openRuntime(configFile: string | undefined): Promise<EnrolRuntime> {
  const config = loadConfig(configFile);
  const { openConfiguredRepository } = await import('../../store/open-store.js');
  const { openCommandAuditTrail } = await import('./command-audit-trail.js');
  const { loadFaceAnalyzer } = await import('../../verification/capture/face-analyzer.js');
  const repository = openConfiguredRepository(config);
  let trail: Awaited<ReturnType<typeof openCommandAuditTrail>> | null = null;
  try {
    trail = await openCommandAuditTrail(config, repository);
    const faceEngine = await loadFaceAnalyzer(config);
    const { openDuplicateSearch } = await import('../../verification/policy/duplicate-person.js');
    // The same search the server runs before a first-time profile is stored.
    const duplicates = await openDuplicateSearch(config, repository, faceEngine.modelId);
    const opened = trail;
    return {
      config, repository, audit: opened.audit, faceEngine, duplicates,
      close: async () => {
        faceEngine.close();
        await opened.close();
        repository.close();
      },
    };
  } catch (e) {
    await trail?.close();
    repository.close();
    throw e;
  }
}

function readPhoto(file: string, maxBytes: number): Buffer {
  let size: number;
  try {
    size = statSync(file).size;
  } catch (e) {
    throw new ProofgateError('ERR_BAD_REQUEST', `cannot read photo ${file}: ${(e as Error).message}`, { status: 400 });
  }
  // Checked before reading so a huge file is refused without loading it.
  if (size > maxBytes) throw new ProofgateError('ERR_IMAGE_TOO_LARGE', `photo ${file} is ${size} bytes; server.maxImageBytes is ${maxBytes}`, { status: 413 });
  return readFileSync(file);
}

/** Runs the command; returns the exit code. Errors are thrown as ProofgateError for the CLI to print. */
export async function enrolCommand(args: readonly string[], runtime?: (configFile: string | undefined) => Promise<EnrolRuntime>, print: (line: string) => void = console.log): Promise<number> {
  const parsed = parseEnrolArgs(args);
  const rt = await (runtime ?? openRuntime)(parsed.config);
  try {
    const photo = readPhoto(parsed.photo, rt.config.server.maxImageBytes);
    const result = await enrolFromReferencePhoto(
      {
        repo: rt.repository, audit: rt.audit, faceEngine: rt.faceEngine, quality: rt.config.verification.quality, maxImageBytes: rt.config.server.maxImageBytes,
        ...(rt.duplicates ? { duplicates: rt.duplicates } : {}),
      },
      { tid: parsed.tid, oid: parsed.oid, upn: parsed.upn, photo, attestedBy: parsed.attestedBy, replace: parsed.replace },
    );
    print(`enrolled ${result.profile.tid}/${result.profile.oid}: profile ${result.profile.profileId} (model ${result.profile.modelId}), audit record ${result.audit.seq}`);
    for (const c of result.checks) print(`  ${c.outcome.padEnd(4)} ${c.name}${c.score === null ? '' : ` ${c.score}`}${c.threshold === null ? '' : ` (threshold ${c.threshold})`}: ${c.reason ?? ''}`);
    return 0;
  } finally {
    await rt.close();
  }
}
