// analyzeFace(engine, image, options): one photo through the native pipeline (decode, detect, mesh,
// align, embed, quality) on the libuv pool; the event loop only validates and converts. A photo without
// a usable face is a normal result (face: null, with the reason), not an exception; a photo that is not
// an image, or too large, rejects with a FaceEngineError (face-errors.ts).
import { ProofgateError } from '../core/errors.js';
import { embedderInputShape, engineInternals, type FaceEngine } from './face-engine.js';
import { callNative } from '../native/call-native.js';
import { FACE_NATIVE } from './face-errors.js';
import { fivePointsFromMesh, type FivePoints } from './five-points.js';
import type { NativeAnalysis, NativeAnalyzeOptions, NativeDetection } from './native-face.js';
import { nativeFace } from './native-face.js';

export interface AnalyzeFaceOptions {
  /** Compute the descriptor (default true). Without it, analysis stops after quality. */
  embedding?: boolean;
  /** Overrides biometrics.detection.minScore for this call. */
  minDetectionScore?: number;
  /** Overrides biometrics.detection.maxFaces. */
  maxFaces?: number;
  /** Overrides biometrics.detection.tightCropPadding (0 disables the padded second pass). */
  tightCropPadding?: number;
  /** Overrides biometrics.landmarks.refine. */
  refineLandmarks?: boolean;
  /** Overrides biometrics.maxPixels (lower only makes sense). */
  maxPixels?: number;
}

export interface FaceBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface FaceDetection {
  /** Image pixels; may reach past the edge for a face the frame cuts off. */
  box: FaceBox;
  score: number;
  /** BlazeFace keypoints: subject's right eye, left eye, nose tip, mouth, right ear, left ear. */
  keypoints: [number, number][];
}

export interface FaceQuality {
  /** Smaller side of the mesh's extent, image pixels. */
  faceSizePx: number;
  faceWidthPx: number;
  faceHeightPx: number;
  /** Distance between the eye centres, image pixels. */
  interocularPx: number;
  /** Variance of the Laplacian of the aligned grey face chip (same scale for every photo). */
  sharpness: number;
  /** Mean grey level of the aligned chip, 0..1. */
  brightness: number;
  /** Share of chip pixels at or below 8 / at or above 247 (clipped shadows / highlights). */
  darkFraction: number;
  brightFraction: number;
  /** Head pose in degrees from the mesh; 0 is facing the camera. */
  yaw: number;
  pitch: number;
  roll: number;
  /** Eye aspect ratios (subject's left and right); ~0.3 open, ~0.1 closed. */
  leftEyeOpenness: number;
  rightEyeOpenness: number;
  /** Both ratios at or above biometrics.eyeOpenMinAspectRatio. */
  eyesOpen: boolean;
}

export interface AnalyzedFace {
  box: FaceBox;
  detectionScore: number;
  /** The face-mesh model's own face score (0..1). */
  landmarkScore: number;
  /** 468 x (x, y, z) in image pixels, MediaPipe vertex order; z smaller is nearer the camera. */
  landmarks468: Float32Array;
  fivePoints: FivePoints;
  /** The descriptor (biometrics.embedder; L2-normalised when configured); null when not requested. */
  embedding: Float32Array | null;
  quality: FaceQuality;
  /** Found only by the padded second pass (the face fills the frame). */
  foundOnPaddedImage: boolean;
}

/** Milliseconds. decode..quality are measured natively; queue and total around the call. */
export interface FaceTimings {
  queue: number;
  decode: number;
  detect: number;
  landmarks: number;
  align: number;
  embed: number;
  quality: number;
  /** Pipeline, decode to quality (an embedder run outside the native pipeline included). */
  native: number;
  /** Wall time of analyzeFace(), queueing and conversion included. */
  total: number;
}

export type NoFaceReason = 'no-detection' | 'landmarks-rejected';

export interface FaceAnalysis {
  image: { format: 'jpeg' | 'png' | 'webp'; width: number; height: number };
  /**
   * Faces found: detections above the score threshold after overlap suppression, less those the mesh
   * model rejected (it checks from the largest down until one passes, so smaller ones are unchecked).
   */
  faceCount: number;
  /** Those faces, best detector score first. */
  detections: FaceDetection[];
  /** The largest face the mesh model confirmed, analysed; null when there is none. */
  face: AnalyzedFace | null;
  /** Why `face` is null: nothing detected, or the mesh model rejected every detection it checked. */
  noFaceReason: NoFaceReason | null;
  timings: FaceTimings;
}

const OPTION_KEYS = new Set(['embedding', 'minDetectionScore', 'maxFaces', 'tightCropPadding', 'refineLandmarks', 'maxPixels']);

function invalidOption(message: string): ProofgateError {
  return new ProofgateError('ERR_BAD_REQUEST', `analyzeFace: ${message}`, { status: 400 });
}

function numberOption(value: number | undefined, name: string, min: number, max: number, integer = false): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw invalidOption(`options.${name} must be ${integer ? 'an integer' : 'a number'} in ${min}..${max}, got ${String(value)}`);
  }
  return value;
}

function booleanOption(value: boolean | undefined, name: string): boolean | undefined {
  if (value !== undefined && typeof value !== 'boolean') throw invalidOption(`options.${name} must be true or false, got ${String(value)}`);
  return value;
}

