// The external witness: every checkpoint the trail signs is also appended, as one canonical-JSON line
// {at, hash, kid, seq, signature}, to a file outside the database's directory. Someone who can rewrite
// the database (drop the triggers, delete or re-chain rows and checkpoints) cannot also take back what
// the witness already attests; `proofgate audit-verify --witness FILE` compares the two.
import { closeSync, fsyncSync, openSync, realpathSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { ProofgateConfig } from '../config/index.js';
import { ConfigError } from '../config/validate.js';
import { ProofgateError } from '../core/errors.js';
import type { AuditCheckpoint } from '../core/domain.js';
import { storeDatabasePath } from '../store/open-store.js';
import { canonicalJson } from './canonical-json.js';

/** Where the trail sends each checkpoint after it is stored. */
export interface CheckpointWitness {
  /** Appends one checkpoint durably; throws when it could not. */
  append(checkpoint: AuditCheckpoint): void;
}

/** Appends with O_APPEND and fsyncs before returning, so an attested checkpoint survives a crash. */
export class WitnessFile implements CheckpointWitness {
  readonly file: string;

  constructor(file: string) {
    this.file = file;
  }

  append(checkpoint: AuditCheckpoint): void {
    const { seq, hash, kid, signature, at } = checkpoint;
    const line = Buffer.from(`${canonicalJson({ seq, hash, kid, signature, at })}\n`, 'utf8');
    // Owner-only like everything the appliance writes; a collector reads it as the service account or by a copy.
    const fd = openSync(this.file, 'a', 0o600);
    try {
      // One write of a few hundred bytes: with O_APPEND, concurrent appenders never interleave inside it.
      let written = 0;
      while (written < line.length) written += writeSync(fd, line, written);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}

/** A path with its symbolic links resolved as far as they exist (the file itself may not exist yet). */
function realLocation(p: string): string {
  const tail: string[] = [];
  let head = path.resolve(p);
  for (;;) {
    try {
      return path.join(realpathSync(head), ...tail);
    } catch {
      const parent = path.dirname(head);
      if (parent === head) return path.resolve(p);
      tail.unshift(path.basename(head));
      head = parent;
    }
  }
}

/**
 * The configured witness file, or null when audit.witnessFile is null. Refuses (ERR_CONFIG, naming the
 * key) a path inside the database's directory: whoever can replace the database could replace it too.
 */
export function configuredWitnessFile(config: Pick<ProofgateConfig, 'server' | 'store' | 'audit'>): string | null {
  const file = config.audit.witnessFile;
  if (file === null) return null;
  const dbDir = realLocation(path.dirname(storeDatabasePath(config)));
  const relative = path.relative(dbDir, realLocation(file));
  if (relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative))) {
    throw new ConfigError('config.audit.witnessFile', `a path outside the database's directory ${dbDir} (the witness must survive the database)`, file);
  }
  return file;
}

function witnessError(file: string, lineNo: number, message: string): ProofgateError {
  return new ProofgateError('ERR_AUDIT_EXPORT', `audit witness ${file} line ${lineNo}: ${message}`, { status: 400 });
}

/** Parses a witness file's text into checkpoints, in file order. The chain check judges their signatures. */
export function readWitness(text: string, file = 'file'): AuditCheckpoint[] {
  const out: AuditCheckpoint[] = [];
  text.split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      throw witnessError(file, i + 1, 'not JSON (a torn or edited line)');
    }
    const v = value as Partial<AuditCheckpoint> | null;
    if (v === null || typeof v !== 'object' || !Number.isSafeInteger(v.seq) || typeof v.hash !== 'string'
      || typeof v.kid !== 'string' || typeof v.signature !== 'string' || !Number.isSafeInteger(v.at)) {
      throw witnessError(file, i + 1, 'expected {seq, hash, kid, signature, at}');
    }
    out.push({ seq: v.seq!, hash: v.hash, kid: v.kid, signature: v.signature, at: v.at! });
  });
  return out;
}
