// Configuration section "enrolment": what happens around storing a new biometric profile, whichever
// way it is enrolled (first-time verification in a browser or at a kiosk, a staff-attested reference
// photo). Today: the 1:N duplicate-person search (docs/biometrics.md, "1:N search"; docs/helpdesk.md,
// "Duplicate-person detection"). The defaults object is also the documentation: one comment per key.
import { ConfigError, type SectionReader } from '../validate.js';
import { BUILT_IN_THRESHOLDS, type BiometricsConfig } from './biometrics.js';

/**
 * The duplicate threshold of each built-in embedder fit for verification, an L2 distance well below its
 * verification threshold (dlib: 0.48). A 1:N search compares a new face with every stored one, so its
 * false matches grow with the number of profiles N: at a per-comparison FMR p, about N x p innocent
 * enrolments in each are held. dlib's impostor tail, extrapolated as docs/biometrics-evaluation.md fits it
 * (0.503 at 1e-4), puts 0.40 at about 7e-7 per comparison (about 0.7% of enrolments held in error at
 * 10,000 profiles); the calibration data holds no impostor pair below 0.4975 (the closest, siblings, at
 * 0.50 and 0.52). The price is missed duplicates: 41% of faces-dev's genuine pairs lie above 0.40
 * (docs/biometrics.md, "1:N search").
 */
export const BUILT_IN_DUPLICATE_THRESHOLDS = { 'dlib-resnet': 0.4 } as const;

export const DUPLICATE_ACTIONS = ['hold', 'refuse'] as const;
export type DuplicateAction = (typeof DUPLICATE_ACTIONS)[number];
export const DUPLICATE_INDEX_ENCODINGS = ['int8', 'float16', 'float32'] as const;

export const enrolmentDefaults = {
  duplicates: {
    /**
     * Search every stored template of the current embedder at every enrolment, before the profile is
     * stored. false turns the search off (no index is built; enrolments are never held as duplicates).
     */
    enabled: true,
    /**
     * Largest L2 distance at which the new face counts as the same person as another account's profile.
     * null: biometrics.matching.threshold x 0.40/0.48, the calibrated ratio: 0.40 for dlib at its
     * calibrated 0.48, 0.25 with a threshold tightened to 0.30; for a custom embedder slot the same
     * relative strictness on its own scale (recalibrate it with eval:faces and set a number). Must be below biometrics.matching.threshold: a duplicate search must be
     * stricter than a 1:1 verification, since it compares with every profile at once.
     */
    threshold: null as number | null,
    /**
     * 'hold': the enrolment is kept as a pending enrolment (not a profile) for an administrator to release
     * or reject (`proofgate enrolment holds|release|reject`), and the person is told it needs review.
     * 'refuse': nothing is kept; the person gets the ordinary denial. Either way one audit record names
     * the other account's profile and the distance, and Entra receives the same denial as any other.
     */
    action: 'hold' as DuplicateAction,
    /** Candidates the index returns for exact re-scoring on the stored float32 templates (1..100). */
    topK: 10,
    /**
     * How the in-memory index stores each template: 'int8' (136 bytes per 128-d template, the default:
     * the measured candidate recall equals float32's, docs/biometrics.md), 'float16' (264) or 'float32' (520).
     */
    indexEncoding: 'int8' as (typeof DUPLICATE_INDEX_ENCODINGS)[number],
    /** Threads one search runs on (1..16); 2 matches the appliance's reference machine. */
    searchThreads: 2,
  },
};

export interface DuplicatesConfig {
  enabled: boolean;
  /** Resolved: the configured number or the built-in embedder's value. */
  threshold: number;
  action: DuplicateAction;
  topK: number;
  indexEncoding: (typeof DUPLICATE_INDEX_ENCODINGS)[number];
  searchThreads: number;
}

export interface EnrolmentConfig {
  duplicates: DuplicatesConfig;
}

/** `biometrics` is the section read before this one: the threshold is checked against its matching threshold. */
export function readEnrolmentConfig(r: SectionReader, biometrics: Pick<BiometricsConfig, 'matching'>): EnrolmentConfig {
  const d = r.section('duplicates');
  const enabled = d.boolean('enabled');
  const raw = d.raw('threshold');
  let threshold: number;
  if (raw === null) {
    // The calibrated ratio (dlib 0.40 / 0.48) applied to the verification threshold in use: a tightened
    // threshold tightens this one, and a custom embedder's (on its own scale) gets the same relative strictness.
    const ratio = BUILT_IN_DUPLICATE_THRESHOLDS['dlib-resnet'] / BUILT_IN_THRESHOLDS['dlib-resnet'];
    threshold = Math.round(biometrics.matching.threshold * ratio * 10_000) / 10_000;
  } else {
    if (typeof raw !== 'number' || !Number.isFinite(raw) || raw <= 0) throw new ConfigError(d.key('threshold'), 'a positive number or null', raw);
    threshold = raw;
  }
  if (threshold >= biometrics.matching.threshold) {
    throw new ConfigError(d.key('threshold'), `a distance below biometrics.matching.threshold (${biometrics.matching.threshold}): a 1:N search must be stricter than a 1:1 verification`, threshold);
  }
  const out: EnrolmentConfig = {
    duplicates: {
      enabled,
      threshold,
      action: d.oneOf('action', DUPLICATE_ACTIONS),
      topK: d.number('topK', { integer: true, min: 1, max: 100 }),
      indexEncoding: d.oneOf('indexEncoding', DUPLICATE_INDEX_ENCODINGS),
      searchThreads: d.number('searchThreads', { integer: true, min: 1, max: 16 }),
    },
  };
  d.done();
  r.done();
  return out;
}
