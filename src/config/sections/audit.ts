// Configuration section "audit": how often the hash-chained audit trail is sealed by an HSM signature.
// The defaults object is also the documentation: one comment per key.
import path from 'node:path';
import { ConfigError, type SectionReader } from '../validate.js';

export const auditDefaults = {
  /**
   * Sign a checkpoint after every N audit records. A checkpoint fixes the chain up to that record: rows
   * deleted from the tail after it, or rewritten with recomputed hashes, no longer verify. 1 signs every record.
   */
  checkpointEvery: 100,
  /**
   * Also sign a checkpoint over the newest record when this many seconds have passed since the last one
   * (and records were added), so a quiet appliance's tail is sealed too. 0 disables the timer rule.
   */
  checkpointIntervalSeconds: 3600,
  /**
   * Absolute path of the external witness: every checkpoint is also appended here as one JSON line
   * (seq, hash, kid, signature, at), opened O_APPEND and fsynced. It must lie outside the database's
   * directory (start-up refuses otherwise), ideally on another disk or a log host's mount, so deleting
   * or rewriting the database cannot also erase what was sealed. null: no witness (the development
   * default, where no /var/log directory is writable); appliance/proofgate.example.json sets
   * /var/log/proofgate/audit-witness.jsonl.
   */
  witnessFile: null as string | null,
};

export interface AuditConfig {
  checkpointEvery: number;
  checkpointIntervalSeconds: number;
  witnessFile: string | null;
}

function readWitnessFile(r: SectionReader): string | null {
  const file = r.optionalString('witnessFile');
  if (file === undefined) return null;
  if (!path.isAbsolute(file)) throw new ConfigError(r.key('witnessFile'), 'an absolute path outside the database\'s directory, or null', file);
  return path.normalize(file);
}

export function readAuditConfig(r: SectionReader): AuditConfig {
  const out: AuditConfig = {
    checkpointEvery: r.number('checkpointEvery', { integer: true, min: 1, max: 1_000_000 }),
    checkpointIntervalSeconds: r.number('checkpointIntervalSeconds', { integer: true, min: 0, max: 31 * 24 * 3600 }),
    witnessFile: readWitnessFile(r),
  };
  r.done();
  return out;
}
