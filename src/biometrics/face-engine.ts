// FaceEngine: the loaded face models and their runtime settings. Load once at start-up
// (FaceEngine.load(config.biometrics)), share it, close it on shutdown. Analyses go through
// analyzeFace() (analyze-face.ts); comparisons through compareFaces() (compare-faces.ts).
import { existsSync } from 'node:fs';
import os from 'node:os';
import type { BiometricsConfig, DetectorSlotConfig, EmbedderSlotConfig } from '../config/sections/biometrics.js';
import { resolveDataPath } from '../config/index.js';
import { ProofgateError } from '../core/errors.js';
import { AdmissionQueue } from './admission-queue.js';
import { alignmentTemplate } from './alignment-templates.js';
import { callNative } from '../native/call-native.js';
import { FACE_NATIVE } from './face-errors.js';
import { decideEngine } from './inference-choice.js';
import { dryRunModel, type InferenceEngineName, type ModelRunner } from './model-runner.js';
import { HeapTrimmer, trimCHeap } from './heap-trim.js';
import { openOnnxRuntimeRunner } from './onnxruntime-runner.js';
import { readModelManifest, type ManifestSlots } from './model-manifest.js';
import { nativeFace, type NativeEngineHandle, type NativeEngineSpec, type NativeForward } from './native-face.js';

/** What /health and the audit show about the engine. */
export interface FaceEngineRuntime {
  backend: 'cpu' | 'opencl';
  opencvVersion: string;
  /** OpenCV worker threads per inference (process-wide). */
  opencvThreads: number;
  /** libuv pool size the process started with (UV_THREADPOOL_SIZE, default 4). */
  uvThreadpoolSize: number;
  pipelines: number;
  active: number;
  queued: number;
  closed: boolean;
  loadMs: number;
  models: Record<'detector' | 'landmarker' | 'embedder', { path: string; sha256: string | null }>;
  /** The inference engine each model runs on (biometrics.inference). */
  inference: Record<'detector' | 'landmarker' | 'embedder', InferenceEngineName>;
  /** Identifies the embedder; templates only compare with templates from the same id. */
  embedderId: string;
  /** Configuration worth an operator's attention (empty when none). */
  warnings: string[];
}

/** Internal handle access for analyze-face.ts; not part of the public API. */
export const engineInternals = Symbol('proofgate.faceEngine.internals');

export interface EngineInternals {
  handle: NativeEngineHandle;
  queue: AdmissionQueue;
  config: BiometricsConfig;
  embedder: EmbedderSlotConfig;
  /** Runs the embedder outside the native pipeline (on the chip tensor it hands back); null: the native pipeline embeds. */
  embedderRunner: ModelRunner | null;
  /** Runs the detector outside the native pipeline, called back from it for each pass; null: the pipelines load it. */
  detectorRunner: ModelRunner | null;
  runDetector: NativeForward | null;
  /** Analyses inside the pipeline now: close() lets them finish their embedding before releasing the runner. */
  running: Set<Promise<unknown>>;
  /** Hands the C heap's freed pages back now and then while analyses run (heap-trim.ts). */
  trimmer: HeapTrimmer;
}

const LIBUV_DEFAULT_POOL = 4;

export class FaceEngine {
  readonly #internals: EngineInternals;
  readonly #runtime: Omit<FaceEngineRuntime, 'active' | 'queued' | 'closed'>;
  #closed = false;

  private constructor(internals: EngineInternals, runtime: Omit<FaceEngineRuntime, 'active' | 'queued' | 'closed'>) {
    this.#internals = internals;
    this.#runtime = runtime;
  }

