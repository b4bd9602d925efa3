// Configuration section "store": where state lives on disk and how long raw evidence is kept.
// The defaults object is also the documentation: one comment per key.
import type { SectionReader } from '../validate.js';

export const storeDefaults = {
  /**
   * SQLite database file. A relative path is taken inside server.dataDir. The directory also holds the
   * -wal and -shm files SQLite keeps beside it in WAL mode; back up all three together (or use `.backup`).
   */
  databaseFile: 'proofgate.sqlite',
  /**
   * Days a captured image (selfie, document, depth map) is kept encrypted before its bytes are purged.
   * Purging keeps the evidence row (hash, kind, time), biometric templates and the audit trail. 0 purges
   * evidence at the next purge run (start-up and daily).
   */
  retentionDays: 30,
  /** Milliseconds a writer waits for another connection's lock before failing with ERR_STORE. */
  busyTimeoutMs: 5000,
};

export interface StoreConfig {
  databaseFile: string;
  retentionDays: number;
  busyTimeoutMs: number;
}

export function readStoreConfig(r: SectionReader): StoreConfig {
  const out: StoreConfig = {
    databaseFile: r.string('databaseFile'),
    retentionDays: r.number('retentionDays', { integer: true, min: 0, max: 36500 }),
    busyTimeoutMs: r.number('busyTimeoutMs', { integer: true, min: 0, max: 600_000 }),
  };
  r.done();
  return out;
}
