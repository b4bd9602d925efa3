// MRZ from a photo: the native reader locates, deskews and segments the zone and scores every
// position against OCR-B templates; the correction (../mrz/correct-mrz.ts) then picks among each
// position's well-scoring alternatives the reading whose check digits validate, or says unreadable.
import { correctMrz, type MrzAlternative, type MrzCorrection, type MrzCorrectionPolicy, type MrzResult } from '../mrz/index.js';
import type { CheckName, MrzParseOptions } from '../mrz/index.js';
import type { ImagingConfig } from '../../config/sections/documents-imaging.js';
import { callNative } from '../../native/call-native.js';
import { assertImageBuffer, documentAddon, DOCUMENT_NATIVE, type GlyphTemplateHandle, type NativeMrzRead, type Point } from './native-document.js';

export interface MrzImageReadOptions extends MrzParseOptions {
  /** documents.mrz.correction; default: its documented defaults. */
  readonly correction?: MrzCorrectionPolicy;
}

export interface MrzImageRead {
  readonly found: boolean;
  /** Top-1 characters as read, before correction. */
  readonly rawLines: readonly string[];
  /** After check-digit-steered correction. */
  readonly lines: readonly string[];
  readonly corrections: readonly MrzCorrection[];
  readonly ambiguous: readonly CheckName[];
  /** A check digit fails and no supported correction repairs it: `lines` are the raw read, `result` carries MRZ_UNREADABLE. */
  readonly unreadable: boolean;
  /** Parse of `lines` (null when no MRZ was found). */
  readonly result: MrzResult | null;
  /** Mean and lowest top-1 template correlation (0..1). */
  readonly meanScore: number;
  readonly minScore: number;
  readonly band: readonly Point[];
  readonly documentCorners: readonly Point[] | null;
  readonly angleDegrees: number;
  /** Per position alternatives with scores, as the native reader returned them. */
  readonly native: NativeMrzRead;
}

export class MrzImageReader {
  readonly #handle: GlyphTemplateHandle;
  readonly #config: ImagingConfig;
  readonly templateCount: number;

  private constructor(handle: GlyphTemplateHandle, config: ImagingConfig, templateCount: number) {
    this.#handle = handle;
    this.#config = config;
    this.templateCount = templateCount;
  }

  /** Renders the OCR-B glyph templates (about half a second); keep one reader per process. */
  static async load(config: ImagingConfig): Promise<MrzImageReader> {
    const addon = documentAddon();
    const loaded = await callNative(MrzImageReader.load, () => addon.documentLoadGlyphTemplates(config.ocrbFontPath), DOCUMENT_NATIVE, 'loading the OCR-B templates');
    return new MrzImageReader(loaded.handle, config, loaded.templates);
  }

  async read(image: Buffer, options: MrzImageReadOptions = {}): Promise<MrzImageRead> {
    assertImageBuffer(image, 'readMrzFromImage');
    const addon = documentAddon();
    const c = this.#config;
    const native = await callNative(this.read, () => addon.documentReadMrz(this.#handle, image, {
      maxPixels: c.maxPixels, topK: c.mrzTopK, maxBandCandidates: c.mrzBandCandidates, cellWidthFactors: [...c.mrzCellWidthFactors],
      rectify: true, rectifiedWidth: c.rectifiedWidth, minOutlineAreaFraction: c.minOutlineAreaFraction,
    }), DOCUMENT_NATIVE, 'reading the MRZ');
    const rawLines = native.lines.map((l) => l.text);
    const base = { rawLines, meanScore: native.meanScore, minScore: native.minScore, band: native.band, documentCorners: native.documentCorners, angleDegrees: native.angleDegrees, native };
    if (!native.found) return { ...base, found: false, lines: [], corrections: [], ambiguous: [], unreadable: false, result: null };
    // Every alternative the reader scored goes to the correction: it keeps those at or above the
    // confidence floor and takes a reading only when it clearly outscores every other valid one.
    const alternatives = native.lines.map((line) => line.positions.map((p) => Array.from(p.chars, (char, k): MrzAlternative => ({ char, confidence: p.scores[k] }))));
    const corrected = correctMrz({ lines: rawLines, alternatives }, options);
    return { ...base, found: true, lines: corrected.lines, corrections: corrected.corrections, ambiguous: corrected.ambiguous, unreadable: corrected.unreadable, result: corrected.result };
  }
}
