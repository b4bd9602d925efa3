// A FaceAnalyzer that answers with analyses written into the test, for policy tests that need measures
// a real photo cannot be made to produce on demand (a 40° yaw, closed eyes, an engine failure).
// Comparison is real arithmetic (L2 distance) over the recorded embeddings. Flow tests use the real engine.
// Liveness tests script the synthetic generator's landmarks here: the selfie RGB is a real photo, but the
// depth frame is synthetic, so the engine's landmarks on the photo would not lie on the synthetic face.
import type { FaceAnalysisResult, FaceAnalyzer, FaceComparisonResult, FaceQualityMeasures } from '../../src/verification/capture/ports.js';

export const GOOD_QUALITY: FaceQualityMeasures = { faceSizePx: 220, sharpness: 150, brightness: 0.5, yaw: 3, pitch: -2, roll: 1, eyesOpen: true };

export function embedding(seed: number, length = 128): Float32Array {
  const v = new Float32Array(length);
  for (let i = 0; i < length; i++) v[i] = Math.sin(seed * 7.31 + i * 0.77) / Math.sqrt(length / 2);
  return v;
}

/** Scripted landmarks and frame size, for tests that send liveness evidence (see test/helpers/liveness-evidence.ts). */
export interface FaceGeometry {
  landmarks468?: Float32Array;
  image?: { width: number; height: number };
}

export function oneFace(emb: Float32Array, quality: Partial<FaceQualityMeasures> = {}, geometry: FaceGeometry = {}): FaceAnalysisResult {
  return {
    image: geometry.image ?? { width: 640, height: 480 },
    faceCount: 1,
    face: {
      box: { x: 10, y: 10, width: 220, height: 240 }, embedding: emb, quality: { ...GOOD_QUALITY, ...quality },
      // Tests that send no depth or challenge never read these; the others pass the generator's.
      landmarks468: geometry.landmarks468 ?? new Float32Array(468 * 3),
    },
  };
}

/** No face (faceCount 0) or several faces the engine did not measure. */
export function noFace(faceCount = 0): FaceAnalysisResult {
  return { image: { width: 640, height: 480 }, faceCount, face: null };
}

export class RecordedFaceAnalyzer implements FaceAnalyzer {
  readonly modelId: string;
  #answers: Array<FaceAnalysisResult | Error>;
  calls = 0;

  constructor(answers: Array<FaceAnalysisResult | Error>, modelId = 'dlib-resnet-v1') {
    this.#answers = answers;
    this.modelId = modelId;
  }

  /** Replaces the script: the next calls answer these in order, the last one repeating. */
  willAnswer(...answers: Array<FaceAnalysisResult | Error>): void {
    this.#answers = answers;
    this.calls = 0;
  }

  async analyzeFace(image: Buffer): Promise<FaceAnalysisResult> {
    if (!Buffer.isBuffer(image) || image.length === 0) throw new TypeError('image must be a non-empty Buffer');
    const answer = this.#answers[Math.min(this.calls, this.#answers.length - 1)];
    this.calls += 1;
    if (answer instanceof Error) throw answer;
    return answer;
  }

  compareFaces(a: Float32Array, b: Float32Array, threshold: number): FaceComparisonResult {
    let sum = 0;
    for (let i = 0; i < a.length; i++) sum += (a[i] - b[i]) ** 2;
    const distance = Math.sqrt(sum);
    return { distance, score: 1 - distance, threshold, match: distance <= threshold };
  }
}
