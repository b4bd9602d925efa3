// The comparison peer: @vladmandic/face-api 1.7.15 on TF.js's WASM backend, with its default SSD
// MobileNet v1 detector, the 68-point landmark net and the dlib ResNet recognition net, all loaded from
// the npm package's own model folder. Nothing is fetched: the WASM binaries come from node_modules.
//
// Stages are timed one by one, mirroring face-api's own composed task
// detectSingleFace(...).withFaceLandmarks().withFaceDescriptor() (src/globalApi/*Tasks.ts):
// detect = ssdMobilenetv1.locateFaces, landmarks = crop + faceLandmark68Net, align = the dlib-style aligned
// crop, embed = faceRecognitionNet. Image decoding is the caller's (eval/lib/rgb-image.ts).
import Module, { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as TfCore from '@tensorflow/tfjs-core';
import type { RgbImage } from '../lib/rgb-image.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}
interface FaceDetection {
  readonly score: number;
  readonly box: Box;
}
interface FaceLandmarks68 {
  shiftBy(x: number, y: number): FaceLandmarks68;
  align(detection: null, options: { useDlibAlignment: boolean }): Box;
  readonly positions: readonly { x: number; y: number }[];
}
interface LoadableNet {
  loadFromDisk(folder: string): Promise<void>;
}
/** The part of face-api this peer uses (its bundled typings declare their own tfjs classes). */
interface FaceApi {
  readonly version: string;
  readonly nets: {
    readonly ssdMobilenetv1: LoadableNet & { locateFaces(input: TfCore.Tensor3D, options: unknown): Promise<FaceDetection[]> };
    readonly faceLandmark68Net: LoadableNet & { detectLandmarks(input: TfCore.Tensor3D): Promise<FaceLandmarks68> };
    readonly faceRecognitionNet: LoadableNet & { computeFaceDescriptor(input: TfCore.Tensor3D): Promise<Float32Array> };
  };
  readonly SsdMobilenetv1Options: new (options: { minConfidence: number; maxResults: number }) => unknown;
  extractFaceTensors(image: TfCore.Tensor3D, boxes: readonly (FaceDetection | Box)[]): Promise<TfCore.Tensor3D[]>;
}

export interface PeerStageTimings {
  detect: number;
  landmarks: number;
  align: number;
  embed: number;
}

export interface PeerFaceAnalysis {
  /** Faces the detector reports at its default confidence (0.5). */
  readonly faceCount: number;
  /** The highest-scoring face, as face-api's detectSingleFace picks it; null when none. */
  readonly face: { readonly box: Box; readonly score: number; readonly descriptor: Float32Array } | null;
  /** Milliseconds per stage; stages after a failed detection are 0. */
  readonly timings: PeerStageTimings;
}

export interface PeerRuntime {
  readonly faceApiVersion: string;
  readonly tfjsVersion: string;
  readonly backend: string;
  readonly wasmSimd: boolean;
  readonly wasmThreads: boolean;
}

const faceApiPackage = path.dirname(require.resolve('@vladmandic/face-api/package.json'));
const wasmFolder = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep;

/**
 * face-api's node-wasm build requires the '@tensorflow/tfjs' umbrella package, which is not installed;
 * point that one name at tfjs-shim.cjs (core + converter + chained ops). Node 20 has no public
 * require-resolution hook, hence the patch of Module._resolveFilename, scoped to that single request.
 */
function redirectTfjsUmbrella(): void {
  type Resolver = (request: string, ...rest: unknown[]) => string;
  const loader = Module as unknown as { _resolveFilename: Resolver };
  const original = loader._resolveFilename;
  if ((original as { proofgateTfjsShim?: boolean }).proofgateTfjsShim) return;
  const shim = path.join(here, 'tfjs-shim.cjs');
  const patched: Resolver = function (this: unknown, request, ...rest) {
    return original.call(this, request === '@tensorflow/tfjs' ? shim : request, ...rest);
  };
  Object.assign(patched, { proofgateTfjsShim: true });
  loader._resolveFilename = patched;
}

function elapsedSince(start: number): number {
  return performance.now() - start;
}

export class FaceApiPeer {
  readonly #tf: typeof TfCore;
  readonly #faceApi: FaceApi;
  readonly #detectorOptions: unknown;
  readonly runtime: PeerRuntime;

  private constructor(tf: typeof TfCore, faceApi: FaceApi, runtime: PeerRuntime) {
    this.#tf = tf;
    this.#faceApi = faceApi;
    this.runtime = runtime;
    // face-api's defaults: minConfidence 0.5, maxResults 100.
    this.#detectorOptions = new faceApi.SsdMobilenetv1Options({ minConfidence: 0.5, maxResults: 100 });
  }

  static async load(): Promise<FaceApiPeer> {
    redirectTfjsUmbrella();
    const tf = require('@tensorflow/tfjs-core') as typeof TfCore;
    const wasm = require('@tensorflow/tfjs-backend-wasm') as { setWasmPaths(prefix: string, usePlatformFetch?: boolean): void };
    const faceApi = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as FaceApi;
    wasm.setWasmPaths(wasmFolder);
    if (!(await tf.setBackend('wasm'))) throw new Error('face-api peer: the TF.js WASM backend failed to initialise');
    await tf.ready();
    const modelFolder = path.join(faceApiPackage, 'model');
    await faceApi.nets.ssdMobilenetv1.loadFromDisk(modelFolder);
    await faceApi.nets.faceLandmark68Net.loadFromDisk(modelFolder);
    await faceApi.nets.faceRecognitionNet.loadFromDisk(modelFolder);
    const runtime: PeerRuntime = {
      faceApiVersion: faceApi.version,
      tfjsVersion: tf.version_core,
      backend: tf.getBackend(),
      wasmSimd: Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')),
      wasmThreads: Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')),
    };
    return new FaceApiPeer(tf, faceApi, runtime);
  }

  async analyzeFace(image: RgbImage): Promise<PeerFaceAnalysis> {
    const tf = this.#tf;
    const nets = this.#faceApi.nets;
    const timings: PeerStageTimings = { detect: 0, landmarks: 0, align: 0, embed: 0 };
    const input = tf.tensor3d(image.rgb, [image.height, image.width, 3], 'int32');
    try {
      let start = performance.now();
      const detections = await nets.ssdMobilenetv1.locateFaces(input, this.#detectorOptions);
      timings.detect = elapsedSince(start);
      const best = detections.reduce<FaceDetection | null>((top, d) => (top === null || d.score > top.score ? d : top), null);
      if (best === null) return { faceCount: 0, face: null, timings };

      start = performance.now();
      const [detectedFace] = await this.#faceApi.extractFaceTensors(input, [best]);
      const landmarks = (await nets.faceLandmark68Net.detectLandmarks(detectedFace)).shiftBy(best.box.x, best.box.y);
      detectedFace.dispose();
      timings.landmarks = elapsedSince(start);

      start = performance.now();
      const [alignedFace] = await this.#faceApi.extractFaceTensors(input, [landmarks.align(null, { useDlibAlignment: true })]);
      timings.align = elapsedSince(start);

      start = performance.now();
      const descriptor = await nets.faceRecognitionNet.computeFaceDescriptor(alignedFace);
      alignedFace.dispose();
      timings.embed = elapsedSince(start);
      return { faceCount: detections.length, face: { box: { x: best.box.x, y: best.box.y, width: best.box.width, height: best.box.height }, score: best.score, descriptor }, timings };
    } finally {
      input.dispose();
    }
  }
}

/** Euclidean distance between two descriptors: face-api's comparison, matched below 0.6 by default. */
export function descriptorDistance(a: Float32Array | readonly number[], b: Float32Array | readonly number[]): number {
  if (a.length !== b.length) throw new RangeError(`descriptor lengths differ (${a.length} vs ${b.length})`);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] - b[i]) ** 2;
  return Math.sqrt(sum);
}
