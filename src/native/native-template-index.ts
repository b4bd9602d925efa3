// The addon's template-index exports (native/src/search), typed. Only src/biometrics/template-index.ts
// calls them, after bounding every argument.
import { nativeAddon } from './addon.js';

/** How the index stores each template: int8 codes with a per-template scale, float16, or float32. */
export type TemplateEncoding = 'int8' | 'float16' | 'float32';

declare const nativeTemplateIndexBrand: unique symbol;
/** An opaque, type-tagged native handle. */
export type NativeTemplateIndexHandle = { readonly [nativeTemplateIndexBrand]: true };

export interface NativeTemplateIndexInfo {
  dimension: number;
  encoding: TemplateEncoding;
  /** Highest slot filled + 1. */
  slots: number;
  /** Slots holding a template. */
  live: number;
  /** Slots allocated. */
  capacity: number;
  /** Codes, scale and norm of one template. */
  bytesPerTemplate: number;
  /** Allocated for all slots. */
  bytes: number;
  /** 'avx2' or 'portable': the dot-product kernels this CPU runs. */
  kernels: string;
}

export interface NativeTemplateIndex {
  templateIndexCreate(options: { dimension: number; encoding: TemplateEncoding }): NativeTemplateIndexHandle;
  templateIndexAdd(handle: NativeTemplateIndexHandle, slots: Int32Array, vectors: Float32Array): Promise<void>;
  templateIndexRemove(handle: NativeTemplateIndexHandle, slots: Int32Array): Promise<void>;
  templateIndexSearch(handle: NativeTemplateIndexHandle, query: Float32Array, options: { k: number; threads: number }): Promise<{ slots: Int32Array; distances: Float32Array }>;
  templateIndexInfo(handle: NativeTemplateIndexHandle): NativeTemplateIndexInfo;
}

export function nativeTemplateIndex(): NativeTemplateIndex {
  return nativeAddon() as unknown as NativeTemplateIndex;
}
