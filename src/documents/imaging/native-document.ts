// Typed view of the addon's document exports (native/src/document/document_exports.cc) and the one
// place native document errors become ProofgateErrors, with the caller's stack.
import { ProofgateError, type ErrorCode } from '../../core/errors.js';
import { nativeAddon } from '../../native/addon.js';
import { COMMON_NATIVE_CODES, captureCallSite, nativeCodeOf, type MappedNativeCode } from '../../native/native-errors.js';

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

export interface NativeDocumentAddon {
  documentLoadGlyphTemplates(fontPath: string): Promise<{ handle: GlyphTemplateHandle; templates: number; pitchToCapHeight: number }>;
  documentReadMrz(handle: GlyphTemplateHandle, image: Buffer, options: { maxPixels: number; topK: number; maxBandCandidates: number; cellWidthFactors: number[]; rectify: boolean; rectifiedWidth: number }): Promise<NativeMrzRead>;
  documentMeasure(image: Buffer, options: { maxPixels: number; rectifiedWidth: number; saturationLevel: number; minGlareBlobFraction: number; darkLevel: number; regions: NativeRegion[] }): Promise<NativeMeasurements>;
  documentDecodePdf417(image: Buffer, options: { maxPixels: number }): Promise<NativePdf417Read>;
  documentEncodePdf417ForTests(payload: Buffer, options: { width: number; height: number; margin: number; moduleScale: number }): Promise<Buffer>;
  documentRenderCardForTests(spec: Record<string, unknown>): Promise<{ image: Buffer; corners: Point[] }>;
}

export function documentAddon(): NativeDocumentAddon {
  const addon = nativeAddon();
  if (typeof addon.documentReadMrz !== 'function') {
    throw new ProofgateError('ERR_NOT_IMPLEMENTED', 'the native addon was built without the document capability: rebuild with "npm run build:native"');
  }
  return addon as unknown as NativeDocumentAddon;
}

const MAPPING: Record<string, MappedNativeCode> = {
  ...COMMON_NATIVE_CODES,
  ERR_IMAGE_SHAPE: { code: 'ERR_IMAGE_INVALID', status: 400 },
  ERR_INVALID_ARG: { code: 'ERR_BAD_REQUEST', status: 400 },
  ERR_DOCUMENT_FONT: { code: 'ERR_INTERNAL', status: 500 },
  ERR_BARCODE_ENCODE: { code: 'ERR_BAD_REQUEST', status: 400 },
};

/** A native document failure: `code` is the appliance-wide code, `reason` the native one. */
export class DocumentImageError extends ProofgateError {
  constructor(readonly reason: string, code: ErrorCode, message: string, opts: { status: number; cause?: unknown }) {
    super(code, message, opts);
    this.name = 'DocumentImageError';
  }
}

/** Runs a native call and rewraps its coded error with the stack of `callee`'s caller. */
export async function callNative<T>(callee: Function, what: string, run: () => Promise<T>): Promise<T> {
  const callSite = captureCallSite(callee);
  try {
    return await run();
  } catch (err) {
    if (err instanceof ProofgateError) throw err;
    const reason = nativeCodeOf(err);
    const mapped = MAPPING[reason] ?? COMMON_NATIVE_CODES.ERR_NATIVE_INTERNAL;
    const e = new DocumentImageError(reason, mapped.code, `${what}: ${(err as Error)?.message ?? String(err)}`, { status: mapped.status, cause: err });
    e.stack = `${e.name}: ${e.message}\n${callSite}`;
    throw e;
  }
}

export function assertImageBuffer(image: unknown, what: string): asserts image is Buffer {
  if (!Buffer.isBuffer(image)) throw new ProofgateError('ERR_BAD_REQUEST', `${what}: the image must be a Buffer`, { status: 400 });
  if (image.length === 0) throw new DocumentImageError('ERR_IMAGE_EMPTY', 'ERR_IMAGE_INVALID', `${what}: the image is empty`, { status: 400 });
}
