// Which inference engine runs each model: the policy behind biometrics.inference. 'auto' means the
// engine measured faster for that model on this build (`npm run bench:inference`, same ONNX files,
// same thread count, equal outputs; table in docs/biometrics.md). FaceMesh keeps OpenCV, measured
// faster there, and so has no choice.
import type { InferenceEngineChoice } from '../config/sections/biometrics.js';
import { ProofgateError } from '../core/errors.js';
import type { InferenceEngineName } from './model-runner.js';
import { loadOnnxRuntime } from './onnxruntime-runner.js';

/**
 * p50 on the project's machine kind, 2 threads (bench:inference): face_recognition (dlib ResNet) ONNX
 * Runtime 3.3 ms vs OpenCV 7.0; BlazeFace 4.2 vs 8.2; FaceMesh 3.0 vs 2.5.
 */
export const MEASURED_FASTER = {
  detector: 'onnxruntime',
  embedder: 'onnxruntime',
} as const satisfies Record<string, InferenceEngineName>;

/** The models biometrics.inference chooses an engine for. */
export type ChoosableModel = keyof typeof MEASURED_FASTER;

export interface EngineDecision {
  engine: InferenceEngineName;
  /** Set when 'auto' could not have the engine it prefers and took the other. */
  warning: string | null;
}

/**
 * Resolves `choice` for `model`. 'auto' falls back to OpenCV only when the onnxruntime-node
 * package itself cannot be loaded (an install without its native runtime still verifies, at the
 * measured OpenCV speed, and says so in runtime().warnings). A model that ONNX Runtime loads but cannot
 * run is never papered over: that fails start-up (FaceEngine.load) whatever the choice.
 */
export async function decideEngine(model: ChoosableModel, choice: InferenceEngineChoice): Promise<EngineDecision> {
  const wanted: InferenceEngineName = choice === 'auto' ? MEASURED_FASTER[model] : choice;
  if (wanted === 'opencv') return { engine: 'opencv', warning: null };
  try {
    await loadOnnxRuntime();
    return { engine: 'onnxruntime', warning: null };
  } catch (err) {
    if (choice !== 'auto') {
      throw new ProofgateError('ERR_MODEL', `biometrics.inference.${model} is "onnxruntime" but ${(err as Error).message}`, { cause: err });
    }
    return { engine: 'opencv', warning: `biometrics.inference.${model} is "auto" and ONNX Runtime is unavailable, so the ${model} runs on OpenCV (about 2x slower): ${(err as Error).message}` };
  }
}
