// Shared set-up for the face tests that need the converted models (not itself a test file).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { FaceEngine } from '../../src/biometrics/face-engine.js';
import { buildConfig } from '../../src/config/index.js';
import { BUILT_IN_THRESHOLDS, type BuiltInEmbedderName } from '../../src/config/sections/biometrics.js';
import { projectRoot } from '../../src/core/project-root.js';

export const modelsDir = path.join(projectRoot, 'models');

/** Null when the models are built; otherwise the message a test reports as its failure. */
export function missingModels(): string | null {
  const missing = ['manifest.json', 'blazeface.onnx', 'facemesh.onnx', 'face_recognition.onnx'].filter((f) => !existsSync(path.join(modelsDir, f)));
  return missing.length === 0 ? null : `converted models are missing from ${modelsDir} (${missing.join(', ')}): run \`npm run build:models\` first`;
}

/** An engine with the default configuration plus `biometrics` overrides. */
export function loadEngine(biometrics: Record<string, unknown> = {}): Promise<FaceEngine> {
  return FaceEngine.load(buildConfig({ biometrics }).biometrics);
}

/**
 * An engine running built-in `embedder` at its calibrated threshold, swapped in after the configuration
 * is read, as eval:faces does: the configuration refuses an embedder unfit for verification (MobileFaceNet).
 */
export function loadEvaluationEngine(embedder: BuiltInEmbedderName, biometrics: Record<string, unknown> = {}): Promise<FaceEngine> {
  const config = buildConfig({ biometrics }).biometrics;
  return FaceEngine.load({ ...config, embedder, matching: { ...config.matching, threshold: BUILT_IN_THRESHOLDS[embedder] } });
}
