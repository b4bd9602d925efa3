// Generic infrared and ultraviolet checks (no per-document template database):
// - IR (B900 class): the MRZ is printed with IR-absorbing ink, so it must still read in the IR
//   image; the portrait stays visible, so its area must keep contrast.
// - UV: security paper has no optical brighteners, so the document must stay dull (low grey and
//   blue); areas a template declares fluorescent must glow against it.
import type { ImagingConfig } from '../../config/sections/documents-imaging.js';
import { atLeast, atMost, failed, notApplicable, type DocumentImageCheck } from './image-checks.js';
import { measureDocument } from './measure-document.js';
import type { MrzImageReader } from './mrz-image-reader.js';

export async function checkInfraredImage(image: Buffer, reader: MrzImageReader, config: ImagingConfig): Promise<DocumentImageCheck[]> {
  const ir = config.ir;
  const regions = ir.photoRegion ? [{ name: 'photo', ...ir.photoRegion }] : [];
  const [mrz, measured] = await Promise.all([reader.read(image), measureDocument(image, config, regions, ir.darkLevel)]);
  const checks: DocumentImageCheck[] = [];
  if (!mrz.found) checks.push(failed('ir-mrz-visible', 'no MRZ readable in the infrared image', ir.minMrzMeanScore));
  else checks.push(atLeast('ir-mrz-visible', mrz.meanScore, ir.minMrzMeanScore, 'mean OCR-B correlation of the MRZ read in infrared'));
  const photo = measured.native.regions.find((r) => r.name === 'photo');
  if (!photo) checks.push(notApplicable('ir-photo-present', 'no portrait area configured (documents.imaging.ir.photoRegion)'));
  else checks.push(atLeast('ir-photo-present', photo.stdGray, ir.minPhotoStdGray, 'grey standard deviation of the portrait area in infrared'));
  return checks;
}

export async function checkUltravioletImage(image: Buffer, config: ImagingConfig): Promise<DocumentImageCheck[]> {
  const uv = config.uv;
  const regions = uv.fluorescentAreas.map((r, i) => ({ name: `fluorescent-${i}`, ...r }));
  const measured = await measureDocument(image, config, regions);
  const whole = measured.native.whole;
  const checks: DocumentImageCheck[] = [
    atMost('uv-dull-background', whole.meanGray, uv.maxBackgroundMeanGray, 'mean grey of the document under UV'),
    atMost('uv-no-brightener', whole.meanB, uv.maxBackgroundMeanBlue, 'mean blue channel of the document under UV'),
  ];
  if (regions.length === 0) {
    checks.push(notApplicable('uv-fluorescent-areas', 'no fluorescent areas configured for this document type'));
  } else {
    const ratios = measured.native.regions.map((r) => r.meanGray / Math.max(1, whole.meanGray));
    checks.push(atLeast('uv-fluorescent-areas', Math.min(...ratios), uv.minAreaBrightnessRatio, `dimmest configured area vs the document mean (${ratios.map((r) => r.toFixed(2)).join(', ')})`));
  }
  return checks;
}
