// Typed wrapper over the addon's generic runOnnxModel: runs an ONNX file in OpenCV's dnn module
// (DNN_BACKEND_OPENCV / CPU) with float32 inputs. Used by the conversion-equality tests and tools.
import { existsSync } from 'node:fs';
import { ProofgateError } from '../../src/core/errors.js';
import { nativeAddon } from '../../src/native/addon.js';

export interface OnnxInputTensor {
  name: string;
  data: Float32Array;
  /** Static shape; its product must equal data.length. */
  shape: readonly number[];
}

export interface OnnxOutputTensor {
  name: string;
  data: Float32Array;
  shape: number[];
}

type NativeRunOnnxModel = (modelPath: string, inputs: OnnxInputTensor[], outputNames: string[]) => Promise<OnnxOutputTensor[]>;

/**
 * Runs `modelPath` once. Outputs come back in `outputNames` order (or, when it is empty, OpenCV's
 * unconnected output layers). The network is loaded per call: this is for checks, not serving.
 */
export async function runOnnxModel(modelPath: string, inputs: readonly OnnxInputTensor[], outputNames: readonly string[] = []): Promise<OnnxOutputTensor[]> {
  if (!existsSync(modelPath)) throw new ProofgateError('ERR_MODEL', `ONNX model ${modelPath} does not exist: run "npm run build:models"`);
  if (inputs.length === 0) throw new ProofgateError('ERR_BAD_REQUEST', 'runOnnxModel: at least one input is required', { status: 400 });
  inputs.forEach((input, i) => {
    if (typeof input.name !== 'string' || input.name === '') throw invalid(`inputs[${i}].name must be a non-empty string`);
    if (!(input.data instanceof Float32Array)) throw invalid(`inputs[${i}].data must be a Float32Array`);
    if (!Array.isArray(input.shape) || input.shape.length === 0 || !input.shape.every((d) => Number.isInteger(d) && d > 0 && d < 2 ** 31)) {
      throw invalid(`inputs[${i}].shape must be a non-empty list of positive integers, got [${String(input.shape)}]`);
    }
    const total = input.shape.reduce((a, b) => a * b, 1);
    if (total !== input.data.length) throw invalid(`inputs[${i}] (${input.name}) has ${input.data.length} values for shape [${input.shape.join(',')}] (${total})`);
  });
  outputNames.forEach((n, i) => {
    if (typeof n !== 'string' || n === '') throw invalid(`outputNames[${i}] must be a non-empty string`);
  });

  const run = nativeAddon().runOnnxModel as NativeRunOnnxModel;
  try {
    return await run(modelPath, inputs.map((i) => ({ name: i.name, data: i.data, shape: [...i.shape] })), [...outputNames]);
  } catch (err) {
    // Re-raise with this call site's stack; the native code ends up in the message and `cause`.
    const code = (err as { code?: string }).code ?? 'ERR_NATIVE_INTERNAL';
    throw new ProofgateError('ERR_MODEL', `running ${modelPath} failed (${code}): ${(err as Error).message}`, { cause: err });
  }
}

function invalid(message: string): ProofgateError {
  return new ProofgateError('ERR_BAD_REQUEST', `runOnnxModel: ${message}`, { status: 400 });
}
