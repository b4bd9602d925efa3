// The ONNX Runtime side of a model runner: onnxruntime-node's CPU execution provider (the runtime ships
// inside the npm package; its GPU binaries are not installed, see docs/biometrics.md). Each runner's
// session lives on a worker thread of its own (onnxruntime-worker-source.ts), because onnxruntime-node
// computes a forward pass on the thread that calls run(): on the main thread every detection and
// embedding would stop the event loop. A runner's passes run one at a time, in arrival order; the
// detector and the embedder, on two workers, run beside each other.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { ProofgateError } from '../core/errors.js';
import { checkRunnerInput, type ModelRunner, type RunnerOptions } from './model-runner.js';
import type { OrtRunRequest, OrtWorkerData, OrtWorkerReply, OrtWorkerRequest } from './onnxruntime-worker-protocol.js';
import { ONNXRUNTIME_WORKER_SOURCE } from './onnxruntime-worker-source.js';

type Ort = typeof import('onnxruntime-node');

let ortModule: Promise<Ort> | undefined;

/**
 * Loads onnxruntime-node once on this thread; rejects with ERR_MODEL when the package or its native
 * runtime is missing. The engine choice (inference-choice.ts) asks this before opening any runner.
 */
export function loadOnnxRuntime(): Promise<Ort> {
  ortModule ??= import('onnxruntime-node').catch((err: unknown) => {
    ortModule = undefined;
    throw new ProofgateError('ERR_MODEL', `ONNX Runtime (onnxruntime-node) cannot be loaded: ${(err as Error).message}`, { cause: err });
  });
  return ortModule;
}

/** How long a closing runner waits for its session to be released before stopping the thread anyway. */
const CLOSE_WAIT_MS = 5000;

function sessionOptions(threads: number): OrtWorkerData['options'] {
  return {
    executionProviders: ['cpu'],
    intraOpNumThreads: threads,
    // One model, one input: nothing for an inter-op pool to run in parallel.
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    // ORT's pool threads spin after each run by default, taking the cores OpenCV's stages and the
    // server need next. Sleeping instead halved the CPU time per embedding on the 2-core project
    // machine (40 runs, 5 ms apart: 291 ms of CPU instead of 640) and did not slow the runs.
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  };
}

export async function openOnnxRuntimeRunner(options: RunnerOptions): Promise<ModelRunner> {
  const workerData: OrtWorkerData = {
    ortModule: createRequire(import.meta.url).resolve('onnxruntime-node'),
    path: options.path,
    options: sessionOptions(options.threads),
  };
  // No loader flags (execArgv): the worker is plain JavaScript and must not wait on the parent's loader.
  const worker = new Worker(ONNXRUNTIME_WORKER_SOURCE, { eval: true, execArgv: [], workerData });
  // Listeners are removed one by one once the session has opened: Worker keeps listeners of its own
  // (removeAllListeners would stop its messages).
  const listeners: { message?: (reply: OrtWorkerReply) => void; error?: (err: Error) => void; exit?: (code: number) => void } = {};
  const ready = await new Promise<Extract<OrtWorkerReply, { kind: 'ready' }>>((resolve, reject) => {
    const fail = (problem: string, cause?: unknown) => {
      void worker.terminate();
      reject(new ProofgateError('ERR_MODEL', problem, cause === undefined ? {} : { cause }));
    };
    listeners.message = (reply) => {
      if (reply.kind === 'ready') return resolve(reply);
      if (reply.kind === 'failed' && reply.stage === 'load') return fail(`ONNX Runtime (onnxruntime-node) cannot be loaded: ${reply.message}`);
      fail(`model ${options.path}: ONNX Runtime cannot load it: ${reply.kind === 'failed' ? reply.message : `unexpected ${reply.kind}`}`);
    };
    listeners.error = (err) => fail(`model ${options.path}: the ONNX Runtime thread failed: ${err.message}`, err);
    listeners.exit = (code) => fail(`model ${options.path}: the ONNX Runtime thread exited (code ${code}) before the session opened`);
    worker.once('message', listeners.message).once('error', listeners.error).once('exit', listeners.exit);
  });
  worker.off('error', listeners.error!).off('exit', listeners.exit!);
  if (ready.inputNames.length !== 1) {
    await worker.terminate();
    throw new ProofgateError('ERR_MODEL', `model ${options.path}: has ${ready.inputNames.length} inputs, a face model has one`);
  }
  return new WorkerRunner(worker, options.path, ready.inputNames[0], ready.outputNames);
}

