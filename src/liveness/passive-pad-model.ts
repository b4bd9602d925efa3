// The passive presentation-attack model of liveness.passive, loaded once at start-up and shared: the file
// is read here, its sha256 checked against the configured one, and the same checked bytes are handed to
// the native side (no second read that could see another file), which dry-runs the network so a wrong
// output name or size fails start-up. score() runs it on the crop around the selfie's face box, off the
// event loop, and judges the output (passive-pad-output.ts).
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import type { PassivePadSlotConfig } from '../config/sections/liveness-passive.js';
import { resolveDataPath } from '../config/index.js';
import { ProofgateError } from '../core/errors.js';
import { FACE_NATIVE } from '../biometrics/face-errors.js';
import { callNative } from '../native/call-native.js';
import { nativePassivePad, type NativePassivePadHandle } from './native-passive-pad.js';
import { judgePassiveOutput, type PassivePadReport } from './passive-pad-output.js';

/** A passive model is a small classifier; a file larger than this is not one (and is not read into memory). */
const MAX_MODEL_BYTES = 256 * 1024 * 1024;

/** The face box the face engine reported, in the selfie's (EXIF-upright) pixels. */
export interface PassivePadFaceBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** What /health and the start-up log show about the loaded model. */
export interface PassivePadModelInfo {
  path: string;
  sha256: string;
  output: string;
  kind: PassivePadSlotConfig['output']['kind'];
  threshold: number;
}

const modelError = (message: string, cause?: unknown) => new ProofgateError('ERR_MODEL', message, cause === undefined ? {} : { cause });

function readCheckedModel(path: string, expectedSha256: string | null): { bytes: Buffer; sha256: string } {
  let size: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw modelError(`liveness.passive model ${path} is not a file`);
    size = stat.size;
  } catch (e) {
    if (e instanceof ProofgateError) throw e;
    throw modelError(`liveness.passive model ${path} is missing or unreadable (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, e);
  }
  if (size === 0) throw modelError(`liveness.passive model ${path} is empty`);
  if (size > MAX_MODEL_BYTES) throw modelError(`liveness.passive model ${path} is ${size} bytes, more than ${MAX_MODEL_BYTES}`);
  const bytes = readFileSync(path);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (expectedSha256 !== null && sha256 !== expectedSha256) {
    throw modelError(`liveness.passive model ${path} has sha256 ${sha256}, not the configured liveness.passive.sha256 ${expectedSha256}`);
  }
  return { bytes, sha256 };
}

export class PassivePadModel {
  readonly #handle: NativePassivePadHandle;
  readonly #slot: PassivePadSlotConfig;
  readonly #maxPixels: number;
  readonly #info: PassivePadModelInfo;
  #closed = false;

  private constructor(handle: NativePassivePadHandle, slot: PassivePadSlotConfig, maxPixels: number, info: PassivePadModelInfo) {
    this.#handle = handle;
    this.#slot = slot;
    this.#maxPixels = maxPixels;
    this.#info = info;
  }

  /**
   * Reads, checks and dry-runs the configured model. `maxPixels`: the largest selfie decoded
   * (biometrics.maxPixels, as the face engine). Throws ProofgateError ERR_MODEL naming the file and the problem.
   */
  static async load(slot: PassivePadSlotConfig, maxPixels: number): Promise<PassivePadModel> {
    const path = resolveDataPath(slot.path);
    const { bytes, sha256 } = readCheckedModel(path, slot.sha256);
    const { normalisation: n } = slot;
    const loaded = await callNative(PassivePadModel.load, () => nativePassivePad().passivePadLoad(bytes, {
      label: path,
      input: { width: slot.inputSize.width, height: slot.inputSize.height, mean: n.mean, std: n.std, channelOrder: n.colourOrder },
      output: slot.output.name ?? '',
      outputSize: slot.output.size,
      cropScale: slot.crop.scale,
      squareCrop: slot.crop.square,
    }), FACE_NATIVE, 'loading liveness.passive');
    return new PassivePadModel(loaded.handle, slot, maxPixels, { path, sha256, output: loaded.output, kind: slot.output.kind, threshold: slot.threshold });
  }

  get info(): PassivePadModelInfo {
    return this.#info;
  }

  /** Scores the crop around `box` in `image` (the selfie the face engine analysed). */
  async score(image: Buffer, box: PassivePadFaceBox): Promise<PassivePadReport> {
    if (this.#closed) throw new ProofgateError('ERR_INTERNAL', 'the passive PAD model is closed');
    if (![box.x, box.y, box.width, box.height].every(Number.isFinite) || box.width <= 0 || box.height <= 0) {
      throw new ProofgateError('ERR_INTERNAL', `passive PAD: the face box is not a box (${JSON.stringify(box)})`);
    }
    const output = await callNative(this.score, () => nativePassivePad().passivePadScore(this.#handle, image, {
      box: { x: box.x, y: box.y, width: box.width, height: box.height }, maxPixels: this.#maxPixels,
    }), FACE_NATIVE, 'scoring liveness.passive');
    return judgePassiveOutput(output, this.#slot);
  }

  /** Releases the network once a running score finishes. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    nativePassivePad().passivePadClose(this.#handle);
  }
}
