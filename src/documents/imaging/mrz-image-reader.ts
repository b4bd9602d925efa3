// MRZ from a photo: the native reader locates, deskews and segments the zone and scores every
// position against OCR-B templates; the check-digit-steered correction (../mrz/correct-mrz.ts) then
// picks among each position's alternatives the reading whose check digits validate.
import { correctMrz, MRZ_LOOKALIKES, type MrzCorrection, type MrzResult } from '../mrz/index.js';
import type { CheckName, MrzParseOptions } from '../mrz/index.js';
import type { ImagingConfig } from '../../config/sections/documents-imaging.js';
import { callNative } from '../../native/call-native.js';
import { assertImageBuffer, documentAddon, DOCUMENT_NATIVE, type GlyphTemplateHandle, type NativeMrzRead, type Point } from './native-document.js';

/**
 * Alternatives offered to the correction, widening pass by pass until every check digit validates:
 * first only those scoring almost as well as a position's best (few alternatives, so a validating
 * reading is rarely ambiguous and the nearest-scoring one wins), then the generic OCR-B look-alikes
 * alone, then a wide margin plus the look-alikes.
 */
const CANDIDATE_PASSES = [
  { margin: 0.02, ocr: true, lookalikes: false },
  { margin: 0.06, ocr: true, lookalikes: false },
  { margin: 0.12, ocr: true, lookalikes: false },
  { margin: 0, ocr: false, lookalikes: true },
  { margin: 0.3, ocr: true, lookalikes: true },
] as const;

export interface MrzImageRead {
  readonly found: boolean;
  /** Top-1 characters as read, before correction. */
  readonly rawLines: readonly string[];
  /** After check-digit-steered correction. */
  readonly lines: readonly string[];
  readonly corrections: readonly MrzCorrection[];
  readonly ambiguous: readonly CheckName[];
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

  async read(image: Buffer, parseOptions: MrzParseOptions = {}): Promise<MrzImageRead> {
    assertImageBuffer(image, 'readMrzFromImage');
    const addon = documentAddon();
    const c = this.#config;
    const native = await callNative(this.read, () => addon.documentReadMrz(this.#handle, image, {
      maxPixels: c.maxPixels, topK: c.mrzTopK, maxBandCandidates: c.mrzBandCandidates, cellWidthFactors: [...c.mrzCellWidthFactors],
      rectify: true, rectifiedWidth: c.rectifiedWidth, minOutlineAreaFraction: c.minOutlineAreaFraction,
    }), DOCUMENT_NATIVE, 'reading the MRZ');
    const rawLines = native.lines.map((l) => l.text);
    const base = { rawLines, meanScore: native.meanScore, minScore: native.minScore, band: native.band, documentCorners: native.documentCorners, angleDegrees: native.angleDegrees, native };
    if (!native.found) return { ...base, found: false, lines: [], corrections: [], ambiguous: [], result: null };
    let corrected = null;
    for (const pass of CANDIDATE_PASSES) {
      const candidates = pass.ocr ? native.lines.map((line) => line.positions.map((p) => candidatesFor(p.chars, p.scores, pass.margin, pass.lookalikes))) : undefined;
      corrected = correctMrz({ lines: rawLines, candidates }, parseOptions);
      if (corrected.result.ok && corrected.result.checks.every((k) => k.valid)) break;
    }
    if (!corrected) throw new Error('unreachable: no correction pass ran');
    return { ...base, found: true, lines: corrected.lines, corrections: corrected.corrections, ambiguous: corrected.ambiguous, result: corrected.result };
  }
}

/** The reader's own alternatives within `margin` of its best, optionally with the OCR-B look-alikes of the best. */
function candidatesFor(chars: string, scores: Float32Array, margin: number, lookalikes: boolean): string[] {
  const out: string[] = [];
  for (let k = 0; k < chars.length; k++) if (k === 0 || scores[k] >= scores[0] - margin) out.push(chars[k]);
  if (lookalikes) for (const alt of MRZ_LOOKALIKES[chars[0]] ?? []) if (!out.includes(alt)) out.push(alt);
  return out;
}
