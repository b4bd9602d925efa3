// The 1:N duplicate-person check every enrolment runs before a profile is stored (first-time
// verification in a browser or at a kiosk, a staff-attested reference photo): one human enrolled on two
// accounts is the insider's classic move. The template index proposes the nearest stored templates; each
// is re-scored exactly (compareFaces on the stored float32 template), and the nearest profile of ANOTHER
// account at or within enrolment.duplicates.threshold is a duplicate. What happens then (hold or refuse)
// is the caller's, by enrolment.duplicates.action; the check names the other profile and the distance.
import type { CheckResult } from '../../core/domain.js';
import type { DuplicatesConfig } from '../../config/sections/enrolment.js';
import { compareFaces } from '../../biometrics/compare-faces.js';
import { SyncedTemplateIndex } from '../../store/template-index-sync.js';
import type { Repository } from '../../store/repository.js';
import { resolveDataPath, type ProofgateConfig } from '../../config/index.js';
import type { BiometricsConfig } from '../../config/sections/biometrics.js';
import { readModelManifest, type BuiltInEmbedder } from '../../biometrics/model-manifest.js';
import { ProofgateError } from '../../core/errors.js';
import type { ProfileJournal } from '../../store/enrolment-hold-store.js';
import { templateToEmbedding } from '../capture/face-template.js';

/** The other account's profile an enrolment's face matched. */
export interface DuplicateMatch {
  profileId: string;
  tid: string;
  oid: string;
  /** Exact float32 L2 distance. */
  distance: number;
  threshold: number;
}

export interface DuplicateSearch {
  config: DuplicatesConfig;
  /**
   * Null when enrolment.duplicates.enabled is false, or when the index could not be built at start-up (the
   * face engine or its manifest failed to load): then every search fails, and enrolments answer unavailable.
   */
  index: SyncedTemplateIndex | null;
  journal: ProfileJournal;
}

export interface DuplicateOutcome {
  match: DuplicateMatch | null;
  /** The 'duplicate-person' check for the audit record (pass, fail, or skipped when the search is off). */
  check: CheckResult;
}

const round = (d: number) => Math.round(d * 10_000) / 10_000;

/** Searches for another account's profile of the same face; `account` is the one enrolling (its own profile never counts). */
export async function findDuplicatePerson(
  search: DuplicateSearch, account: { tid: string; oid: string }, probe: { modelId: string; embedding: Float32Array },
): Promise<DuplicateOutcome> {
  const { config, index, journal } = search;
  if (config.enabled && !index) throw new ProofgateError('ERR_INTERNAL', 'the template index of the duplicate-person search is not built', { status: 503 });
  if (!config.enabled || !index) {
    return { match: null, check: { name: 'duplicate-person', score: null, threshold: null, outcome: 'skipped', reason: 'the duplicate-person search is turned off (enrolment.duplicates.enabled)' } };
  }
  if (probe.modelId !== index.modelId) {
    // The index holds one embedder's templates; an enrolment with another cannot be compared (never expected).
    return { match: null, check: { name: 'duplicate-person', score: null, threshold: config.threshold, outcome: 'error', reason: `the enrolment's embedder ${probe.modelId} is not the index's ${index.modelId}` } };
  }
  // One more candidate than asked: the enrolling account's own profile (a replaced one) may take a place
  // (topK is at most 100 by config, well inside the index's own bound).
  const candidates = await index.search(probe.embedding, config.topK + 1);
  let best: DuplicateMatch | null = null;
  let nearestOther: number | null = null;
  for (const c of candidates) {
    const stored = journal.templateOf(c.profileId);
    if (!stored || stored.modelId !== probe.modelId) continue;
    if (stored.tid === account.tid && stored.oid === account.oid) continue;
    const vector = templateToEmbedding(stored.template);
    if (vector.length !== probe.embedding.length) continue;
    const { distance } = compareFaces(probe.embedding, vector, config.threshold);
    if (nearestOther === null || distance < nearestOther) nearestOther = distance;
    if (distance <= config.threshold && (!best || distance < best.distance)) {
      best = { profileId: stored.profileId, tid: stored.tid, oid: stored.oid, distance, threshold: config.threshold };
    }
  }
  const searched = `${index.size} stored template(s) searched, ${candidates.length} re-scored exactly`;
  if (best) {
    return {
      match: best,
      check: {
        name: 'duplicate-person', score: round(best.distance), threshold: config.threshold, outcome: 'fail',
        reason: `the face matches profile ${best.profileId} of another account (${best.tid}/${best.oid}) at distance ${round(best.distance)} <= ${config.threshold}; ${searched}`,
      },
    };
  }
  return {
    match: null,
    check: {
      name: 'duplicate-person', score: nearestOther === null ? null : round(nearestOther), threshold: config.threshold, outcome: 'pass',
      reason: `no other account's profile within ${config.threshold}${nearestOther === null ? '' : ` (nearest ${round(nearestOther)})`}; ${searched}`,
    },
  };
}

/** Values per template of the configured embedder: the slot's outputDim, or the built-in model's from the manifest. */
export function embedderDimension(biometrics: BiometricsConfig): number {
  if (typeof biometrics.embedder !== 'string') return biometrics.embedder.outputDim;
  const entry = readModelManifest(resolveDataPath(biometrics.manifest)).embedders[biometrics.embedder as BuiltInEmbedder];
  if (!entry) throw new ProofgateError('ERR_MODEL', `the model manifest has no embedder "${biometrics.embedder}" (rebuild it with "npm run build:models")`);
  return entry.slot.outputDim;
}

/**
 * The search every enrolment runs, built at start-up: every stored profile of the current embedder
 * (`modelId`) read into the template index. With enrolment.duplicates.enabled false, no index is built and
 * the search reports itself skipped.
 */
export async function openDuplicateSearch(
  config: Pick<ProofgateConfig, 'enrolment' | 'biometrics'>, repo: Pick<Repository, 'profileJournal'>, modelId: string,
): Promise<DuplicateSearch> {
  const d = config.enrolment.duplicates;
  const index = d.enabled
    ? await SyncedTemplateIndex.build(repo.profileJournal, { modelId, dimension: embedderDimension(config.biometrics), encoding: d.indexEncoding, threads: d.searchThreads })
    : null;
  return { config: d, index, journal: repo.profileJournal };
}
