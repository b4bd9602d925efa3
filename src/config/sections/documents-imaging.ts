// config.documents.imaging (read by src/config/sections/documents.ts): thresholds for the checks made on document photos (visible, IR, UV).
// The defaults object is the documentation: one comment per key. Regions are fractions of the
// rectified document (x, y, width, height), for the side that carries the MRZ.
import { ConfigError, SectionReader } from '../validate.js';

export const imagingDefaults = {
  /** OCR-B font the MRZ glyph templates are rendered from at start-up (Debian package fonts-ocr-b). */
  ocrbFontPath: '/usr/share/fonts/opentype/ocr-b/OCRB.otf',
  /** Images whose header declares more pixels than this are refused before decoding. */
  maxPixels: 40_000_000,
  /** Width in pixels of the rectified document that every measurement is taken on. */
  rectifiedWidth: 1000,
  /** MRZ: alternatives kept per character position for check-digit-steered correction. */
  mrzTopK: 3,
  /** MRZ: band candidates tried per image, largest first. */
  mrzBandCandidates: 5,
  /**
   * MRZ: character cell widths tried, as shares of the measured pitch (best score per class wins).
   * Documents often space OCR-B wider than the font's own advance, and a full-pitch cell then
   * squeezes 0 towards O; [0.9, 1.0] was best on the mrz-dev set and keeps rendered OCR-B exact.
   */
  mrzCellWidthFactors: [0.9, 1.0],
  /** MRZ: lowest mean template correlation (0..1) of the read characters for the read to count. */
  minMrzMeanScore: 0.6,
  /** Document outline: the smallest share of the photo the document must fill. */
  minDocumentAreaFraction: 0.15,
  /**
   * Document outline search: contours filling less than this share of the photo are not outline
   * candidates at all. Kept below minDocumentAreaFraction, so a document slightly too small is still
   * found, rectified and reported as too small (document-found fails with its area) rather than missed.
   */
  minOutlineAreaFraction: 0.12,
  /** Document outline: largest relative difference between the outline's aspect ratio and ID-1 (1.586) or ID-3 (1.420). */
  aspectTolerance: 0.08,
  /** Sharpness: lowest variance of the Laplacian on the rectified grey document. */
  minSharpness: 60,
  /** Glare: a pixel is saturated at this grey level or above. */
  saturationLevel: 250,
  /** Glare: saturated blobs smaller than this share of the document are noise, not glare. */
  minGlareBlobFraction: 0.0005,
  /** Glare: largest share of the document covered by saturated blobs. */
  maxGlareFraction: 0.01,
  /** Age: youngest holder accepted, in whole years from the MRZ birth date. 0: no age check. */
  minHolderAgeYears: 18,
  /** Portrait: lowest face-detector score for the printed portrait. */
  minPortraitDetectionScore: 0.5,
  ir: {
    /** Grey level under which a pixel counts as dark (printed with IR-absorbing ink). */
    darkLevel: 90,
    /** The MRZ read from the IR image must reach this mean template correlation (B900: MRZ ink absorbs IR). */
    minMrzMeanScore: 0.5,
    /** Portrait area on the MRZ side; null: no IR photo check. */
    photoRegion: { x: 0.03, y: 0.1, width: 0.32, height: 0.55 } as RegionConfig | null,
    /** The portrait area's grey standard deviation must reach this (a photo stays visible in IR). */
    minPhotoStdGray: 15,
  },
  uv: {
    /** Highest mean grey of the whole document under UV: security paper does not fluoresce. */
    maxBackgroundMeanGray: 90,
    /** Highest mean blue channel under UV: optical brighteners in ordinary paper glow blue. */
    maxBackgroundMeanBlue: 110,
    /** Areas printed with fluorescent ink, per document template. Empty: only the dull-paper check. */
    fluorescentAreas: [] as RegionConfig[],
    /** A fluorescent area must be this many times brighter than the document's mean. */
    minAreaBrightnessRatio: 1.5,
  },
};

export interface RegionConfig { x: number; y: number; width: number; height: number }

