// Typed view of the addon's document exports (native/src/document/*_worker.cc, one file each) and the
// document capability's native code table; src/native/call-native.ts rewraps failures with it.
import { ProofgateError, type ErrorCode } from '../../core/errors.js';
import { nativeAddon } from '../../native/addon.js';
import type { NativeCapability } from '../../native/call-native.js';
import { COMMON_NATIVE_CODES } from '../../native/native-errors.js';

export type Point = [number, number];

export interface NativeMrzPosition { chars: string; scores: Float32Array }
export interface NativeMrzLine { text: string; positions: NativeMrzPosition[] }
export interface NativeMrzRead {
  found: boolean;
  width: number;
  height: number;
  documentCorners: Point[] | null;
  readOnRectified: boolean;
  band: Point[];
  angleDegrees: number;
  meanScore: number;
  minScore: number;
  capHeightPx: number;
  lines: NativeMrzLine[];
}

export interface NativeRegionStats { name: string; meanGray: number; stdGray: number; meanB: number; meanG: number; meanR: number; darkFraction: number }
export interface NativeRegion { name: string; x: number; y: number; width: number; height: number }
export interface NativeMeasurements {
  width: number;
  height: number;
  found: boolean;
  corners: Point[] | null;
  areaFraction: number;
  aspectRatio: number;
  rectifiedWidth: number;
  rectifiedHeight: number;
  sharpness: number;
  glareFraction: number;
  largestGlareBlobFraction: number;
  whole: NativeRegionStats;
  regions: NativeRegionStats[];
}

export interface NativePdf417Read { found: boolean; payload: Buffer | null; corners: Point[]; orientation: number }

export type GlyphTemplateHandle = { readonly __glyphTemplates: unique symbol };

/** Every key is required by the addon (native/src/common/js_args.h); values come from validated configuration. */
export interface NativeReadMrzOptions {
  maxPixels: number;
  topK: number;
  maxBandCandidates: number;
  cellWidthFactors: number[];
  rectify: boolean;
  rectifiedWidth: number;
  minOutlineAreaFraction: number;
}

export interface NativeMeasureOptions {
  maxPixels: number;
  rectifiedWidth: number;
  saturationLevel: number;
  minGlareBlobFraction: number;
  darkLevel: number;
  minOutlineAreaFraction: number;
  regions: NativeRegion[];
}

export interface NativeDocumentAddon {
  documentLoadGlyphTemplates(fontPath: string): Promise<{ handle: GlyphTemplateHandle; templates: number; pitchToCapHeight: number }>;
  documentReadMrz(handle: GlyphTemplateHandle, image: Buffer, options: NativeReadMrzOptions): Promise<NativeMrzRead>;
  documentMeasure(image: Buffer, options: NativeMeasureOptions): Promise<NativeMeasurements>;
  documentDecodePdf417(image: Buffer, options: { maxPixels: number }): Promise<NativePdf417Read>;
}

export function documentAddon(): NativeDocumentAddon {
  const addon = nativeAddon();
  if (typeof addon.documentReadMrz !== 'function') {
    throw new ProofgateError('ERR_NOT_IMPLEMENTED', 'the native addon was built without the document capability: rebuild with "npm run build:native"');
  }
  return addon as unknown as NativeDocumentAddon;
}

/** A native document failure: `code` is the appliance-wide code, `reason` the native one. */
export class DocumentImageError extends ProofgateError {
  constructor(readonly reason: string, code: ErrorCode, message: string, opts: { status: number; cause?: unknown }) {
    super(code, message, opts);
    this.name = 'DocumentImageError';
  }
}

/** The document capability's codes, for callNative() (src/native/call-native.ts). */
export const DOCUMENT_NATIVE: NativeCapability<string, DocumentImageError> = {
  codes: {
    ...COMMON_NATIVE_CODES,
    ERR_IMAGE_SHAPE: { code: 'ERR_IMAGE_INVALID', status: 400 },
    ERR_DOCUMENT_FONT: { code: 'ERR_INTERNAL', status: 500 },
  },
  toError: (reason, code, message, opts) => new DocumentImageError(reason, code, message, opts),
};

export function assertImageBuffer(image: unknown, what: string): asserts image is Buffer {
  if (!Buffer.isBuffer(image)) throw new ProofgateError('ERR_BAD_REQUEST', `${what}: the image must be a Buffer`, { status: 400 });
  if (image.length === 0) throw new DocumentImageError('ERR_IMAGE_EMPTY', 'ERR_IMAGE_INVALID', `${what}: the image is empty`, { status: 400 });
}
