// The TF.js side of the conversion-equality tests: the original models run on tfjs-backend-cpu,
// loaded straight from the npm packages' files with TF.js's own loader and weight decoder (an
// in-memory IOHandler; nothing is fetched), and a tfjs-core port of face-api's FaceRecognitionNet.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { loadGraphModel, type GraphModel } from '@tensorflow/tfjs-converter';

export { tf };

interface WeightsGroup {
  paths: string[];
  weights: tf.io.WeightsManifestEntry[];
}

export async function useCpuBackend(): Promise<void> {
  if (!(await tf.setBackend('cpu'))) throw new Error('tfjs-backend-cpu failed to initialise');
  await tf.ready();
}

function readShards(dir: string, groups: readonly WeightsGroup[]): { specs: tf.io.WeightsManifestEntry[]; data: ArrayBuffer } {
  const parts = groups.flatMap((g) => g.paths.map((p) => readFileSync(path.join(dir, p))));
  const total = parts.reduce((n, p) => n + p.length, 0);
  const data = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    data.set(p, offset);
    offset += p.length;
  }
  return { specs: groups.flatMap((g) => g.weights), data: data.buffer };
}

/** Loads a TF.js graph model (model.json + shards) from disk through an in-memory IOHandler. */
export async function loadGraphModelFromFiles(jsonPath: string): Promise<GraphModel> {
  const json = JSON.parse(readFileSync(jsonPath, 'utf8'));
  const { specs, data } = readShards(path.dirname(jsonPath), json.weightsManifest);
  const handler: tf.io.IOHandler = {
    load: async () => ({
      modelTopology: json.modelTopology,
      format: json.format,
      generatedBy: json.generatedBy,
      convertedBy: json.convertedBy,
      signature: json.signature,
      userDefinedMetadata: json.userDefinedMetadata,
      weightSpecs: specs,
      weightData: data,
    }),
  };
  return loadGraphModel(handler);
}

/** Runs a graph model on one NHWC input and returns the named outputs (TF node names). */
export function runGraphModel(model: GraphModel, inputNhwc: tf.Tensor4D, outputNodes: readonly string[]): Float32Array[] {
  const result = model.execute(inputNhwc, [...outputNodes]);
  const tensors = Array.isArray(result) ? result : [result];
  const out = tensors.map((t) => t.dataSync() as Float32Array);
  tf.dispose(tensors);
  return out;
}

type NamedTensors = Record<string, tf.Tensor>;

/**
 * face-api 1.7.15 FaceRecognitionNet.forwardInput() after its normalisation step, op for op
 * (src/faceRecognitionNet/{FaceRecognitionNet,convLayer,residualLayer,scaleLayer}.ts), with
 * weights decoded by tf.io.decodeWeights from the package's manifest, as face-api loads them.
 */
export class FaceApiRecognitionReference {
  private constructor(private readonly w: NamedTensors) {}

  static load(manifestPath: string): FaceApiRecognitionReference {
    const groups = JSON.parse(readFileSync(manifestPath, 'utf8')) as WeightsGroup[];
    const { specs, data } = readShards(path.dirname(manifestPath), groups);
    return new FaceApiRecognitionReference(tf.io.decodeWeights(data, specs));
  }

  /** `normalized` is NHWC [1,150,150,3] = (rgb - [122.782,117.001,104.298]) / 255. Returns the 128-d descriptor. */
  descriptor(normalized: tf.Tensor4D): Float32Array {
    return tf.tidy(() => {
      let out = this.#convDown(normalized, 'conv32_down');
      out = tf.maxPool(out, 3, 2, 'valid');
      out = this.#residual(out, 'conv32_1');
      out = this.#residual(out, 'conv32_2');
      out = this.#residual(out, 'conv32_3');
      out = this.#residualDown(out, 'conv64_down');
      out = this.#residual(out, 'conv64_1');
      out = this.#residual(out, 'conv64_2');
      out = this.#residual(out, 'conv64_3');
      out = this.#residualDown(out, 'conv128_down');
      out = this.#residual(out, 'conv128_1');
      out = this.#residual(out, 'conv128_2');
      out = this.#residualDown(out, 'conv256_down');
      out = this.#residual(out, 'conv256_1');
      out = this.#residual(out, 'conv256_2');
      out = this.#residualDown(out, 'conv256_down_out');
      const globalAvg = tf.mean(out, [1, 2]) as tf.Tensor2D; // face-api: out.mean([1, 2])
      return tf.matMul(globalAvg, this.w.fc as tf.Tensor2D).dataSync() as Float32Array;
    });
  }

  #convLayer(x: tf.Tensor4D, prefix: string, strides: [number, number], withRelu: boolean, padding: 'valid' | 'same' = 'same'): tf.Tensor4D {
    let out = tf.conv2d(x, this.w[`${prefix}/conv/filters`] as tf.Tensor4D, strides, padding);
    out = tf.add(out, this.w[`${prefix}/conv/bias`]) as tf.Tensor4D;
    out = tf.add(tf.mul(out, this.w[`${prefix}/scale/weights`]), this.w[`${prefix}/scale/biases`]) as tf.Tensor4D;
    return withRelu ? tf.relu(out) : out;
  }

  #convDown(x: tf.Tensor4D, prefix: string): tf.Tensor4D {
    return this.#convLayer(x, prefix, [2, 2], true, 'valid');
  }

  #residual(x: tf.Tensor4D, prefix: string): tf.Tensor4D {
    let out = this.#convLayer(x, `${prefix}/conv1`, [1, 1], true);
    out = this.#convLayer(out, `${prefix}/conv2`, [1, 1], false);
    return tf.relu(tf.add(out, x)) as tf.Tensor4D;
  }

  #residualDown(x: tf.Tensor4D, prefix: string): tf.Tensor4D {
    let out = this.#convDown(x, `${prefix}/conv1`);
    out = this.#convLayer(out, `${prefix}/conv2`, [1, 1], false);
    let pooled = tf.avgPool(x, 2, 2, 'valid') as tf.Tensor4D;
    const zeros = tf.zeros<tf.Rank.R4>(pooled.shape);
    const isPad = pooled.shape[3] !== out.shape[3];
    const isAdjustShape = pooled.shape[1] !== out.shape[1] || pooled.shape[2] !== out.shape[2];
    if (isAdjustShape) {
      const padShapeX = [...out.shape] as [number, number, number, number];
      padShapeX[1] = 1;
      out = tf.concat([out, tf.zeros<tf.Rank.R4>(padShapeX)], 1) as tf.Tensor4D;
      const padShapeY = [...out.shape] as [number, number, number, number];
      padShapeY[2] = 1;
      out = tf.concat([out, tf.zeros<tf.Rank.R4>(padShapeY)], 2) as tf.Tensor4D;
    }
    pooled = isPad ? (tf.concat([pooled, zeros], 3) as tf.Tensor4D) : pooled;
    return tf.relu(tf.add(pooled, out)) as tf.Tensor4D;
  }
}
