// proofgate's native face pipeline behind the FaceSystem interface, with the default configuration
// (models from `npm run build:models`, native addon from `npm run build:native`). Decoding is the addon's
// (OpenCV imdecode, EXIF orientation applied) and is timed as its own stage like the peer's.
import { analyzeFace } from '../../src/biometrics/analyze-face.js';
import { compareFaces } from '../../src/biometrics/compare-faces.js';
import { FaceEngine } from '../../src/biometrics/face-engine.js';
import { buildConfig } from '../../src/config/index.js';
import { BUILT_IN_THRESHOLDS, type BuiltInEmbedderName } from '../../src/config/sections/biometrics.js';
import type { FaceProbe, FaceSystem } from '../lib/face-system.js';

const EMBEDDER_WORDS: Record<BuiltInEmbedderName, string> = {
  'dlib-resnet': 'dlib ResNet-29 128-d, dlib chip',
  mobilefacenet: 'MobileFaceNet 192-d (ArcFace loss), InsightFace 112 chip, unit length',
};

/**
 * proofgate with its default configuration, or with `embedder` (and its BUILT_IN_THRESHOLDS value) in
 * place of the default embedder. The embedder is swapped after the configuration is read, so an embedder
 * the appliance refuses (UNFIT_EMBEDDERS: MobileFaceNet) can still be measured here.
 */
export async function loadProofgateSystem(embedder?: BuiltInEmbedderName, name = 'proofgate'): Promise<FaceSystem> {
  const defaults = buildConfig({}).biometrics;
  const config = embedder ? { ...defaults, embedder, matching: { ...defaults.matching, threshold: BUILT_IN_THRESHOLDS[embedder] } } : defaults;
  const engine = await FaceEngine.load(config);
  const runtime = engine.runtime();
  const threshold = engine.matching.threshold;
  const words = typeof config.embedder === 'string' ? EMBEDDER_WORDS[config.embedder] : 'custom embedder';
  return {
    name,
    description:
      `native addon, OpenCV ${runtime.opencvVersion} ${runtime.backend}, ${runtime.opencvThreads} OpenCV thread(s), ` +
      `${runtime.pipelines} pipeline(s): BlazeFace on ${runtime.inference.detector}, FaceMesh 468 on ${runtime.inference.landmarker}, `
      + `${words} (${runtime.embedderId}) on ${runtime.inference.embedder}; decode OpenCV`,
    stages: ['decode', 'detect', 'landmarks', 'align', 'embed', 'quality'],
    defaultThreshold: threshold,
    async analyze(image: Buffer): Promise<FaceProbe> {
      const analysis = await analyzeFace(engine, image);
      const { decode, detect, landmarks, align, embed, quality } = analysis.timings;
      return {
        faceCount: analysis.faceCount,
        template: analysis.face?.embedding ?? null,
        timings: { decode, detect, landmarks, align, embed, quality },
      };
    },
    distance: (a, b) => compareFaces(a, b, threshold).distance,
    async close() {
      engine.close();
    },
  };
}
