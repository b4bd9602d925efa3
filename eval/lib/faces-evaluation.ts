// Turns one system's probes of a labelled face set into enrolment and verification figures. Pure: the
// probes are computed elsewhere (eval/faces.eval.ts), so this is tested with hand-made probes.
import type { ComparisonPair, LabelledImage } from './faces-dataset.js';
import { fitScoreMapping, type ScoreMapping } from './score-calibration.js';
import {
  binomialUpperBound,
  detCurve,
  equalErrorRate,
  errorRatesAt,
  fnmrAtFmr,
  type ComparisonDistances,
  type EqualErrorRate,
  type FnmrAtFmr,
  type OperatingPoint,
} from './verification-metrics.js';

export const FMR_TARGETS = [1e-2, 1e-3] as const;

export interface ProbeOutcome {
  readonly faceCount: number;
  readonly template: Float32Array | null;
}

export interface EnrolmentFigures {
  /** Images labelled num_faces = 1: the ones a user would enrol from. */
  readonly singleFaceImages: number;
  /** Of those, images where the system produced no template. */
  readonly failedToEnrol: number;
  readonly failureToEnrolRate: number;
  readonly failedPaths: readonly string[];
  /** Single-face images where the detector reported more than one face (it still enrols its best). */
  readonly extraFaceImages: number;
  /** Group images (num_faces >= 2 or -1 = several): how many the detector saw as several faces. */
  readonly groupImages: number;
  readonly groupImagesSeenAsSeveral: number;
}

export interface CalibratedThreshold {
  /** Target the threshold was calibrated for. */
  readonly targetFmr: number;
  readonly threshold: number;
  /** Thresholds in [threshold, upTo) give the same error rates on this data. */
  readonly upTo: number;
  readonly falseMatches: number;
  readonly impostors: number;
  /** Expected FMR on data like this: falseMatches / impostors, with its one-sided 95% upper bound. */
  readonly expectedFmr: number;
  readonly fmrUpper95: number;
  readonly fnmr: number;
}

export interface SystemEvaluation {
  readonly system: string;
  readonly enrolment: EnrolmentFigures;
  readonly comparisons: {
    readonly genuine: number;
    readonly impostor: number;
    /** Pairs left out of the plain rates because a side failed to enrol. */
    readonly genuineNotCompared: number;
    readonly impostorNotCompared: number;
  };
  /** Distances of the pairs where both sides enrolled. */
  readonly distances: ComparisonDistances;
  /** FNMR at each FMR target, pairs with an enrolment failure left out (ISO/IEC 19795-1 FNMR). */
  readonly atFmr: readonly FnmrAtFmr[];
  /** The same with enrolment failures counted as non-matches (generalized FNMR/FMR). */
  readonly generalizedAtFmr: readonly FnmrAtFmr[];
  readonly eer: EqualErrorRate;
  readonly calibrated: CalibratedThreshold;
  /** Logistic distance-to-score fit on the compared pairs (biometrics.matching.scoreMidpoint/scoreSteepness). */
  readonly scoreMapping: ScoreMapping;
  readonly defaultThreshold: number | null;
  readonly atDefaultThreshold: OperatingPoint | null;
  readonly det: readonly OperatingPoint[];
}

function enrolmentFigures(images: readonly LabelledImage[], probes: ReadonlyMap<string, ProbeOutcome>): EnrolmentFigures {
  const probeOf = (image: LabelledImage): ProbeOutcome => {
    const probe = probes.get(image.path);
    if (!probe) throw new Error(`no probe for ${image.path}`);
    return probe;
  };
  const single = images.filter((image) => image.numFaces === 1);
  const failed = single.filter((image) => probeOf(image).template === null);
  const groups = images.filter((image) => image.numFaces >= 2 || image.numFaces === -1);
  return {
    singleFaceImages: single.length,
    failedToEnrol: failed.length,
    failureToEnrolRate: single.length === 0 ? 0 : failed.length / single.length,
    failedPaths: failed.map((image) => image.path),
    extraFaceImages: single.filter((image) => probeOf(image).faceCount > 1).length,
    groupImages: groups.length,
    groupImagesSeenAsSeveral: groups.filter((image) => probeOf(image).faceCount >= 2).length,
  };
}

export function evaluateSystem(
  system: string,
  images: readonly LabelledImage[],
  pairs: readonly ComparisonPair[],
  probes: ReadonlyMap<string, ProbeOutcome>,
  distance: (a: Float32Array, b: Float32Array) => number,
  defaultThreshold: number | null,
): SystemEvaluation {
  const enrolment = enrolmentFigures(images, probes);
  const compared: { genuine: number[]; impostor: number[] } = { genuine: [], impostor: [] };
  const generalized: { genuine: number[]; impostor: number[] } = { genuine: [], impostor: [] };
  for (const pair of pairs) {
    const a = probes.get(pair.pathA)?.template ?? null;
    const b = probes.get(pair.pathB)?.template ?? null;
    const d = a && b ? distance(a, b) : Infinity;
    (pair.same ? generalized.genuine : generalized.impostor).push(d);
    if (Number.isFinite(d)) (pair.same ? compared.genuine : compared.impostor).push(d);
  }
  const genuine = generalized.genuine.length;
  const impostor = generalized.impostor.length;
  if (compared.genuine.length === 0 || compared.impostor.length === 0) {
    throw new Error(
      `${system}: too few enrolled images to compare (${compared.genuine.length} of ${genuine} genuine, ` +
        `${compared.impostor.length} of ${impostor} impostor pairs have both templates)`,
    );
  }
  const atFmr = FMR_TARGETS.map((target) => fnmrAtFmr(compared, target));
  const atFirstTarget = atFmr[0];
  const calibrated: CalibratedThreshold = {
    targetFmr: atFirstTarget.targetFmr,
    threshold: atFirstTarget.point.threshold,
    upTo: atFirstTarget.nextImpostorDistance,
    falseMatches: atFirstTarget.point.falseMatches,
    impostors: compared.impostor.length,
    expectedFmr: atFirstTarget.point.fmr,
    fmrUpper95: binomialUpperBound(atFirstTarget.point.falseMatches, compared.impostor.length, 0.95),
    fnmr: atFirstTarget.point.fnmr,
  };
  return {
    system,
    enrolment,
    comparisons: {
      genuine,
      impostor,
      genuineNotCompared: genuine - compared.genuine.length,
      impostorNotCompared: impostor - compared.impostor.length,
    },
    distances: compared,
    atFmr,
    generalizedAtFmr: FMR_TARGETS.map((target) => fnmrAtFmr(generalized, target)),
    eer: equalErrorRate(compared),
    calibrated,
    scoreMapping: fitScoreMapping(compared),
    defaultThreshold,
    atDefaultThreshold: defaultThreshold === null ? null : errorRatesAt(compared, defaultThreshold),
    det: detCurve(compared),
  };
}
