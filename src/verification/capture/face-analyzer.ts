// Adapts the face engine (src/biometrics) to the FaceAnalyzer the verification flow uses: the engine's
// model id for templates, the quality measures the gates read, the landmarks and image
// size liveness needs, and the comparison. It also keeps the earlier built-in embedders that stored
// profiles still reference (loaded on first need), so those profiles verify and are re-enrolled.
import type { ProofgateConfig } from '../../config/index.js';
import { resolveDataPath } from '../../config/index.js';
import { BUILT_IN_THRESHOLDS, UNFIT_EMBEDDERS } from '../../config/sections/biometrics.js';
import { readModelManifest, type BuiltInEmbedder } from '../../biometrics/model-manifest.js';
import { FaceEngine, threadsPerInference } from '../../biometrics/face-engine.js';
import { analyzeFace } from '../../biometrics/analyze-face.js';
import { compareFaces } from '../../biometrics/compare-faces.js';
import type { BiometricsConfig } from '../../config/sections/biometrics.js';
import type { FaceAnalysisResult, FaceAnalyzer, FaceComparisonResult, PreviousEmbedder } from './ports.js';

export class EngineFaceAnalyzer implements FaceAnalyzer {
  readonly modelId: string;
  readonly #engine: FaceEngine;
  readonly #matching: BiometricsConfig['matching'];
  /** The configuration the engine was loaded with; null: no earlier embedder can be loaded. */
  readonly #config: BiometricsConfig | null;
  readonly #previous = new Map<string, Promise<PreviousEmbedder | null>>();

  constructor(engine: FaceEngine, config: BiometricsConfig | null = null) {
    this.#engine = engine;
    this.#matching = engine.matching;
    this.modelId = engine.runtime().embedderId;
    this.#config = config;
  }

  /**
   * A built-in embedder of the current manifest whose id is `modelId`, loaded once with one pipeline (it
   * serves only profiles not yet re-enrolled) and its own calibrated threshold (BUILT_IN_THRESHOLDS: the
   * configured matching.threshold belongs to the current embedder). An embedder unfit for verification
   * (UNFIT_EMBEDDERS) is never loaded: its profiles must be enrolled again. A failed load is not cached,
   * so the next verification tries again.
   */
  previousEmbedder(modelId: string): Promise<PreviousEmbedder | null> {
    const config = this.#config;
    if (!config || modelId === this.modelId) return Promise.resolve(null);
    let loading = this.#previous.get(modelId);
    if (!loading) {
      loading = (async () => {
        const embedders = readModelManifest(resolveDataPath(config.manifest)).embedders;
        const name = (Object.keys(embedders) as BuiltInEmbedder[]).find((n) => embedders[n]!.id === modelId);
        if (!name || UNFIT_EMBEDDERS[name]) return null;
        const threshold = BUILT_IN_THRESHOLDS[name];
        const engine = await FaceEngine.load({ ...config, embedder: name, matching: { ...config.matching, threshold }, pipelines: 1, threads: threadsPerInference(config) });
        return { analyzer: new EngineFaceAnalyzer(engine), threshold };
      })();
      this.#previous.set(modelId, loading);
      loading.catch(() => this.#previous.delete(modelId));
    }
    return loading;
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
    for (const loading of this.#previous.values()) void loading.then((p) => (p?.analyzer as EngineFaceAnalyzer | undefined)?.close(), () => {});
  }
}

export async function loadFaceAnalyzer(config: ProofgateConfig): Promise<EngineFaceAnalyzer> {
  return new EngineFaceAnalyzer(await FaceEngine.load(config.biometrics), config.biometrics);
}
