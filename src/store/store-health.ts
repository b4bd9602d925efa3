// What /health asks of the store: is there room on the disk that holds the database, and does a write
// actually commit. A read alone says "ok" on a full disk or a read-only file, where every verification
// would then fail at its audit record.
import { statfsSync } from 'node:fs';
import type { Repository } from './repository.js';

export interface StoreHealth {
  ok: boolean;
  detail: string;
}

const MIB = 1024 * 1024;

/** Free space for unprivileged writers on the file system holding `dir`, against the configured floor. */
export function diskSpaceHealth(dir: string, minFreeMiB: number): StoreHealth {
  const fs = statfsSync(dir);
  const freeMiB = Math.floor((fs.bavail * fs.bsize) / MIB);
  return freeMiB >= minFreeMiB
    ? { ok: true, detail: `${freeMiB} MiB free` }
    : { ok: false, detail: `${freeMiB} MiB free, below server.minFreeDiskMiB (${minFreeMiB})` };
}

/** One fixed value: each probe replaces the expired row of the last one, so probes never pile up. */
const PROBE_VALUE = 'health-probe';

/**
 * Commits one real write: a replay-guard value that is already expired. Any failure (read-only file, disk
 * full, lock held past busyTimeoutMs, closed store) is reported by code.
 */
export function storeWriteHealth(repo: Repository, now: number): StoreHealth {
  try {
    repo.rememberOnce('nonce', PROBE_VALUE, now);
    return { ok: true, detail: 'writable' };
  } catch (e) {
    return { ok: false, detail: `not writable (${(e as { code?: string }).code ?? 'error'})` };
  }
}
