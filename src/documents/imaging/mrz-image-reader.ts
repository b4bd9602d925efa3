// MRZ from a photo: the native reader locates, deskews and segments the zone and scores every
// position against OCR-B templates; the correction (../mrz/correct-mrz.ts) then picks among each
// position's well-scoring alternatives the reading whose check digits validate, or says unreadable.
import { correctMrz, type MrzAlternative, type MrzCorrection, type MrzCorrectionPolicy, type MrzResult } from '../mrz/index.js';
import type { CheckName, MrzParseOptions } from '../mrz/index.js';
import type { ImagingConfig } from '../../config/sections/documents-imaging.js';
import { callNative } from '../../native/call-native.js';
import { assertImageBuffer, documentAddon, DOCUMENT_NATIVE, type GlyphTemplateHandle, type NativeMrzRead, type Point } from './native-document.js';

/**
 * The reader's alternatives offered to the correction, widening pass by pass until the check digits
 * validate: first only those scoring within 0.02 of a position's best (few alternatives, so the
 * nearest-scoring valid reading wins and a far one cannot tie with it), then wider. In every pass an
 * alternative must also reach documents.mrz.correction.minAlternativeConfidence on its own; look-alikes
 * the reader did not offer are used only where the read character is impossible (a letter in a date).
 */
const ALTERNATIVE_MARGINS = [0.02, 0.06, 0.12, 0.3] as const;

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
    let corrected = null;
    for (const margin of ALTERNATIVE_MARGINS) {
      const alternatives = native.lines.map((line) => line.positions.map((p) => alternativesWithin(p.chars, p.scores, margin)));
      corrected = correctMrz({ lines: rawLines, alternatives }, options);
      if (!corrected.unreadable) break;
    }
    if (!corrected) throw new Error('unreachable: no correction pass ran');
    return { ...base, found: true, lines: corrected.lines, corrections: corrected.corrections, ambiguous: corrected.ambiguous, unreadable: corrected.unreadable, result: corrected.result };
  }
}

/** The reader's own alternatives within `margin` of its best, with their scores as confidences. */
function alternativesWithin(chars: string, scores: Float32Array, margin: number): MrzAlternative[] {
  const out: MrzAlternative[] = [];
  for (let k = 0; k < chars.length; k++) if (k === 0 || scores[k] >= scores[0] - margin) out.push({ char: chars[k], confidence: scores[k] });
  return out;
}
