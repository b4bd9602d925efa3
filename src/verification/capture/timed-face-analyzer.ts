// The face analyzer with every analysis timed as the capture_analysis stage (the face engine's share of
// a capture's server work), whichever engine is behind it.
import type { ApplianceMetrics } from '../../observability/metrics.js';
import type { FaceAnalysisResult, FaceAnalyzer } from './ports.js';

export function timedFaceAnalyzer(engine: FaceAnalyzer, metrics: ApplianceMetrics): FaceAnalyzer {
  return {
    modelId: engine.modelId,
    async analyzeFace(image: Buffer): Promise<FaceAnalysisResult> {
      const end = metrics.startStage('capture_analysis');
      try {
        return await engine.analyzeFace(image);
      } finally {
        end();
      }
    },
    compareFaces: (a, b, threshold) => engine.compareFaces(a, b, threshold),
  };
}
