// The AAMVA DL/ID card design standard's barcode header (Annex D): "@" (compliance indicator), the
// data element separator (LF), record separator (RS) and segment terminator (CR), "ANSI " (file
// type), IIN(6), version(2), [jurisdiction version(2), from version 2], entries(2), then per subfile
// type(2) offset(4) length(4). Real barcodes bend it: a byte-order mark or stray bytes before or
// after "@", other separators (declared ones are honoured), undefined control bytes, "AAMVA" or
// "ANSI" without its space, an unreadable entry count. Each is tolerated and named in `quirks`; what
// is required is the file type within the first bytes followed by the IIN and version digits, and
// at least one readable subfile designator. Anything else is not an AAMVA payload.
export interface SubfileDesignator {
  readonly type: string;
  readonly offset: number;
  readonly length: number;
}

export interface AamvaSeparators {
  /** Between data elements: LF, plus the header's declared one when it declares another. */
  readonly element: readonly string[];
  /** At the end of a subfile: CR, plus the header's declared one when it declares another. */
  readonly segment: readonly string[];
}

export interface AamvaHeader {
  readonly iin: string;
  readonly version: number;
  readonly jurisdictionVersion: number | null;
  readonly entries: number;
  readonly designators: readonly SubfileDesignator[];
  readonly separators: AamvaSeparators;
  /** Index in the payload where the designators end. */
  readonly end: number;
  /** Quirks met while reading it (stable codes; the table is in docs/documents.md). */
  readonly quirks: readonly string[];
}

/** How far into the payload the file type may start: BOM, white space, "@", separators, stray bytes. */
const MAX_LEAD = 16;
const STANDARD_SEPARATORS = '\n\x1e\r';
/** The file type, at most two stray bytes, the IIN and the AAMVA version. */
const FILE_TYPE = /(ANSI|AAMVA)([^0-9]{0,2}?)(\d{6})(\d{2})/;
/** Header bytes the standard defines: printable ASCII and the three separators. */
const UNDEFINED_BYTE = /[^\x20-\x7e\n\x1e\r]/;
const DESIGNATOR = /^([A-Z]{2})(.{4})(.{4})/s;

export function readAamvaHeader(payload: string): AamvaHeader | null {
  const m = FILE_TYPE.exec(payload.slice(0, MAX_LEAD + 32));
  if (!m || m.index > MAX_LEAD) return null;
  const quirks: string[] = [];
  const lead = payload.slice(0, m.index);
  const at = lead.lastIndexOf('@');
  if (at < 0) quirks.push('HEADER_COMPLIANCE_INDICATOR_MISSING');
  else if (at > 0) quirks.push('HEADER_LEADING_BYTES');
  const declared = at < 0 ? lead : lead.slice(at + 1);
  if (declared !== STANDARD_SEPARATORS) quirks.push('HEADER_SEPARATORS');
  const gap = m[2];
  if (m[1] !== 'ANSI' || gap === '') quirks.push('HEADER_FILE_TYPE');
  if (gap !== '' && gap !== ' ') quirks.push('HEADER_STRAY_BYTES');

  const version = Number(m[4]);
  let pos = m.index + m[0].length;
  let jurisdictionVersion: number | null = null;
  // Version 1 has no jurisdiction version field.
  if (version >= 2) {
    const field = payload.slice(pos, pos + 2);
    if (/^\d{2}$/.test(field)) jurisdictionVersion = Number(field);
    else quirks.push('HEADER_JURISDICTION_VERSION_INVALID');
    pos += 2;
  }
  const entriesField = payload.slice(pos, pos + 2);
  pos += 2;
  const declaredEntries = /^\d{2}$/.test(entriesField) ? Number(entriesField) : NaN;
  // An unreadable count (seen: stray bytes) is taken from the designators that follow, up to 20.
  const entriesValid = declaredEntries >= 1 && declaredEntries <= 20;
  if (!entriesValid) quirks.push('HEADER_ENTRIES_INVALID');
  const designators: SubfileDesignator[] = [];
  for (let i = 0; i < (entriesValid ? declaredEntries : 20); i++) {
    const d = DESIGNATOR.exec(payload.slice(pos, pos + 10));
    // Without a declared count, only designators with numeric offset and length are taken as such.
    if (!d || (!entriesValid && !/^\d{8}$/.test(d[2] + d[3]))) {
      if (entriesValid) quirks.push('HEADER_DESIGNATORS_SHORT');
      break;
    }
    // Non-numeric offsets or lengths (seen: "abac") leave the subfile to be found by its marker.
    const numeric = /^\d{4}$/.test(d[2]) && /^\d{4}$/.test(d[3]);
    if (!numeric) quirks.push('HEADER_DESIGNATOR_NOT_NUMERIC');
    designators.push({ type: d[1], offset: numeric ? Number(d[2]) : -1, length: numeric ? Number(d[3]) : 0 });
    pos += 10;
  }
  if (designators.length === 0) return null;
  // From "@" (or, without one, after a byte-order mark and white space) to the last designator.
  const header = at < 0 ? payload.slice(0, pos).replace(/^(\ufeff|\xef\xbb\xbf)?\s*/, '') : payload.slice(at, pos);
  if (UNDEFINED_BYTE.test(header)) quirks.push('HEADER_UNDEFINED_BYTES');
  return {
    iin: m[3], version, jurisdictionVersion, entries: entriesValid ? declaredEntries : designators.length,
    designators, separators: separatorsFrom(declared), end: pos, quirks: [...new Set(quirks)],
  };
}

/**
 * The separators to split the body with. A header that declares three distinct control bytes
 * (other than the standard ones) is taken at its word, in addition to LF and CR; a declared segment
 * terminator equal to an element separator (LF LF, as text files that lost their CR show) is ignored.
 */
function separatorsFrom(declared: string): AamvaSeparators {
  const usable = declared.length === 3 && /^[\x00-\x1f]{3}$/.test(declared) && new Set(declared).size === 3;
  const element = usable ? [...new Set(['\n', declared[0]])] : ['\n'];
  const segment = usable ? [...new Set(['\r', declared[2]])].filter((c) => !element.includes(c)) : ['\r'];
  return { element, segment };
}
