// Configuration section "audit": how often the hash-chained audit trail is sealed by an HSM signature.
// The defaults object is also the documentation: one comment per key.
import type { SectionReader } from '../validate.js';

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
};

export interface AuditConfig {
  checkpointEvery: number;
  checkpointIntervalSeconds: number;
}

export function readAuditConfig(r: SectionReader): AuditConfig {
  const out: AuditConfig = {
    checkpointEvery: r.number('checkpointEvery', { integer: true, min: 1, max: 1_000_000 }),
    checkpointIntervalSeconds: r.number('checkpointIntervalSeconds', { integer: true, min: 0, max: 31 * 24 * 3600 }),
  };
  r.done();
  return out;
}
