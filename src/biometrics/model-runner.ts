// A per-model runner: one ONNX file loaded on one inference engine, run with one float32 input and
// read back by output name. The face engine picks an engine per model (inference-choice.ts) and opens
// the runner once at load, dry-running it on a blank input, so a model the engine cannot run fails
// start-up with ERR_MODEL instead of failing the first user's photo.
import { ProofgateError } from '../core/errors.js';

export type InferenceEngineName = 'opencv' | 'onnxruntime';

export interface ModelRunner {
  readonly engine: InferenceEngineName;
  readonly path: string;
  /** Runs one forward pass; outputs come back in `outputNames` order, as copies the caller owns. */
  run(input: Float32Array, shape: readonly number[], outputNames: readonly string[]): Promise<Float32Array[]>;
  /** Releases the model; a run in flight finishes first. */
  close(): Promise<void>;
}

export interface RunnerOptions {
  path: string;
  /** Worker threads per forward pass (0: the engine's per-core default). */
  threads: number;
  /** OpenCV's layer fusion (faster, but a fused clone of the weights costs memory). ONNX Runtime ignores it: it always optimises the graph. */
  fuse: boolean;
}

/** Refuses an input whose length is not its shape's product (before either engine reads it). */
export function checkRunnerInput(path: string, input: Float32Array, shape: readonly number[]): void {
  const values = shape.reduce((a, b) => a * (Number.isInteger(b) && b > 0 ? b : Number.NaN), 1);
  if (!(input instanceof Float32Array) || input.length !== values) {
    throw new ProofgateError('ERR_INTERNAL', `model ${path}: an input of ${input?.length} values for shape [${shape.join(',')}]`);
  }
}

/** What a dry run checks: the input's shape and each named output's value count (exact, or a whole multiple of a count, at least `atLeast` of it). */
export interface RunnerCheck {
  inputShape: readonly number[];
  outputs: readonly { name: string; values: number | { multipleOf: number; atLeast: number } }[];
}

/**
 * Runs `runner` once on zeros and checks every output's size; closes the runner and throws ERR_MODEL
 * naming the file, the engine and the problem when the model does not fit its slot.
 */
export async function dryRunModel(runner: ModelRunner, slot: string, check: RunnerCheck): Promise<void> {
  const fail = (problem: string): never => {
    throw new ProofgateError('ERR_MODEL', `biometrics ${slot} model ${runner.path} on ${runner.engine}: ${problem}`);
  };
  try {
    const zeros = new Float32Array(check.inputShape.reduce((a, b) => a * b, 1));
    const names = check.outputs.map((o) => o.name);
    let outputs: Float32Array[] = [];
    try {
      outputs = await runner.run(zeros, check.inputShape, names);
    } catch (err) {
      fail(`a test run failed: ${(err as Error).message}`);
    }
    check.outputs.forEach((o, i) => {
      const n = outputs[i].length;
      if (typeof o.values === 'number') {
        if (n !== o.values) fail(`output ${o.name} holds ${n} values, not ${o.values}`);
      } else if (n % o.values.multipleOf !== 0 || n / o.values.multipleOf < o.values.atLeast) {
        fail(`output ${o.name} holds ${n} values, not ${o.values.atLeast} or more for each of ${o.values.multipleOf}`);
      }
    });
  } catch (err) {
    await runner.close();
    throw err;
  }
}