interface Pending {
  resolve: (outputs: Float32Array[]) => void;
  reject: (err: Error) => void;
}

class WorkerRunner implements ModelRunner {
  readonly engine = 'onnxruntime' as const;
  readonly #worker: Worker;
  readonly #inputName: string;
  readonly #outputNames: readonly string[];
  readonly #pending = new Map<number, Pending>();
  /** The runs not yet answered, for close() to wait on. */
  readonly #inFlight = new Set<Promise<unknown>>();
  #nextId = 1;
  #closing: Promise<void> | null = null;
  /** Set when the thread died: every run after it fails with this. */
  #broken: Error | null = null;

  constructor(worker: Worker, readonly path: string, inputName: string, outputNames: readonly string[]) {
    this.#worker = worker;
    this.#inputName = inputName;
    this.#outputNames = outputNames;
    // An idle runner does not keep the process alive (as a SQLite handle does not); a run in flight does.
    worker.unref();
    worker.on('message', (reply: OrtWorkerReply) => {
      if (reply.kind !== 'result') return;
      const pending = this.#settle(reply.id);
      if (!pending) return;
      if (reply.error !== undefined || !reply.outputs) {
        pending.reject(new ProofgateError('ERR_MODEL', `model ${path}: ONNX Runtime failed to run it: ${reply.error ?? 'no outputs'}`));
      } else {
        pending.resolve(reply.outputs);
      }
    });
    worker.on('error', (err) => this.#fail(`failed: ${err.message}`));
    worker.on('exit', this.#died);
  }

  run(input: Float32Array, shape: readonly number[], outputNames: readonly string[]): Promise<Float32Array[]> {
    if (this.#closing) return Promise.reject(new ProofgateError('ERR_INTERNAL', `model ${this.path}: the ONNX Runtime session is closed`));
    if (this.#broken) return Promise.reject(this.#broken);
    try {
      checkRunnerInput(this.path, input, shape);
      for (const name of outputNames) {
        if (!this.#outputNames.includes(name)) throw new ProofgateError('ERR_MODEL', `model ${this.path}: has no output named ${name}`);
      }
    } catch (err) {
      return Promise.reject(err as Error);
    }
    const id = this.#nextId++;
    const running = new Promise<Float32Array[]>((resolve, reject) => {
      if (this.#pending.size === 0) this.#worker.ref();
      this.#pending.set(id, { resolve, reject });
      const request: OrtRunRequest = { kind: 'run', id, inputName: this.#inputName, input, shape: [...shape], outputNames: [...outputNames] };
      this.#worker.postMessage(request satisfies OrtWorkerRequest);
    });
    this.#inFlight.add(running);
    void running.finally(() => this.#inFlight.delete(running)).catch(() => {});
    return running;
  }

  /** Waits for the runs in flight, releases the session on its thread, then stops the thread. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      // The worker handles messages concurrently, so a 'close' sent now could release the session under a
      // run it has not finished: wait for the runs first.
      await Promise.allSettled([...this.#inFlight]);
      if (!this.#broken) {
        await new Promise<void>((done) => {
          const timer = setTimeout(done, CLOSE_WAIT_MS);
          this.#worker.on('message', (reply: OrtWorkerReply) => { if (reply.kind === 'closed') { clearTimeout(timer); done(); } });
          this.#worker.ref();
          this.#worker.postMessage({ kind: 'close' } satisfies OrtWorkerRequest);
        });
      }
      this.#worker.off('exit', this.#died);
      await this.#worker.terminate();
    })();
    return this.#closing;
  }

  readonly #died = (code: number) => this.#fail(`exited (code ${code})`);

  #fail(why: string): void {
    this.#broken ??= new ProofgateError('ERR_MODEL', `model ${this.path}: the ONNX Runtime thread ${why}`);
    for (const id of [...this.#pending.keys()]) this.#settle(id)?.reject(this.#broken);
  }

  #settle(id: number): Pending | undefined {
    const pending = this.#pending.get(id);
    if (!pending) return undefined;
    this.#pending.delete(id);
    if (this.#pending.size === 0) this.#worker.unref();
    return pending;
  }
}
