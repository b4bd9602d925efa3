// The ONNX Runtime side of a model runner: onnxruntime-node's CPU execution provider (the runtime
// ships inside the npm package; its GPU binaries are not installed, see docs/biometrics.md). run() is
// asynchronous on ORT's own threads, so it holds neither the event loop nor a libuv pool thread.
// Concurrent runs on one session are allowed by ORT and share its intra-op thread pool.
import { ProofgateError } from '../core/errors.js';
import { checkRunnerInput, type ModelRunner, type RunnerOptions } from './model-runner.js';

type Ort = typeof import('onnxruntime-node');

let ortModule: Promise<Ort> | undefined;

/** Loads onnxruntime-node once; rejects with ERR_MODEL when the package or its native runtime is missing. */
export function loadOnnxRuntime(): Promise<Ort> {
  ortModule ??= import('onnxruntime-node').catch((err: unknown) => {
    ortModule = undefined;
    throw new ProofgateError('ERR_MODEL', `ONNX Runtime (onnxruntime-node) cannot be loaded: ${(err as Error).message}`, { cause: err });
  });
  return ortModule;
}

export async function openOnnxRuntimeRunner(options: RunnerOptions): Promise<ModelRunner> {
  const ort = await loadOnnxRuntime();
  let session: import('onnxruntime-node').InferenceSession;
  try {
    session = await ort.InferenceSession.create(options.path, {
      executionProviders: ['cpu'],
      intraOpNumThreads: options.threads,
      // One model, one input: nothing for an inter-op pool to run in parallel.
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      // ORT's pool threads spin after each run by default, taking the cores OpenCV's stages and the
      // server need next. Sleeping instead halved the CPU time per embedding on the 2-core project
      // machine (40 runs, 5 ms apart: 291 ms of CPU instead of 640) and did not slow the runs.
      extra: { session: { intra_op: { allow_spinning: '0' } } },
    });
  } catch (err) {
    throw new ProofgateError('ERR_MODEL', `model ${options.path}: ONNX Runtime cannot load it: ${(err as Error).message}`, { cause: err });
  }
  if (session.inputNames.length !== 1) {
    await session.release();
    throw new ProofgateError('ERR_MODEL', `model ${options.path}: has ${session.inputNames.length} inputs, a face model has one`);
  }
  const inputName = session.inputNames[0];
  let closed = false;
  // Releasing a session under a running inference is undefined in ORT: close() waits for these first.
  const inFlight = new Set<Promise<unknown>>();
  return {
    engine: 'onnxruntime',
    path: options.path,
    async run(input, shape, outputNames) {
      if (closed) throw new ProofgateError('ERR_INTERNAL', `model ${options.path}: the ONNX Runtime session is closed`);
      checkRunnerInput(options.path, input, shape);
      for (const name of outputNames) {
        if (!session.outputNames.includes(name)) throw new ProofgateError('ERR_MODEL', `model ${options.path}: has no output named ${name}`);
      }
      let results: import('onnxruntime-node').InferenceSession.OnnxValueMapType;
      const running = session.run({ [inputName]: new ort.Tensor('float32', input, [...shape]) }, [...outputNames]);
      inFlight.add(running);
      try {
        results = await running;
      } catch (err) {
        throw new ProofgateError('ERR_MODEL', `model ${options.path}: ONNX Runtime failed to run it: ${(err as Error).message}`, { cause: err });
      } finally {
        inFlight.delete(running);
      }
      return outputNames.map((name) => {
        const tensor = results[name] as import('onnxruntime-node').Tensor;
        if (tensor.type !== 'float32') throw new ProofgateError('ERR_MODEL', `model ${options.path}: output ${name} is ${tensor.type}, not float32`);
        return tensor.data as Float32Array;
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      await Promise.allSettled([...inFlight]);
      await session.release();
    },
  };
}