export interface ImagingConfig {
  ocrbFontPath: string;
  maxPixels: number;
  rectifiedWidth: number;
  mrzTopK: number;
  mrzBandCandidates: number;
  mrzCellWidthFactors: number[];
  minMrzMeanScore: number;
  minDocumentAreaFraction: number;
  minOutlineAreaFraction: number;
  aspectTolerance: number;
  minSharpness: number;
  saturationLevel: number;
  minGlareBlobFraction: number;
  maxGlareFraction: number;
  minHolderAgeYears: number;
  minPortraitDetectionScore: number;
  ir: { darkLevel: number; minMrzMeanScore: number; photoRegion: RegionConfig | null; minPhotoStdGray: number };
  uv: { maxBackgroundMeanGray: number; maxBackgroundMeanBlue: number; fluorescentAreas: RegionConfig[]; minAreaBrightnessRatio: number };
}

function readRegion(r: SectionReader): RegionConfig {
  const region = {
    x: r.number('x', { min: 0, max: 1 }),
    y: r.number('y', { min: 0, max: 1 }),
    width: r.number('width', { min: 0.001, max: 1 }),
    height: r.number('height', { min: 0.001, max: 1 }),
  };
  r.done();
  return region;
}

function readRegionList(raw: unknown, key: string): RegionConfig[] {
  if (!Array.isArray(raw)) throw new ConfigError(key, 'an array of regions {x, y, width, height}', raw);
  return raw.map((item, i) => readRegion(new SectionReader(item, `${key}[${i}]`)));
}

function readFactors(raw: unknown, key: string): number[] {
  if (!Array.isArray(raw) || raw.length < 1 || raw.length > 4 || raw.some((f) => typeof f !== 'number' || !(f >= 0.6 && f <= 1.3))) {
    throw new ConfigError(key, '1 to 4 numbers in 0.6..1.3', raw);
  }
  return raw as number[];
}

export function readImagingConfig(r: SectionReader): ImagingConfig {
  const ir = r.section('ir');
  const uv = r.section('uv');
  const areas = uv.raw('fluorescentAreas');
  const out: ImagingConfig = {
    ocrbFontPath: r.string('ocrbFontPath'),
    maxPixels: r.number('maxPixels', { integer: true, min: 64 * 64, max: 400_000_000 }),
    rectifiedWidth: r.number('rectifiedWidth', { integer: true, min: 300, max: 4000 }),
    mrzTopK: r.number('mrzTopK', { integer: true, min: 1, max: 8 }),
    mrzBandCandidates: r.number('mrzBandCandidates', { integer: true, min: 1, max: 20 }),
    mrzCellWidthFactors: readFactors(r.raw('mrzCellWidthFactors'), r.key('mrzCellWidthFactors')),
    minMrzMeanScore: r.number('minMrzMeanScore', { min: 0, max: 1 }),
    minDocumentAreaFraction: r.number('minDocumentAreaFraction', { min: 0, max: 1 }),
    minOutlineAreaFraction: r.number('minOutlineAreaFraction', { min: 0.01, max: 1 }),
    aspectTolerance: r.number('aspectTolerance', { min: 0.01, max: 0.5 }),
    minSharpness: r.number('minSharpness', { min: 0 }),
    saturationLevel: r.number('saturationLevel', { integer: true, min: 128, max: 255 }),
    minGlareBlobFraction: r.number('minGlareBlobFraction', { min: 0, max: 0.5 }),
    maxGlareFraction: r.number('maxGlareFraction', { min: 0, max: 1 }),
    minHolderAgeYears: r.number('minHolderAgeYears', { integer: true, min: 0, max: 99 }),
    minPortraitDetectionScore: r.number('minPortraitDetectionScore', { min: 0, max: 1 }),
    ir: {
      darkLevel: ir.number('darkLevel', { integer: true, min: 1, max: 254 }),
      minMrzMeanScore: ir.number('minMrzMeanScore', { min: 0, max: 1 }),
      photoRegion: ir.raw('photoRegion') === null ? null : readRegion(ir.section('photoRegion')),
      minPhotoStdGray: ir.number('minPhotoStdGray', { min: 0, max: 128 }),
    },
    uv: {
      maxBackgroundMeanGray: uv.number('maxBackgroundMeanGray', { min: 0, max: 255 }),
      maxBackgroundMeanBlue: uv.number('maxBackgroundMeanBlue', { min: 0, max: 255 }),
      fluorescentAreas: readRegionList(areas, uv.key('fluorescentAreas')),
      minAreaBrightnessRatio: uv.number('minAreaBrightnessRatio', { min: 1, max: 100 }),
    },
  };
  ir.done();
  uv.done();
  r.done();
  return out;
}
