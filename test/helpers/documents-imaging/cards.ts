// Synthetic document photos for the document-imaging tests and benchmark, drawn by the test addon's
// renderer (../native-test-addon.ts) with the OCR-B font (fonts-ocr-b). No real document is used anywhere.
import { buildConfig } from '../../../src/config/index.js';
import type { DocumentsConfig } from '../../../src/config/sections/documents.js';
import { renderTestCard, type Point } from '../native-test-addon.js';

export const OCRB = '/usr/share/fonts/opentype/ocr-b/OCRB.otf';

/** ICAO 9303-5 TD1 and 9303-4 TD3 specimens (all check digits valid). */
export const TD1 = ['I<UTOD231458907<<<<<<<<<<<<<<<', '7408122F1204159UTO<<<<<<<<<<<6', 'ERIKSSON<<ANNA<MARIA<<<<<<<<<<'];
export const TD3 = ['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C36UTO7408122F1204159ZE184226B<<<<<10'];

export interface CardOptions {
  mrzLines?: string[];
  vizLines?: string[];
  rotationDeg?: number;
  perspective?: number;
  blurSigma?: number;
  noiseSigma?: number;
  seed?: number;
  scale?: number;
  cardBgr?: [number, number, number];
  tableBgr?: [number, number, number];
  mrzInkBgr?: [number, number, number];
  vizInkBgr?: [number, number, number];
  portraitBgr?: [number, number, number];
  patches?: Array<{ x: number; y: number; width: number; height: number; bgr: [number, number, number] }>;
  glare?: Array<{ x: number; y: number; radius: number }>;
  noCard?: boolean;
  format?: 'png' | 'jpeg';
}

export async function renderCard(options: CardOptions = {}): Promise<{ image: Buffer; corners: Point[] }> {
  const lines = options.mrzLines ?? TD1;
  const td3 = lines[0]?.length === 44;
  return renderTestCard({
    fontPath: OCRB,
    cardWidthMm: td3 ? 125 : 85.6,
    cardHeightMm: td3 ? 88 : 53.98,
    pxPerMm: 10,
    vizLines: ['ERIKSSON', 'ANNA MARIA', '12 08 1974'],
    ...options,
    mrzLines: lines,
  });
}

export function testConfig(overrides: Record<string, unknown> = {}): DocumentsConfig {
  return buildConfig({ documents: { mrz: { acceptSpecimens: true }, ...overrides } }).documents;
}
