// AAMVA DL/ID barcode payload -> subfiles, elements and the fields an identity check needs.
// Never throws on bad input: an unreadable payload gives { ok: false } with problems.
// Element IDs by version: the family name is DCS (v2+) or DAB (v1), or the first part of DAA (v1
// full name "LAST,FIRST,MIDDLE"); given names DAC (v4+, v1) or DCT (v2-3, "FIRST,MIDDLE" or spaces).
import { readAamvaHeader, type AamvaHeader, type AamvaSeparators } from './aamva-header.js';
import { CANADIAN_JURISDICTIONS, IIN_JURISDICTION } from './aamva-jurisdictions.js';

export interface AamvaSubfile {
  readonly type: string;
  readonly elements: ReadonlyMap<string, string>;
}

export interface AamvaFields {
  readonly familyName: string | null;
  readonly givenNames: string | null;
  readonly middleNames: string | null;
  readonly suffix: string | null;
  readonly documentNumber: string | null;
  /** ISO dates (YYYY-MM-DD), null when absent or not a calendar date. */
  readonly dateOfBirth: string | null;
  readonly dateOfIssue: string | null;
  readonly dateOfExpiry: string | null;
  /** 'M', 'F' or 'X' (AAMVA 1 = male, 2 = female, 9 = not specified). */
  readonly sex: 'M' | 'F' | 'X' | null;
  readonly street: string | null;
  readonly city: string | null;
  readonly jurisdiction: string | null;
  readonly postalCode: string | null;
  readonly country: string | null;
  /** DDA: F = fully compliant (REAL ID), N = non-compliant. */
  readonly compliance: string | null;
}

export interface AamvaParsed {
  readonly ok: true;
  readonly header: AamvaHeader;
  readonly issuerJurisdiction: string | null;
  readonly dateOrder: 'MMDDCCYY' | 'CCYYMMDD';
  readonly subfiles: readonly AamvaSubfile[];
  readonly fields: AamvaFields;
  /** Stable codes: quirks tolerated (warning) and failed cross-checks. */
  readonly problems: readonly string[];
}

export interface AamvaUnparsed {
  readonly ok: false;
  readonly problems: readonly string[];
}

export type AamvaResult = AamvaParsed | AamvaUnparsed;

const MAX_PAYLOAD = 8192;  // a PDF417 symbol holds at most ~1.8 KB of text

export function parseAamva(input: string | Uint8Array): AamvaResult {
  const payload = typeof input === 'string' ? input : Buffer.from(input).toString('latin1');
  if (payload.length === 0) return { ok: false, problems: ['AAMVA_EMPTY'] };
  if (payload.length > MAX_PAYLOAD) return { ok: false, problems: ['AAMVA_TOO_LONG'] };
  const header = readAamvaHeader(payload);
  if (!header) return { ok: false, problems: ['AAMVA_HEADER_INVALID'] };
  const problems: string[] = [...header.quirks];
  const subfiles: AamvaSubfile[] = [];
  for (const d of header.designators) {
    let start = d.offset;
    if (payload.slice(start, start + 2) !== d.type) {
      // Offsets are often wrong (0000, counted without the header's separators): find the type
      // marker followed by an element ID after the header instead.
      const found = new RegExp(`${d.type}(?=[A-Z]{3})`).exec(payload.slice(header.end));
      if (!found) {
        // The first subfile's type marker is sometimes left out: its elements follow the header.
        if (d === header.designators[0] && /^[A-Z]{3}/.test(payload.slice(header.end))) {
          problems.push('AAMVA_SUBFILE_TYPE_MISSING');
          subfiles.push({ type: d.type, elements: readElements(subfileBody(payload, header.end, 'x', header.separators), header.separators, problems) });
        } else {
          problems.push(`AAMVA_SUBFILE_MISSING_${d.type}`);
        }
        continue;
      }
      start = header.end + found.index;
      problems.push('AAMVA_SUBFILE_OFFSET');
    }
    const body = payload.slice(start + 2, start + 2 + Math.max(d.length, 0) + 2);
    subfiles.push({ type: d.type, elements: readElements(subfileBody(payload, start + 2, body, header.separators), header.separators, problems) });
  }
  if (subfiles.length === 0) return { ok: false, problems: [...problems, 'AAMVA_NO_SUBFILE'] };
  // A header-like prefix over text with no data element is not an AAMVA payload.
  if (subfiles.every((s) => s.elements.size === 0)) return { ok: false, problems: [...problems, 'AAMVA_NO_ELEMENTS'] };
  const main = subfiles.find((s) => s.type === 'DL' || s.type === 'ID') ?? subfiles[0];
  const el = (id: string): string | null => {
    const v = main.elements.get(id)?.trim();
    return v && v.length > 0 && v !== 'NONE' && v !== 'unavl' ? v : null;
  };
  const issuerJurisdiction = IIN_JURISDICTION[header.iin] ?? null;
  const country = el('DCG');
  const stateCode = el('DAJ');
  const canadian = country === 'CAN' || (stateCode !== null && CANADIAN_JURISDICTIONS.has(stateCode)) || (issuerJurisdiction !== null && CANADIAN_JURISDICTIONS.has(issuerJurisdiction));
  // Version 1 barcodes wrote CCYYMMDD everywhere; later US barcodes MMDDCCYY, Canadian CCYYMMDD.
  const dateOrder = canadian || header.version === 1 ? 'CCYYMMDD' : 'MMDDCCYY';
  const date = (id: string): string | null => {
    const raw = el(id);
    if (!raw) return null;
    const iso = readDate(raw, dateOrder) ?? readDate(raw, dateOrder === 'CCYYMMDD' ? 'MMDDCCYY' : 'CCYYMMDD');
    if (iso && readDate(raw, dateOrder) === null) problems.push('AAMVA_DATE_ORDER');
    if (!iso) problems.push(`AAMVA_DATE_INVALID_${id}`);
    return iso;
  };
  const names = readNames(el, problems);
  const fields: AamvaFields = {
    ...names,
    documentNumber: el('DAQ'),
    dateOfBirth: date('DBB'),
    dateOfIssue: date('DBD'),
    dateOfExpiry: date('DBA'),
    sex: readSex(el('DBC')),
    street: el('DAG'),
    city: el('DAI'),
    jurisdiction: stateCode,
    postalCode: el('DAK')?.replace(/0+$/, (z) => (z.length >= 4 ? '' : z)) ?? null,
    country,
    compliance: el('DDA'),
  };
  if (issuerJurisdiction && stateCode && issuerJurisdiction !== stateCode) problems.push('AAMVA_IIN_JURISDICTION_MISMATCH');
  if (!issuerJurisdiction) problems.push('AAMVA_IIN_UNKNOWN');
  if (fields.dateOfBirth && fields.dateOfIssue && fields.dateOfBirth >= fields.dateOfIssue) problems.push('AAMVA_DATES_BIRTH_AFTER_ISSUE');
  if (fields.dateOfIssue && fields.dateOfExpiry && fields.dateOfIssue >= fields.dateOfExpiry) problems.push('AAMVA_DATES_ISSUE_AFTER_EXPIRY');
  for (const required of ['DAQ', 'DBB', 'DBA']) if (!el(required)) problems.push(`AAMVA_MISSING_${required}`);
  return { ok: true, header, issuerJurisdiction, dateOrder, subfiles, fields, problems: [...new Set(problems)] };
}

