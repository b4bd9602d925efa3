// The document half of the first-time decision: the photo checks on the front (and the back), which
// side carries the MRZ, the MRZ policy, or, on a driver licence without an MRZ, the AAMVA barcode on
// its back. Every check becomes one audit CheckResult ('document-…'); what identifies the document
// (type, issuer, number, holder) is returned for the binding and the enrolment summary.
import type { CheckResult } from '../../core/domain.js';
import type { AamvaBarcodeRead, AamvaParsed } from '../../documents/aamva/index.js';
import type { DocumentHolder } from '../../documents/binding/index.js';
import type { DocumentImageCheck, DocumentPhotoReport } from '../../documents/imaging/index.js';
import { ageInYears } from '../../documents/imaging/index.js';
import type { MrzDate, MrzParsed } from '../../documents/mrz/index.js';
import type { DocumentInspector } from './document-inspector.js';

export interface IdentifiedDocument {
  /** How the holder was read: the ICAO MRZ, or an AAMVA barcode (North American driver licence / ID). */
  source: 'mrz' | 'aamva-barcode';
  /** MRZ document code (P, I, ID, AC, V…) or 'driver-licence'. */
  documentType: string;
  /** MRZ issuing state, or the AAMVA jurisdiction. */
  issuer: string;
  documentNumber: string;
  holder: DocumentHolder;
  /** The MRZ as read (for the chip's DG1 comparison); absent for a barcode. */
  mrzLines?: readonly string[];
}

export interface DocumentFindings {
  checks: CheckResult[];
  /** Set when the pictures could not be read well enough: the person should present the document again. */
  retryAdvice: string | null;
  document: IdentifiedDocument | null;
}

const round = (n: number | null) => (n === null ? null : Math.round(n * 1000) / 1000);
const MRZ_DEPENDENT = new Set(['mrz-read', 'mrz-check-digits', 'document-expiry', 'holder-age']);
// Failures of these mean a bad picture (or a misread), not a bad document: the person may try again.
const CAPTURE_QUALITY = ['document-found', 'document-aspect', 'sharpness', 'glare', 'mrz-read', 'mrz-check-digits'];
const ADVICE: Record<string, string> = {
  'document-found': 'The document was not found in the picture: place the whole document flat on the scanner.',
  'document-aspect': 'The document was not found in the picture: place the whole document flat on the scanner.',
  sharpness: 'The document picture is blurred: hold the document still and flat.',
  glare: 'There is a reflection on the document: tilt it slightly or move it out of direct light.',
  'mrz-read': 'The machine-readable lines of the document could not be read: present the side with the lines of characters at the bottom, without covering them.',
  'mrz-check-digits': 'The machine-readable lines of the document could not be read clearly: present it again, flat and without reflections.',
};
const AAMVA_FAILURES = /^AAMVA_(?:DATES_|DATE_INVALID|MISSING_|IIN_JURISDICTION_MISMATCH)/;

function asCheck(prefix: string, c: DocumentImageCheck): CheckResult {
  const name = c.name.startsWith('document-') ? `${prefix}${c.name.slice('document-'.length)}` : `${prefix}${c.name}`;
  return { name, score: round(c.score), threshold: c.threshold, outcome: c.outcome === 'not-applicable' ? 'skipped' : c.outcome, reason: c.detail };
}

const usableMrz = (r: DocumentPhotoReport | null): MrzParsed | null => (r?.mrz.found && r.mrz.result?.ok ? r.mrz.result : null);

function firstQualityFailure(report: DocumentPhotoReport, withMrz: boolean): string | null {
  const failed = CAPTURE_QUALITY.filter((n) => withMrz || !n.startsWith('mrz-'))
    .find((n) => report.checks.some((c) => c.name === n && c.outcome === 'fail'));
  return failed ? ADVICE[failed] : null;
}

export function mrzDocument(mrz: MrzParsed, lines: readonly string[]): IdentifiedDocument {
  return {
    source: 'mrz', documentType: mrz.documentCode, issuer: mrz.issuingState, documentNumber: mrz.documentNumber, mrzLines: lines,
    holder: { primaryParts: mrz.name.primaryParts, secondaryParts: mrz.name.secondaryParts, mayBeTruncated: mrz.name.mayBeTruncated, dateOfBirth: mrz.dateOfBirth },
  };
}

/** An ISO date (the AAMVA parser only returns calendar dates) in the MRZ date shape the binding compares. */
function isoDate(iso: string): MrzDate {
  const [year, month, day] = iso.split('-').map(Number);
  return { raw: iso, iso, year, month, day, partial: false, valid: true };
}

const words = (s: string | null) => (s ?? '').toUpperCase().split(/[\s,]+/).filter((w) => w.length > 0);

function barcodeDocument(p: AamvaParsed): IdentifiedDocument {
  const f = p.fields;
  const dob = f.dateOfBirth ? isoDate(f.dateOfBirth) : null;
  return {
    source: 'aamva-barcode', documentType: 'driver-licence', issuer: p.issuerJurisdiction ?? f.jurisdiction ?? 'unknown', documentNumber: f.documentNumber ?? '',
    holder: { primaryParts: words(f.familyName), secondaryParts: [...words(f.givenNames), ...words(f.middleNames)], mayBeTruncated: false, dateOfBirth: dob },
  };
}

