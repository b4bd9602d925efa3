// The addon's passive PAD exports, typed. Shapes mirror native/src/liveness/passive_pad_load_worker.cc
// and passive_pad_score_worker.cc; only passive-pad-model.ts talks to them.
import type { ModelInputConfig } from '../config/sections/biometrics.js';
import { nativeAddon } from '../native/addon.js';

export interface NativePassivePadSpec {
  /** The file's path, for messages. */
  label: string;
  input: ModelInputConfig;
  /** '' : the model's only output. */
  output: string;
  outputSize: number;
  cropScale: number;
  squareCrop: boolean;
}

/** Opaque: a type-tagged External owning the native model. */
export type NativePassivePadHandle = { readonly __nativePassivePad: unique symbol };

export interface NativePassivePadAddon {
  passivePadLoad(modelBytes: Buffer, spec: NativePassivePadSpec): Promise<{ handle: NativePassivePadHandle; output: string }>;
  passivePadScore(handle: NativePassivePadHandle, image: Buffer, options: { box: { x: number; y: number; width: number; height: number }; maxPixels: number }): Promise<Float32Array>;
  passivePadClose(handle: NativePassivePadHandle): void;
}

export function nativePassivePad(): NativePassivePadAddon {
  return nativeAddon() as unknown as NativePassivePadAddon;
}