/** A subfile runs to its segment terminator (CR, or the declared one); without one, to the end. */
function subfileBody(payload: string, from: number, byLength: string, separators: AamvaSeparators): string {
  const ends = separators.segment.map((c) => payload.indexOf(c, from)).filter((i) => i >= 0);
  if (ends.length > 0) return payload.slice(from, Math.min(...ends));
  return byLength.length > 0 ? payload.slice(from) : '';
}

function readElements(body: string, separators: AamvaSeparators, problems: string[]): Map<string, string> {
  let parts = separators.element.reduce((acc, sep) => acc.flatMap((p) => p.split(sep)), [body]);
  if (parts.length === 1 && body.includes('|')) {
    parts = body.split('|');
    problems.push('AAMVA_PIPE_SEPARATORS');
  }
  const out = new Map<string, string>();
  for (const part of parts) {
    const p = part.replace(/^[\s\x1e]+/, '');
    const m = /^([A-Z]{3})(.*)$/s.exec(p);
    if (!m) continue;
    if (!out.has(m[1])) out.set(m[1], m[2].replace(/\s+$/, ''));
  }
  return out;
}

function readNames(el: (id: string) => string | null, problems: string[]): Pick<AamvaFields, 'familyName' | 'givenNames' | 'middleNames' | 'suffix'> {
  let family = el('DCS') ?? el('DAB');
  let given = el('DAC');
  let middle = el('DAD');
  const suffix = el('DCU') ?? el('DAE');
  const full = el('DAA');
  if (!family && full && !/[,$]/.test(full) && full.includes(' ')) {
    // Some version-1 barcodes (PA) write the full name as "FIRST MIDDLE... LAST" without separators.
    const parts = full.split(/\s+/);
    family = parts[parts.length - 1];
    given = given ?? parts[0];
    middle = middle ?? (parts.slice(1, -1).join(' ') || null);
    problems.push('AAMVA_NAME_ORDER_GUESSED');
  } else if (!family && full) {
    const parts = full.split(/[,$]/).map((s) => s.trim());
    family = parts[0] || null;
    given = given ?? (parts[1] || null);
    middle = middle ?? (parts.slice(2).join(' ') || null);
  }
  const dct = el('DCT');
  if (!given && dct) {
    const parts = dct.split(/[, ]+/).filter(Boolean);
    given = parts[0] ?? null;
    middle = middle ?? (parts.slice(1).join(' ') || null);
  }
  if (family?.endsWith(',')) family = family.slice(0, -1);
  return { familyName: family, givenNames: given, middleNames: middle, suffix };
}

function readSex(raw: string | null): AamvaFields['sex'] {
  switch (raw) {
    case '1': case 'M': return 'M';
    case '2': case 'F': return 'F';
    case '9': case 'X': return 'X';
    default: return null;
  }
}

export function readDate(raw: string, order: 'MMDDCCYY' | 'CCYYMMDD'): string | null {
  if (!/^\d{8}$/.test(raw)) return null;
  const [y, m, d] = order === 'CCYYMMDD' ? [raw.slice(0, 4), raw.slice(4, 6), raw.slice(6, 8)] : [raw.slice(4, 8), raw.slice(0, 2), raw.slice(2, 4)];
  const date = new Date(`${y}-${m}-${d}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== `${y}-${m}-${d}`) return null;
  return `${y}-${m}-${d}`;
}
