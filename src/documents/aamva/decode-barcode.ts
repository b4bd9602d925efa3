// PDF417 from a photo of the card's back (zxing-cpp 1.4 in the addon), then the AAMVA parse.
import type { ImagingConfig } from '../../config/sections/documents-imaging.js';
import { callNative } from '../../native/call-native.js';
import { assertImageBuffer, documentAddon, DOCUMENT_NATIVE, type Point } from '../imaging/native-document.js';
import { parseAamva, type AamvaResult } from './parse-aamva.js';

export interface AamvaBarcodeRead {
  readonly found: boolean;
  readonly payload: Buffer | null;
  readonly corners: readonly Point[];
  readonly result: AamvaResult | null;
}

export async function readAamvaBarcode(image: Buffer, config: Pick<ImagingConfig, 'maxPixels'>): Promise<AamvaBarcodeRead> {
  assertImageBuffer(image, 'readAamvaBarcode');
  const addon = documentAddon();
  const read = await callNative(readAamvaBarcode, () => addon.documentDecodePdf417(image, { maxPixels: config.maxPixels }), DOCUMENT_NATIVE, 'decoding the PDF417 barcode');
  return { found: read.found, payload: read.payload, corners: read.corners, result: read.payload ? parseAamva(read.payload) : null };
}
