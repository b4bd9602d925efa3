// Retention: raw images are kept store.retentionDays, then their bytes are purged. Templates, evidence
// rows (hash, kind, time) and the audit trail stay. The server runs this at start-up and daily.
import type { StoreConfig } from '../config/sections/store.js';
import type { Repository } from './repository.js';

const DAY_MS = 86_400_000;

export interface PurgeReport {
  /** Evidence created before this instant (ms) had its bytes purged. */
  cutoff: number;
  purgedEvidence: number;
  /** Expired replay-guard values removed in the same run. */
  prunedOnceValues: number;
  /** Capture claims that lapsed without a release (a node stopped mid-capture), removed in the same run. */
  prunedCaptureClaims: number;
}

export function purgeExpiredEvidence(repo: Repository, store: Pick<StoreConfig, 'retentionDays'>, now: number = Date.now()): PurgeReport {
  const cutoff = now - store.retentionDays * DAY_MS;
  return {
    cutoff,
    purgedEvidence: repo.purgeEvidenceBefore(cutoff),
    prunedOnceValues: repo.pruneOnceValues(now),
    prunedCaptureClaims: repo.captureClaims.pruneExpired(now),
  };
}

/** Milliseconds between scheduled runs; the lead's server timer uses this. */
export const RETENTION_INTERVAL_MS = DAY_MS;