  /**
   * Reads the manifest (for slots the configuration leaves null), picks the backend, sets OpenCV's
   * thread count and loads every pipeline; the native side dry-runs each network so a wrong model or
   * output name fails here. Throws ProofgateError ERR_MODEL with the file and the problem.
   */
  static async load(config: BiometricsConfig): Promise<FaceEngine> {
    const started = performance.now();
    const builtInEmbedder = typeof config.embedder === 'string' ? config.embedder : null;
    const needsManifest = !config.detector || !config.landmarker || builtInEmbedder !== null;
    const manifest = needsManifest ? readModelManifest(resolveDataPath(config.manifest)) : null;
    const detector = config.detector ? { ...config.detector, path: resolveDataPath(config.detector.path) } : manifest!.detector;
    const landmarker = config.landmarker ? { ...config.landmarker, path: resolveDataPath(config.landmarker.path) } : manifest!.landmarker;
    const fromManifest = builtInEmbedder === null ? null : manifest!.embedders[builtInEmbedder];
    if (builtInEmbedder !== null && !fromManifest) {
      throw new ProofgateError('ERR_MODEL', `biometrics.embedder is "${builtInEmbedder}" but the model manifest lacks it: run "npm run build:models"`);
    }
    const embedder = typeof config.embedder === 'string' ? fromManifest!.slot : { ...config.embedder, path: resolveDataPath(config.embedder.path) };
    const custom = { detector: config.detector !== null, landmarker: config.landmarker !== null, embedder: builtInEmbedder === null };
    for (const [slot, file] of [['detector', detector.path], ['landmarker', landmarker.path], ['embedder', embedder.path]] as const) {
      if (!existsSync(file)) {
        throw new ProofgateError('ERR_MODEL', `biometrics ${slot} model ${file} is missing${custom[slot] ? '' : ': run "npm run build:models"'}`);
      }
    }

    const native = nativeFace();
    const info = native.runtimeInfo();
    if (config.backend === 'opencl' && !info.haveOpenCL) {
      throw new ProofgateError('ERR_MODEL', 'biometrics.backend is "opencl" but OpenCV finds no OpenCL device (cv::ocl::haveOpenCL() is false)');
    }
    const useOpenCl = config.backend === 'opencl' || (config.backend === 'auto' && info.haveOpenCL);
    const threads = threadsPerInference(config);
    native.setThreadCount(threads);

    const warnings: string[] = [];
    const detectorEngine = await decideEngine('detector', config.inference.detector);
    const embedderEngine = await decideEngine('embedder', config.inference.embedder);
    for (const w of [detectorEngine.warning, embedderEngine.warning]) if (w) warnings.push(w);
    // Opened and dry-run before the native pipelines, so a model ONNX Runtime cannot run fails first.
    const detectorRunner = detectorEngine.engine === 'onnxruntime' ? await openDetectorRunner(detector, threads) : null;
    let embedderRunner: ModelRunner | null = null;
    try {
      embedderRunner = embedderEngine.engine === 'onnxruntime' ? await openEmbedderRunner(embedder, threads) : null;
    } catch (err) {
      await detectorRunner?.close();
      throw err;
    }

    const align = alignmentTemplate(embedder.alignment, embedder.input.width, embedder.input.height);
    const spec: NativeEngineSpec = {
      detector: { ...detector, inEngine: detectorRunner === null },
      landmarker: { ...landmarker },
      embedder: {
        path: embedder.path,
        input: embedder.input,
        output: embedder.output,
        outputDim: embedder.outputDim,
        alignMeshPoints: align.meshPoints,
        alignTemplate: align.template.flat(),
        inEngine: embedderRunner === null,
      },
      pipelines: config.pipelines,
      useOpenCl,
    };
    let handle: NativeEngineHandle;
    try {
      handle = await callNative(FaceEngine.load, () => native.faceEngineLoad(spec), FACE_NATIVE);
    } catch (err) {
      await Promise.all([detectorRunner?.close(), embedderRunner?.close()]);
      throw err;
    }

    const uvThreadpoolSize = Number(process.env.UV_THREADPOOL_SIZE) || LIBUV_DEFAULT_POOL;
    if (config.pipelines > uvThreadpoolSize - 2) {
      warnings.push(`biometrics.pipelines (${config.pipelines}) leaves fewer than 2 of ${uvThreadpoolSize} libuv threads for file and crypto work: raise UV_THREADPOOL_SIZE`);
    }
    const opencvThreads = native.runtimeInfo().threads;
    if (config.pipelines * opencvThreads > 2 * os.availableParallelism()) {
      warnings.push(`biometrics.pipelines x OpenCV threads (${config.pipelines} x ${opencvThreads}) oversubscribes ${os.availableParallelism()} CPU cores`);
    }
    const sha = (slot: 'detector' | 'landmarker' | 'embedder'): string | null =>
      slot === 'embedder' ? (fromManifest?.sha256 ?? null) : config[slot] ? null : (manifest as ManifestSlots).sha256[slot];
    const engine = new FaceEngine(
      { handle, queue: new AdmissionQueue(config.pipelines, config.maxQueue, config.admission), config, embedder, embedderRunner, detectorRunner, runDetector: detectorRunner && forwardTo(detectorRunner, detector), running: new Set(), trimmer: new HeapTrimmer() },
      {
        backend: useOpenCl ? 'opencl' : 'cpu',
        opencvVersion: info.opencvVersion,
        opencvThreads,
        uvThreadpoolSize,
        pipelines: config.pipelines,
        loadMs: performance.now() - started,
        models: {
          detector: { path: detector.path, sha256: sha('detector') },
          landmarker: { path: landmarker.path, sha256: sha('landmarker') },
          embedder: { path: embedder.path, sha256: sha('embedder') },
        },
        inference: { detector: detectorEngine.engine, landmarker: 'opencv', embedder: embedderEngine.engine },
        embedderId: fromManifest ? fromManifest.id : `custom:${embedder.path}`,
        warnings,
      },
    );
    // What loading the models left freed (ONNX Runtime's protobuf and copies) goes back to the kernel.
    trimCHeap();
    return engine;
  }