/** Expiry and age of a barcode document, judged as checkDocumentPhoto judges an MRZ's. */
function barcodeChecks(p: AamvaParsed, inspector: DocumentInspector, now: Date): CheckResult[] {
  const f = p.fields;
  const failures = p.problems.filter((x) => AAMVA_FAILURES.test(x));
  const checks: CheckResult[] = [{
    name: 'document-barcode', score: null, threshold: null, outcome: failures.length === 0 && f.documentNumber ? 'pass' : 'fail',
    reason: `AAMVA version ${p.header.version} from ${p.issuerJurisdiction ?? 'an unknown issuer'}${p.problems.length ? `; problems: ${p.problems.join(', ')}` : ''}${f.documentNumber ? '' : '; no document number'}`,
  }];
  if (!f.dateOfExpiry) {
    checks.push({ name: 'document-expiry', score: null, threshold: null, outcome: 'fail', reason: 'the barcode carries no expiry date' });
  } else {
    const daysLeft = Math.floor((Date.parse(`${f.dateOfExpiry}T23:59:59Z`) - now.getTime()) / 86_400_000);
    const grace = inspector.expiryGraceDays;
    checks.push({ name: 'document-expiry', score: daysLeft, threshold: -grace, outcome: daysLeft >= -grace ? 'pass' : 'fail', reason: `expires ${f.dateOfExpiry} (days left; grace ${grace} days)` });
  }
  const minAge = inspector.minHolderAgeYears;
  if (minAge === 0) checks.push({ name: 'document-holder-age', score: null, threshold: null, outcome: 'skipped', reason: 'no minimum age configured' });
  else if (!f.dateOfBirth) checks.push({ name: 'document-holder-age', score: null, threshold: minAge, outcome: 'fail', reason: 'the barcode carries no birth date' });
  else {
    const age = ageInYears(f.dateOfBirth, now);
    checks.push({ name: 'document-holder-age', score: age, threshold: minAge, outcome: age >= minAge ? 'pass' : 'fail', reason: `born ${f.dateOfBirth}` });
  }
  return checks;
}

export async function inspectDocument(inspector: DocumentInspector, frontImage: Buffer, backImage: Buffer | null, now: Date): Promise<DocumentFindings> {
  const front = await inspector.checkPhoto(frontImage, now);
  let back: DocumentPhotoReport | null = null;
  let barcode: AamvaBarcodeRead | null = null;
  // TD1 cards carry the MRZ on the back; driver licences carry a PDF417 barcode there instead.
  if (!usableMrz(front) && backImage) [back, barcode] = await Promise.all([inspector.checkPhoto(backImage, now), inspector.readBarcode(backImage)]);
  const frontMrz = usableMrz(front);
  const backMrz = frontMrz ? null : usableMrz(back);
  const parsedBarcode = !frontMrz && !backMrz && barcode?.result?.ok ? barcode.result : null;

  const elsewhere = backMrz ? 'the MRZ was read from the back' : parsedBarcode ? 'a driver licence: the holder is read from the barcode on its back' : null;
  // A barcode document's expiry and age are judged from the barcode below (same check names).
  const replaced = parsedBarcode ? new Set(['document-expiry', 'holder-age']) : new Set<string>();
  const checks = front.checks.filter((c) => !replaced.has(c.name)).map((c) => (elsewhere && MRZ_DEPENDENT.has(c.name)
    ? { name: asCheck('document-', c).name, score: null, threshold: null, outcome: 'skipped' as const, reason: elsewhere }
    : asCheck('document-', c)));
  if (backMrz && back) checks.push(...back.checks.map((c) => asCheck('document-back-', c)));

  const frontAdvice = firstQualityFailure(front, !elsewhere);
  const mrz = frontMrz ?? backMrz;
  const mrzReport = frontMrz ? front : backMrz ? back : null;
  if (mrz && mrzReport) {
    const advice = frontAdvice ?? firstQualityFailure(mrzReport, true);
    const { decision } = inspector.checkMrz(mrzReport.mrz.lines, now);
    checks.push({
      name: 'document-mrz-policy', score: null, threshold: null, outcome: decision.accepted ? 'pass' : 'fail',
      reason: decision.accepted ? `${mrz.format} ${mrz.documentCode} issued by ${mrz.issuingState}: accepted by documents.mrz` : `refused by documents.mrz: ${decision.reasons.join(', ')}`,
    });
    return { checks, retryAdvice: advice, document: mrzDocument(mrz, mrzReport.mrz.lines) };
  }
  if (parsedBarcode) {
    checks.push(...barcodeChecks(parsedBarcode, inspector, now));
    return { checks, retryAdvice: frontAdvice, document: barcodeDocument(parsedBarcode) };
  }
  if (backImage) {
    checks.push({
      name: 'document-barcode', score: null, threshold: null, outcome: 'fail',
      reason: barcode?.found ? `a barcode was found on the back but it is not an AAMVA record (${barcode.result && !barcode.result.ok ? barcode.result.problems.join(', ') : 'unreadable'})` : 'no MRZ on either side and no PDF417 barcode on the back',
    });
  }
  return { checks, retryAdvice: frontAdvice ?? ADVICE['mrz-read'], document: null };
}
