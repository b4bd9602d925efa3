// Checks on a visible-light photo of the document's MRZ side: outline and format, sharpness,
// glare, the MRZ read and its check digits, expiry and holder age (from the MRZ, via the parser and
// the MRZ policy of config.documents.mrz). The visual inspection zone is not read (no VIZ OCR), so
// MRZ-vs-VIZ consistency is reported as not applicable.
import type { DocumentsConfig } from '../../config/sections/documents.js';
import { applyMrzPolicy } from '../mrz/mrz-policy.js';
import type { MrzParsed } from '../mrz/index.js';
import { atLeast, atMost, failed, notApplicable, type DocumentImageCheck } from './image-checks.js';
import type { MrzImageRead, MrzImageReader } from './mrz-image-reader.js';
import { measureDocument, nearestFormat, type DocumentMeasurement } from './measure-document.js';

export interface DocumentPhotoReport {
  readonly checks: readonly DocumentImageCheck[];
  readonly measurement: DocumentMeasurement;
  readonly mrz: MrzImageRead;
}

const DAY_MS = 86_400_000;

export async function checkDocumentPhoto(image: Buffer, reader: MrzImageReader, config: DocumentsConfig, now: Date = new Date()): Promise<DocumentPhotoReport> {
  const c = config.imaging;
  const [measurement, mrz] = await Promise.all([
    measureDocument(image, c),
    reader.read(image, { now, expiryWindowYears: config.mrz.expiryWindowYears, correction: config.mrz.correction }),
  ]);
  const checks: DocumentImageCheck[] = [];
  const m = measurement.native;
  if (!m.found) checks.push(failed('document-found', 'no document outline in the photo', c.minDocumentAreaFraction));
  else checks.push(atLeast('document-found', m.areaFraction, c.minDocumentAreaFraction, 'share of the photo the document outline fills'));
  if (m.found) {
    const format = nearestFormat(m.aspectRatio);
    checks.push(atMost('document-aspect', format.deviation, c.aspectTolerance, `outline aspect ${m.aspectRatio.toFixed(3)} vs ${format.name} ${format.aspect.toFixed(3)}`));
  } else {
    checks.push(notApplicable('document-aspect', 'no outline found'));
  }
  checks.push(atLeast('sharpness', m.sharpness, c.minSharpness, 'variance of the Laplacian on the rectified document'));
  checks.push(atMost('glare', m.glareFraction, c.maxGlareFraction, 'share of the document in saturated blobs'));

  if (!mrz.found || !mrz.result) {
    checks.push(failed('mrz-read', 'no machine-readable zone found', c.minMrzMeanScore));
    for (const name of ['mrz-check-digits', 'document-expiry', 'holder-age']) checks.push(notApplicable(name, 'no MRZ'));
  } else {
    checks.push(atLeast('mrz-read', mrz.meanScore, c.minMrzMeanScore, `mean OCR-B template correlation over ${mrz.lines.join('').length} characters`));
    const result = mrz.result;
    if (mrz.unreadable) {
      checks.push(failed('mrz-check-digits', `MRZ_UNREADABLE: a check digit fails and no supported correction repairs it; take the photo again`, 1));
    } else if (!result.ok) {
      checks.push(failed('mrz-check-digits', `the MRZ does not parse: ${result.problems.map((p) => p.code).join(', ')}`, 1));
    } else {
      const valid = result.checks.filter((k) => k.valid).length;
      checks.push(atLeast('mrz-check-digits', result.checks.length === 0 ? 1 : valid / result.checks.length, 1, `${valid} of ${result.checks.length} check digits valid`));
    }
    // Dates from an unreadable MRZ are unconfirmed: they decide nothing.
    checks.push(...mrzDateChecks(result.ok && !mrz.unreadable ? result : null, config, now));
  }
  checks.push(notApplicable('mrz-viz-consistency', 'the visual inspection zone is not read (no VIZ OCR)'));
  return { checks, measurement, mrz };
}

function mrzDateChecks(mrz: MrzParsed | null, config: DocumentsConfig, now: Date): DocumentImageCheck[] {
  if (!mrz) return [notApplicable('document-expiry', 'MRZ not parsed or unreadable'), notApplicable('holder-age', 'MRZ not parsed or unreadable')];
  const out: DocumentImageCheck[] = [];
  const expiry = mrz.dateOfExpiry?.iso;
  if (!expiry) {
    out.push(notApplicable('document-expiry', 'the document carries no complete expiry date'));
  } else {
    const policy = applyMrzPolicy(mrz, config.mrz, now);
    const daysLeft = Math.floor((Date.parse(`${expiry}T23:59:59Z`) - now.getTime()) / DAY_MS);
    const expired = policy.reasons.includes('POLICY_EXPIRED');
    out.push({ name: 'document-expiry', score: daysLeft, threshold: -config.mrz.expiryGraceDays, outcome: expired ? 'fail' : 'pass', detail: `expires ${expiry} (days left; grace ${config.mrz.expiryGraceDays} days)` });
  }
  const minAge = config.imaging.minHolderAgeYears;
  const dob = mrz.dateOfBirth.iso;
  if (minAge === 0) out.push(notApplicable('holder-age', 'no minimum age configured'));
  else if (!dob) out.push(failed('holder-age', 'birth date incomplete in the MRZ', minAge));
  else out.push(atLeast('holder-age', ageInYears(dob, now), minAge, `born ${dob}`));
  return out;
}

export function ageInYears(isoDate: string, now: Date): number {
  const [y, m, d] = isoDate.split('-').map(Number);
  let age = now.getUTCFullYear() - y;
  if (now.getUTCMonth() + 1 < m || (now.getUTCMonth() + 1 === m && now.getUTCDate() < d)) age--;
  return age;
}
