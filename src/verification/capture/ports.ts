// What the verification flow needs from its neighbours, stated as narrow interfaces so the flow can be
// read (and tested) on its own. The appliance wires the real ones: the face engine (src/biometrics,
// adapted in face-analyzer.ts) and encrypted evidence storage (src/store/evidence-cipher.ts). The OIDC
// side is src/oidc/complete-verification.ts.
import type { EvidenceCipher } from '../../store/evidence-cipher.js';

export interface FaceBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Capture-quality measures the face engine reports for the one face it found. */
export interface FaceQualityMeasures {
  /** Face size in pixels: the smaller side of the face's landmark extent (not the detector box). */
  size: number;
  sharpness: number;
  /** Mean brightness of the face crop, 0..1. */
  exposure: number;
  yaw: number;
  pitch: number;
  roll: number;
  /** Null when the engine cannot tell. */
  eyesOpen: boolean | null;
}

export interface AnalyzedFace {
  box: FaceBox;
  embedding: Float32Array;
  quality: FaceQualityMeasures;
  /** 468 x (x, y, z) in image pixels, MediaPipe vertex order: what depth liveness and the challenge read. */
  landmarks468: Float32Array;
}

export interface FaceAnalysisResult {
  /** The decoded image's size in pixels (the landmarks' frame). */
  image: { width: number; height: number };
  faceCount: number;
  /** The largest face the engine could measure, also when faceCount > 1 (the face-count gate judges that); null when none. */
  face: AnalyzedFace | null;
}

export interface FaceComparisonResult {
  distance: number;
  score: number;
  threshold: number;
  match: boolean;
}

export interface FaceAnalyzer {
  /** Identifies the embedder; a stored template compares only with one from the same model. */
  readonly modelId: string;
  analyzeFace(image: Buffer): Promise<FaceAnalysisResult>;
  compareFaces(a: Float32Array, b: Float32Array, threshold: number): FaceComparisonResult | Promise<FaceComparisonResult>;
}

/** Encrypts a capture at rest (src/store/evidence-cipher.ts); its sha256 goes into the audit record. */
export type EvidenceSink = Pick<EvidenceCipher, 'storeEvidence'>;
