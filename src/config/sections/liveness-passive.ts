// Configuration "liveness.passive": the passive presentation-attack detection (PAD) model slot. Empty
// (null) by default: no model whose licence and training data are both clear ships with the appliance
// (docs/liveness.md, "Passive model"). An operator who has licensed one describes it here like the
// biometrics embedder slot: the file, how the face crop becomes its input, and how its output becomes a
// live score judged against `threshold`. A configured model is loaded and dry-run at start-up; a
// missing file, a checksum mismatch or an output of another size refuses start (ERR_MODEL).
import { ConfigError, type SectionReader } from '../validate.js';
import { readTriple } from './biometrics.js';

/** How the model's output becomes the live value judged against the threshold. */
export type PassiveOutputKind = 'softmax' | 'sigmoid' | 'score';

export interface PassivePadSlotConfig {
  /** The ONNX file; a relative path is from the project root. */
  path: string;
  /** Expected sha256 of the file (64 hex digits), checked at load; null: not checked (its hash is still shown in /health). */
  sha256: string | null;
  /** The network's input in pixels (NCHW, batch 1, 3 channels). */
  inputSize: { width: number; height: number };
  /** The crop around the face engine's face box: `scale` x the box, `square` uses the box's longer side for both. */
  crop: { scale: number; square: boolean };
  /** value = (pixel - mean[c]) / std[c], pixels 0..255, channels in `colourOrder`, laid out NCHW. */
  normalisation: { mean: [number, number, number]; std: [number, number, number]; colourOrder: 'rgb' | 'bgr'; layout: 'nchw' };
  /**
   * `name`: the output tensor (null: the model's only output); `size`: the values it holds (checked at
   * load); `kind`: 'softmax' (class logits: the live value is softmax(output)[liveIndex]), 'sigmoid' (a
   * logit: sigmoid(output[liveIndex])) or 'score' (output[liveIndex] as it is, e.g. a model that ends in
   * its own Softmax); `liveIndex`: the value that means "live".
   */
  output: { name: string | null; size: number; kind: PassiveOutputKind; liveIndex: number };
  /** The live value at or above which the selfie passes. For softmax and sigmoid a probability in (0, 1). */
  threshold: number;
}

const OUTPUT_NAME = /^[A-Za-z0-9_./:-]+$/;
const SHA256 = /^[0-9a-fA-F]{64}$/;

function readOutput(r: SectionReader): PassivePadSlotConfig['output'] {
  const name = r.optionalString('name') ?? null;
  if (name !== null && !OUTPUT_NAME.test(name)) throw new ConfigError(r.key('name'), `an output name matching ${OUTPUT_NAME} or null (the model's only output)`, name);
  const out = {
    name,
    size: r.number('size', { integer: true, min: 1, max: 4096 }),
    kind: r.oneOf('kind', ['softmax', 'sigmoid', 'score'] as const),
    liveIndex: r.number('liveIndex', { integer: true, min: 0, max: 4095 }),
  };
  if (out.liveIndex >= out.size) throw new ConfigError(r.key('liveIndex'), `an index below output size (${out.size})`, out.liveIndex);
  if (out.kind === 'softmax' && out.size < 2) throw new ConfigError(r.key('size'), 'at least 2 values for kind softmax (one per class)', out.size);
  r.done();
  return out;
}

function readPassivePad(r: SectionReader): PassivePadSlotConfig {
  const sha = r.optionalString('sha256') ?? null;
  if (sha !== null && !SHA256.test(sha)) throw new ConfigError(r.key('sha256'), '64 hex digits (the sha256 of the model file) or null', sha);
  const size = r.section('inputSize');
  const inputSize = { width: size.number('width', { integer: true, min: 8, max: 1024 }), height: size.number('height', { integer: true, min: 8, max: 1024 }) };
  size.done();
  const c = r.section('crop');
  const crop = { scale: c.number('scale', { min: 0.5, max: 4 }), square: c.boolean('square') };
  c.done();
  const n = r.section('normalisation');
  const normalisation = {
    mean: readTriple(n, 'mean', false),
    std: readTriple(n, 'std', true),
    colourOrder: n.oneOf('colourOrder', ['rgb', 'bgr'] as const),
    layout: n.oneOf('layout', ['nchw'] as const),
  };
  n.done();
  const output = readOutput(r.section('output'));
  const probability = output.kind !== 'score';
  const threshold = r.number('threshold', probability ? { min: 0, max: 1 } : {});
  if (probability && (threshold <= 0 || threshold >= 1)) {
    throw new ConfigError(r.key('threshold'), `a probability strictly between 0 and 1 (output kind ${output.kind})`, threshold);
  }
  const out: PassivePadSlotConfig = { path: r.string('path'), sha256: sha === null ? null : sha.toLowerCase(), inputSize, crop, normalisation, output, threshold };
  r.done();
  return out;
}

/** liveness.passive: null (no passive model, the default) or a PassivePadSlotConfig. */
export function readPassivePadSlot(r: SectionReader): PassivePadSlotConfig | null {
  return r.raw('passive') === null ? null : readPassivePad(r.section('passive'));
}
