// What the verification flow needs from its neighbours, stated as narrow interfaces so the flow can be
// read (and tested) on its own. The appliance wires the real ones: the face engine (src/biometrics,
// adapted in face-analyzer.ts) and encrypted evidence storage (src/store/evidence-cipher.ts). The OIDC
// side is src/oidc/complete-verification.ts.
import type { AnalyzedFace as EngineAnalyzedFace, FaceQuality } from '../../biometrics/analyze-face.js';
import type { EvidenceCipher } from '../../store/evidence-cipher.js';

/** The quality measures the gates read, under the engine's own names (src/biometrics/analyze-face.ts). */
export type FaceQualityMeasures = Pick<FaceQuality, 'faceSizePx' | 'sharpness' | 'brightness' | 'yaw' | 'pitch' | 'roll'> & {
  /** Null when the analyzer cannot tell. */
  eyesOpen: boolean | null;
};

/** The engine's analysed face, narrowed to what the flow reads; the embedding is always computed here. */
export type AnalyzedFace = Pick<EngineAnalyzedFace, 'box' | 'landmarks468'> & {
  embedding: Float32Array;
  quality: FaceQualityMeasures;
};

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
  /**
   * The analyzer of an earlier embedder, for a profile whose template it made, with that embedder's own
   * match threshold; null when it cannot be loaded (not a built-in model). Loaded on first need, then kept.
   */
  previousEmbedder?(modelId: string): Promise<PreviousEmbedder | null>;
}

export interface PreviousEmbedder {
  analyzer: FaceAnalyzer;
  /** The largest distance that embedder counts as the same person. */
  threshold: number;
}

/** What the account sent before: a selfie already used in an earlier session is a replayed capture. */
export interface CaptureHistory {
  usedInEarlierSession(sha256: string): boolean;
}

/** Encrypts a capture at rest (src/store/evidence-cipher.ts); its sha256 goes into the audit record. */
export type EvidenceSink = Pick<EvidenceCipher, 'sealEvidence' | 'putSealed'>;
