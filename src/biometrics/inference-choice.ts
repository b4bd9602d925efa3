// Which inference engine runs each model: the policy behind biometrics.inference. 'auto' means the
// engine measured faster for that model on this build (`npm run bench:inference`, same ONNX files,
// same thread count, equal outputs; table in docs/biometrics.md). A model keeps OpenCV where OpenCV
// measured faster (FaceMesh) or where the pipeline does not yet hand the model's run out (BlazeFace:
// its decoding and the mesh crops it drives stay in the native pipeline).
import type { InferenceEngineChoice } from '../config/sections/biometrics.js';
import { ProofgateError } from '../core/errors.js';
import type { InferenceEngineName } from './model-runner.js';
import { loadOnnxRuntime } from './onnxruntime-runner.js';

/**
 * p50 on the project's machine kind, 2 threads (bench:inference): face_recognition (dlib ResNet) ONNX
 * Runtime 3.3 ms vs OpenCV 7.0; BlazeFace 4.2 vs 8.2; FaceMesh 3.0 vs 2.5.
 */
export const MEASURED_FASTER = {
  embedder: 'onnxruntime',
} as const satisfies Record<string, InferenceEngineName>;

export interface EngineDecision {
  engine: InferenceEngineName;
  /** Set when 'auto' could not have the engine it prefers and took the other. */
  warning: string | null;
}

/**
 * Resolves `choice` for the embedder. 'auto' falls back to OpenCV only when the onnxruntime-node
 * package itself cannot be loaded (an install without its native runtime still verifies, at the
 * measured OpenCV speed, and says so in runtime().warnings). A model that ONNX Runtime loads but cannot
 * run is never papered over: that fails start-up (FaceEngine.load) whatever the choice.
 */
export async function decideEmbedderEngine(choice: InferenceEngineChoice): Promise<EngineDecision> {
  const wanted: InferenceEngineName = choice === 'auto' ? MEASURED_FASTER.embedder : choice;
  if (wanted === 'opencv') return { engine: 'opencv', warning: null };
  try {
    await loadOnnxRuntime();
    return { engine: 'onnxruntime', warning: null };
  } catch (err) {
    if (choice !== 'auto') {
      throw new ProofgateError('ERR_MODEL', `biometrics.inference.embedder is "onnxruntime" but ${(err as Error).message}`, { cause: err });
    }
    return { engine: 'opencv', warning: `biometrics.inference.embedder is "auto" and ONNX Runtime is unavailable, so the embedder runs on OpenCV (about 2x slower): ${(err as Error).message}` };
  }
}
