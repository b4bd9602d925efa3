// FaceEngine: the loaded face models and their runtime settings. Load once at start-up
// (FaceEngine.load(config.biometrics)), share it, close it on shutdown. Analyses go through
// analyzeFace() (analyze-face.ts); comparisons through compareFaces() (compare-faces.ts).
import { existsSync } from 'node:fs';
import os from 'node:os';
import type { BiometricsConfig, EmbedderSlotConfig } from '../config/sections/biometrics.js';
import { resolveDataPath } from '../config/index.js';
import { ProofgateError } from '../core/errors.js';
import { AdmissionQueue } from './admission-queue.js';
import { alignmentTemplate } from './alignment-templates.js';
import { callNative } from '../native/call-native.js';
import { FACE_NATIVE } from './face-errors.js';
import { readModelManifest, type ManifestSlots } from './model-manifest.js';
import { nativeFace, type NativeEngineHandle, type NativeEngineSpec } from './native-face.js';

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
    // cv::setNumThreads(0) would mean "no threading"; a negative count restores OpenCV's per-core default.
    native.setThreadCount(config.threads === 0 ? -1 : config.threads);

    const align = alignmentTemplate(embedder.alignment, embedder.input.width, embedder.input.height);
    const spec: NativeEngineSpec = {
      detector: { ...detector },
      landmarker: { ...landmarker },
      embedder: {
        path: embedder.path,
        input: embedder.input,
        output: embedder.output,
        outputDim: embedder.outputDim,
        alignMeshPoints: align.meshPoints,
        alignTemplate: align.template.flat(),
      },
      pipelines: config.pipelines,
      useOpenCl,
    };
    const handle: NativeEngineHandle = await callNative(FaceEngine.load, () => native.faceEngineLoad(spec), FACE_NATIVE);

    const uvThreadpoolSize = Number(process.env.UV_THREADPOOL_SIZE) || LIBUV_DEFAULT_POOL;
    const warnings: string[] = [];
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
      { handle, queue: new AdmissionQueue(config.pipelines, config.maxQueue, config.admission), config, embedder },
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
        embedderId: fromManifest ? fromManifest.id : `custom:${embedder.path}`,
        warnings,
      },
    );
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

  /** Releases the networks once running analyses finish; later analyses fail with ERR_INTERNAL. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    nativeFace().faceEngineClose(this.#internals.handle);
  }

  get [engineInternals](): EngineInternals {
    return this.#internals;
  }
}