function nativeOptions(engine: FaceEngine, options: AnalyzeFaceOptions): NativeAnalyzeOptions {
  if (options === null || typeof options !== 'object') throw invalidOption('options must be an object');
  for (const key of Object.keys(options)) if (!OPTION_KEYS.has(key)) throw invalidOption(`unknown option "${key}"`);
  const { config } = engine[engineInternals];
  return {
    maxPixels: numberOption(options.maxPixels, 'maxPixels', 1, config.maxPixels, true) ?? config.maxPixels,
    minDetectionScore: numberOption(options.minDetectionScore, 'minDetectionScore', 0.01, 0.99) ?? config.detection.minScore,
    nmsIouThreshold: config.detection.iouThreshold,
    maxFaces: numberOption(options.maxFaces, 'maxFaces', 1, 100, true) ?? config.detection.maxFaces,
    tightCropPadding: numberOption(options.tightCropPadding, 'tightCropPadding', 0, 2) ?? config.detection.tightCropPadding,
    minLandmarkScore: config.landmarks.minScore,
    refineLandmarks: booleanOption(options.refineLandmarks, 'refineLandmarks') ?? config.landmarks.refine,
    refineMinCropChange: config.landmarks.refineMinChange,
    computeEmbedding: booleanOption(options.embedding, 'embedding') ?? true,
  };
}

function toDetection(d: NativeDetection): FaceDetection {
  const keypoints: [number, number][] = [];
  for (let i = 0; i + 1 < d.keypoints.length; i += 2) keypoints.push([d.keypoints[i], d.keypoints[i + 1]]);
  return { box: { ...d.box }, score: d.score, keypoints };
}

function l2Normalized(v: Float32Array): Float32Array {
  let sum = 0;
  for (const x of v) sum += x * x;
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let i = 0; i < v.length; i++) v[i] /= norm;
  return v;
}

function toAnalysis(engine: FaceEngine, raw: NativeAnalysis, queueMs: number, started: number): FaceAnalysis {
  const { config, embedder } = engine[engineInternals];
  let face: AnalyzedFace | null = null;
  let noFaceReason: NoFaceReason | null = null;
  if (!raw.face) {
    noFaceReason = raw.rejectedDetections > 0 ? 'landmarks-rejected' : 'no-detection';
  } else {
    const q = raw.face.quality;
    const eyeOpen = config.eyeOpenMinAspectRatio;
    face = {
      box: { ...raw.face.detection.box },
      detectionScore: raw.face.detection.score,
      landmarkScore: raw.face.landmarkScore,
      landmarks468: raw.face.landmarks,
      fivePoints: fivePointsFromMesh(raw.face.landmarks),
      embedding: raw.face.embedding.length === 0 ? null : embedder.l2Normalize ? l2Normalized(raw.face.embedding) : raw.face.embedding,
      quality: {
        faceSizePx: Math.min(q.faceWidth, q.faceHeight),
        faceWidthPx: q.faceWidth,
        faceHeightPx: q.faceHeight,
        interocularPx: q.interocular,
        sharpness: q.sharpness,
        brightness: q.brightness,
        darkFraction: q.darkFraction,
        brightFraction: q.brightFraction,
        yaw: q.yaw,
        pitch: q.pitch,
        roll: q.roll,
        leftEyeOpenness: q.leftEyeOpenness,
        rightEyeOpenness: q.rightEyeOpenness,
        eyesOpen: q.leftEyeOpenness >= eyeOpen && q.rightEyeOpenness >= eyeOpen,
      },
      foundOnPaddedImage: raw.usedPadding,
    };
  }
  const t = raw.timings;
  return {
    image: { format: raw.format, width: raw.width, height: raw.height },
    faceCount: raw.detections.length,
    detections: raw.detections.map(toDetection),
    face,
    noFaceReason,
    timings: {
      queue: queueMs,
      decode: t.decode,
      detect: t.detect,
      landmarks: t.landmarks,
      align: t.align,
      embed: t.embed,
      quality: t.quality,
      native: t.total,
      total: performance.now() - started,
    },
  };
}

/**
 * Analyses the largest face in `image` (JPEG, PNG or WebP bytes, EXIF orientation honoured). The Buffer
 * is read in place by the native worker: do not modify it until the promise settles.
 */
export async function analyzeFace(engine: FaceEngine, image: Buffer, options: AnalyzeFaceOptions = {}): Promise<FaceAnalysis> {
  const started = performance.now();
  if (!Buffer.isBuffer(image)) throw invalidOption('image must be a Buffer');
  const native = nativeOptions(engine, options);
  const { handle, queue, embedderRunner, embedder, running, runDetector, trimmer } = engine[engineInternals];
  let queueMs = 0;
  // The admission slot is held until the embedding is done, wherever the embedder runs, so
  // biometrics.pipelines bounds whole analyses.
  const raw = await callNative(analyzeFace, () => queue.run(() => tracked(running, async () => {
    queueMs = performance.now() - started;
    const analysis = await nativeFace().faceAnalyze(handle, image, native, runDetector);
    if (embedderRunner && analysis.face && native.computeEmbedding) {
      const embedStarted = performance.now();
      const [descriptor] = await embedderRunner.run(analysis.face.embedderInput, embedderInputShape(embedder), [embedder.output]);
      if (descriptor.length !== embedder.outputDim) {
        throw new ProofgateError('ERR_MODEL', `the embedder returned ${descriptor.length} values, expected ${embedder.outputDim}`);
      }
      analysis.face.embedding = descriptor;
      analysis.timings.embed = performance.now() - embedStarted;
      analysis.timings.total += analysis.timings.embed;
    }
    trimmer.noteWork();
    return analysis;
  })), FACE_NATIVE);
  return toAnalysis(engine, raw, queueMs, started);
}

/** Runs `task` while it is in `running` (FaceEngine.close() waits for those). */
async function tracked<T>(running: Set<Promise<unknown>>, task: () => Promise<T>): Promise<T> {
  const promise = task();
  running.add(promise);
  try {
    return await promise;
  } finally {
    running.delete(promise);
  }
}
