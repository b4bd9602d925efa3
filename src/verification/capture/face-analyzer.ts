// Adapts the face engine (src/biometrics) to the FaceAnalyzer the verification flow uses: the engine's
// model id for templates, the quality measures the gates read, the landmarks and image
// size liveness needs, and the comparison.
import type { ProofgateConfig } from '../../config/index.js';
import { FaceEngine } from '../../biometrics/face-engine.js';
import { analyzeFace } from '../../biometrics/analyze-face.js';
import { compareFaces } from '../../biometrics/compare-faces.js';
import type { BiometricsConfig } from '../../config/sections/biometrics.js';
import type { FaceAnalysisResult, FaceAnalyzer, FaceComparisonResult } from './ports.js';

export class EngineFaceAnalyzer implements FaceAnalyzer {
  readonly modelId: string;
  readonly #engine: FaceEngine;
  readonly #matching: BiometricsConfig['matching'];

  constructor(engine: FaceEngine) {
    this.#engine = engine;
    this.#matching = engine.matching;
    this.modelId = engine.runtime().embedderId;
  }

  async analyzeFace(image: Buffer): Promise<FaceAnalysisResult> {
    const a = await analyzeFace(this.#engine, image);
    const f = a.face;
    const size = { width: a.image.width, height: a.image.height };
    if (!f || !f.embedding) return { image: size, faceCount: a.faceCount, face: null };
    const q = f.quality;
    return {
      image: size,
      faceCount: a.faceCount,
      face: {
        box: f.box,
        embedding: f.embedding,
        landmarks468: f.landmarks468,
        quality: { faceSizePx: q.faceSizePx, sharpness: q.sharpness, brightness: q.brightness, yaw: q.yaw, pitch: q.pitch, roll: q.roll, eyesOpen: q.eyesOpen },
      },
    };
  }

  compareFaces(a: Float32Array, b: Float32Array, threshold: number): FaceComparisonResult {
    // The flow's threshold decides; the score keeps the engine's calibrated mapping.
    return compareFaces(a, b, { threshold, scoreMidpoint: this.#matching.scoreMidpoint, scoreSteepness: this.#matching.scoreSteepness });
  }

  close(): void {
    this.#engine.close();
  }
}

export async function loadFaceAnalyzer(config: ProofgateConfig): Promise<EngineFaceAnalyzer> {
  return new EngineFaceAnalyzer(await FaceEngine.load(config.biometrics));
}
