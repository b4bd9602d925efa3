// Native outline and pixel measurements of a document photo, with the nominal ISO/IEC 7810 formats.
import type { ImagingConfig, RegionConfig } from '../../config/sections/documents-imaging.js';
import { callNative } from '../../native/call-native.js';
import { assertImageBuffer, documentAddon, DOCUMENT_NATIVE, type NativeMeasurements } from './native-document.js';

/** ISO/IEC 7810 sizes in millimetres: ID-1 (cards, TD1) and ID-3 (passport data page, TD3). */
export const DOCUMENT_FORMATS = [
  { name: 'ID-1', width: 85.6, height: 53.98 },
  { name: 'ID-3', width: 125, height: 88 },
] as const;

export interface DocumentMeasurement {
  readonly native: NativeMeasurements;
}

export function nearestFormat(aspect: number): { name: string; aspect: number; deviation: number } {
  return DOCUMENT_FORMATS.map((f) => ({ name: f.name, aspect: f.width / f.height, deviation: Math.abs(aspect / (f.width / f.height) - 1) }))
    .sort((a, b) => a.deviation - b.deviation)[0];
}

export async function measureDocument(image: Buffer, config: ImagingConfig, regions: ReadonlyArray<RegionConfig & { name: string }> = [], darkLevel = config.ir.darkLevel): Promise<DocumentMeasurement> {
  assertImageBuffer(image, 'measureDocument');
  const addon = documentAddon();
  const native = await callNative(measureDocument, () => addon.documentMeasure(image, {
    maxPixels: config.maxPixels, rectifiedWidth: config.rectifiedWidth, saturationLevel: config.saturationLevel,
    minGlareBlobFraction: config.minGlareBlobFraction, darkLevel, minOutlineAreaFraction: config.minOutlineAreaFraction,
    regions: regions.map((r) => ({ name: r.name, x: r.x, y: r.y, width: r.width, height: r.height })),
  }), DOCUMENT_NATIVE, 'measuring the document');
  return { native };
}
