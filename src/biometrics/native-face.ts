// The addon's face exports, typed. Shapes mirror native/src/face/face_js_options.cc (what goes in) and
// analysis_to_js.cc (what comes out); only src/biometrics talks to them.
import type { DetectorSlotConfig, EmbedderSlotConfig, LandmarkerSlotConfig } from '../config/sections/biometrics.js';
import { nativeAddon } from '../native/addon.js';

/**
 * face_js_options.cc reads the detector and landmarker slots exactly as the configuration describes them
 * (config/sections/biometrics.ts); only the embedder's alignment is resolved to points first.
 */
export interface NativeEngineSpec {
  /** inEngine: each pipeline loads the detector; false: faceAnalyze is given `runDetector` instead. */
  detector: DetectorSlotConfig & { inEngine: boolean };
  landmarker: LandmarkerSlotConfig;
  embedder: Pick<EmbedderSlotConfig, 'path' | 'input' | 'output' | 'outputDim'> & {
    /** true: the engine loads and runs the embedder; false: it runs outside and analyses return `embedderInput`. */
    inEngine: boolean;
    alignMeshPoints: number[][];
    /** Flat x0, y0, x1, y1, ... in chip pixels, one point per alignMeshPoints group. */
    alignTemplate: number[];
  };
  pipelines: number;
  useOpenCl: boolean;
}

export interface NativeAnalyzeOptions {
  maxPixels: number;
  minDetectionScore: number;
  nmsIouThreshold: number;
  maxFaces: number;
  tightCropPadding: number;
  /** A detection counts as a face when the mesh scores it at least this. */
  minLandmarkScore: number;
  refineLandmarks: boolean;
  /** The second mesh pass runs only when the crop the first mesh implies differs at least this much. */
  refineMinCropChange: number;
  computeEmbedding: boolean;
}

export interface NativeBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface NativeDetection {
  box: NativeBox;
  score: number;
  /** x0, y0, x1, y1, ... image pixels. */
  keypoints: Float32Array;
}

export interface NativeQuality {
  faceWidth: number;
  faceHeight: number;
  interocular: number;
  sharpness: number;
  brightness: number;
  darkFraction: number;
  brightFraction: number;
  yaw: number;
  pitch: number;
  roll: number;
  leftEyeOpenness: number;
  rightEyeOpenness: number;
}

export interface NativeStageTimings {
  decode: number;
  detect: number;
  landmarks: number;
  align: number;
  embed: number;
  quality: number;
  total: number;
}

export interface NativeAnalysis {
  format: 'jpeg' | 'png' | 'webp';
  width: number;
  height: number;
  /** Confirmed by the mesh, or not checked (only the largest confirmed face is meshed). */
  detections: NativeDetection[];
  /** Detections the mesh model scored below minLandmarkScore (dropped from `detections`). */
  rejectedDetections: number;
  usedPadding: boolean;
  face: null | {
    detection: NativeDetection;
    /** 468 x (x, y, z), image pixels. */
    landmarks: Float32Array;
    landmarkScore: number;
    /** Empty when computeEmbedding was false or the embedder runs outside the engine. */
    embedding: Float32Array;
    /** The embedder's 1x3xHxW input (aligned, normalised chip) when it runs outside the engine and computeEmbedding was true; else empty. */
    embedderInput: Float32Array;
    quality: NativeQuality;
  };
  timings: NativeStageTimings;
}

export interface NativeImageInfo {
  format: 'jpeg' | 'png' | 'webp';
  width: number;
  height: number;
}

/** A model pass run outside the native pipeline (native/src/face/external_forward.h): start it, then call done once. */
export type NativeForward = (input: Float32Array, outputNames: string[], done: (error: Error | null, outputs?: Float32Array[]) => void) => void;

/** Opaque: a type-tagged External owning the native engine. */
export type NativeEngineHandle = { readonly __nativeFaceEngine: unique symbol };

export interface NativeFaceAddon {
  faceEngineLoad(spec: NativeEngineSpec): Promise<NativeEngineHandle>;
  /** `runDetector`: null when the engine runs its detector; else called (on the main thread) for each detector pass. */
  faceAnalyze(engine: NativeEngineHandle, image: Buffer, options: NativeAnalyzeOptions, runDetector: NativeForward | null): Promise<NativeAnalysis>;
  faceEngineInfo(engine: NativeEngineHandle): { closed: boolean; pipelines?: number; target?: 'cpu' | 'opencl'; anchors?: number };
  faceEngineClose(engine: NativeEngineHandle): void;
  imageProbe(image: Buffer, options: { maxPixels: number }): Promise<NativeImageInfo>;
  /** size x size greyscale, area-averaged, row by row (native/src/face/image_thumbnail_worker.cc). */
  imageThumbnail(image: Buffer, options: { maxPixels: number; size: number }): Promise<Uint8Array>;
  runtimeInfo(): { opencvVersion: string; threads: number; haveOpenCL: boolean; dnnBackends: { backend: number; target: number }[] };
  setThreadCount(threads: number): void;
  /** glibc malloc_trim(0) (native/src/common/trim_malloc.cc): true when memory was handed back. */
  trimMalloc(): boolean;
}

export function nativeFace(): NativeFaceAddon {
  return nativeAddon() as unknown as NativeFaceAddon;
}
