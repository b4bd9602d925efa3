// Tiny passive PAD models for tests, encoded as ONNX by the project's own writer (tools/models/onnx-builder.ts):
// a "brightness" classifier whose live logit is a * mean(input) + b, so the live probability of a uniform
// grey crop is known exactly (sigmoid(a * grey/255 + b) with normalisation mean 0, std 255), and the
// threshold a crafted image crosses can be chosen. Written to a temporary folder the test removes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Test } from 'tap';
import { attr, encodeOnnxModel, OnnxGraphBuilder } from '../../tools/models/onnx-builder.js';
import type { PassivePadSlotConfig } from '../../src/config/sections/liveness-passive.js';

export const PAD_INPUT = 8;
const VALUES = 3 * PAD_INPUT * PAD_INPUT;

export interface BrightnessModel {
  /** 'logits': Gemm to [spoof, live] logits; 'softmax': the same through a Softmax node; 'sigmoid': one live logit. */
  head: 'logits' | 'softmax' | 'sigmoid';
  /** Live logit = slope * mean(input) + offset. */
  slope: number;
  offset: number;
  /** Classes the Gemm produces (default 2; 'sigmoid' always 1): a wrong count makes an output-shape mismatch. */
  classes?: number;
}

/** The ONNX bytes of a brightness model over a 1x3x8x8 input. */
export function brightnessModelBytes(m: BrightnessModel): Uint8Array {
  const classes = m.head === 'sigmoid' ? 1 : (m.classes ?? 2);
  const live = classes - 1;
  const g = new OnnxGraphBuilder();
  const weights = new Float32Array(classes * VALUES);
  weights.fill(m.slope / VALUES, live * VALUES, (live + 1) * VALUES);
  const bias = new Float32Array(classes);
  bias[live] = m.offset;
  const flat = g.node('Flatten', ['input'], g.uniqueName('flat'), { axis: attr.int(1) });
  const w = g.floatConstant('W', [classes, VALUES], weights);
  const b = g.floatConstant('B', [classes], bias);
  let out = g.node('Gemm', [flat, w, b], g.uniqueName(m.head === 'sigmoid' ? 'logit' : 'logits'), { transB: attr.int(1) });
  if (m.head === 'softmax') out = g.node('Softmax', [out], g.uniqueName('probabilities'), { axis: attr.int(1) });
  return encodeOnnxModel({
    graphName: 'brightness', producerName: 'proofgate-test', producerVersion: '1', docString: 'test model: live logit from mean brightness',
    opsetVersion: 11, nodes: g.nodes, initializers: g.initializers,
    inputs: [{ name: 'input', dims: [1, 3, PAD_INPUT, PAD_INPUT] }], outputs: [{ name: out, dims: [1, classes] }], metadata: {},
  });
}

/** A temporary folder for model files, removed when the test ends. */
export function modelDir(t: Test): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'proofgate-pad-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function writeModel(dir: string, name: string, bytes: Uint8Array): string {
  const file = path.join(dir, name);
  writeFileSync(file, bytes);
  return file;
}

/** A slot for a brightness model file: 8x8 input, pixels scaled to 0..1, live index last. */
export function brightnessSlot(file: string, overrides: Partial<PassivePadSlotConfig> = {}): PassivePadSlotConfig {
  return {
    path: file, sha256: null, inputSize: { width: PAD_INPUT, height: PAD_INPUT }, crop: { scale: 1, square: true },
    normalisation: { mean: [0, 0, 0], std: [255, 255, 255], colourOrder: 'rgb', layout: 'nchw' },
    output: { name: null, size: 2, kind: 'softmax', liveIndex: 1 }, threshold: 0.5,
    ...overrides,
  };
}

/** The live probability a brightness model gives a uniform grey crop. */
export function expectedLiveProbability(slope: number, offset: number, grey: number): number {
  return 1 / (1 + Math.exp(-(slope * (grey / 255) + offset)));
}