  /** Backend, threads, models and load, for /health. */
  runtime(): FaceEngineRuntime {
    const { queue } = this.#internals;
    return { ...this.#runtime, active: queue.active, queued: queue.queued, closed: this.#closed };
  }

  /** The matching defaults of the configuration (threshold and score mapping). */
  get matching(): BiometricsConfig['matching'] {
    return this.#internals.config.matching;
  }

  /**
   * Releases the networks once running analyses finish; later analyses fail with ERR_INTERNAL. The
   * promise settles when a model running outside the native pipeline is released too.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#internals.trimmer.stop();
    nativeFace().faceEngineClose(this.#internals.handle);
    await Promise.allSettled([...this.#internals.running]);
    await Promise.all([this.#internals.detectorRunner?.close(), this.#internals.embedderRunner?.close()]);
  }

  get [engineInternals](): EngineInternals {
    return this.#internals;
  }
}

/**
 * Worker threads per inference for `config`: biometrics.threads, or for 0 one per CPU core. OpenCV's count
 * is process-wide, so an engine loaded beside this one (a previous embedder) passes this figure explicitly.
 */
export function threadsPerInference(config: Pick<BiometricsConfig, 'threads'>): number {
  return config.threads === 0 ? os.availableParallelism() : config.threads;
}

/** Opens the embedder on ONNX Runtime with the engine's thread count and dry-runs it (ERR_MODEL when it does not fit). */
async function openEmbedderRunner(embedder: EmbedderSlotConfig, threads: number): Promise<ModelRunner> {
  const runner = await openOnnxRuntimeRunner({ path: embedder.path, threads, fuse: false });
  await dryRunModel(runner, 'embedder', {
    inputShape: embedderInputShape(embedder),
    outputs: [{ name: embedder.output, values: embedder.outputDim }],
  });
  return runner;
}

/** The embedder's NCHW input shape, as the native pipeline fills it. */
export function embedderInputShape(embedder: EmbedderSlotConfig): number[] {
  return [1, 3, embedder.input.height, embedder.input.width];
}

/** BlazeFace-family anchors per layer, as native/src/face/blazeface_detector.cc lays them out. */
function anchorsPerLayer(detector: DetectorSlotConfig): number[] {
  const { width, height } = detector.input;
  return detector.anchorStrides.map((s, i) => Math.ceil(height / s) * Math.ceil(width / s) * detector.anchorsPerCell[i]);
}

/** Opens the detector on ONNX Runtime and dry-runs it: one logit per anchor, box and keypoints per anchor. */
async function openDetectorRunner(detector: DetectorSlotConfig, threads: number): Promise<ModelRunner> {
  const runner = await openOnnxRuntimeRunner({ path: detector.path, threads, fuse: true });
  const anchors = anchorsPerLayer(detector);
  await dryRunModel(runner, 'detector', {
    inputShape: [1, 3, detector.input.height, detector.input.width],
    outputs: [
      ...detector.scoreOutputs.map((name, i) => ({ name, values: anchors[i] })),
      ...detector.regressorOutputs.map((name, i) => ({ name, values: { multipleOf: anchors[i], atLeast: 4 + 2 * detector.keypoints } })),
    ],
  });
  return runner;
}

/** The callback the native pipeline calls for each detector pass (native/src/face/external_forward.h). */
function forwardTo(runner: ModelRunner, detector: DetectorSlotConfig): NativeForward {
  const shape = [1, 3, detector.input.height, detector.input.width];
  return (input, outputNames, done) => {
    runner.run(input, shape, outputNames).then((outputs) => done(null, outputs), (err: Error) => done(err));
  };
}
