// The AAMVA DL/ID card design standard's barcode header (Annex D): "@" LF RS CR "ANSI " IIN(6)
// version(2) [jurisdiction version(2), from version 2] entries(2), then per subfile type(2)
// offset(4) length(4). Real barcodes bend it: leading whitespace or a byte-order mark, a missing
// RS or CR, LF for CR, "AAMVA" for "ANSI ", "ANSI" without its space. All are tolerated and named.
export interface SubfileDesignator {
  readonly type: string;
  readonly offset: number;
  readonly length: number;
}

export interface AamvaHeader {
  readonly iin: string;
  readonly version: number;
  readonly jurisdictionVersion: number | null;
  readonly entries: number;
  readonly designators: readonly SubfileDesignator[];
  /** Index in the payload where the designators end. */
  readonly end: number;
  /** Quirks met while reading it, e.g. HEADER_LEADING_BYTES, HEADER_SEPARATORS, HEADER_FILE_TYPE. */
  readonly quirks: readonly string[];
}

// Up to four stray bytes may stand between '@' and the file type (seen: '6', '6M', CR LF pairs).
const HEADER = /@([^@A]{0,4}?)(ANSI ?|AAMVA)(\d{6})(\d{2})/;

export function readAamvaHeader(payload: string): AamvaHeader | null {
  const m = HEADER.exec(payload);
  if (!m) return null;
  const quirks: string[] = [];
  if (m.index > 0) quirks.push('HEADER_LEADING_BYTES');
  if (m[1] !== '\n\x1e\r') quirks.push('HEADER_SEPARATORS');
  if (m[2] !== 'ANSI ') quirks.push('HEADER_FILE_TYPE');
  const version = Number(m[4]);
  let pos = m.index + m[0].length;
  let jurisdictionVersion: number | null = null;
  // Version 1 has no jurisdiction version field.
  if (version >= 2) {
    jurisdictionVersion = Number(payload.slice(pos, pos + 2));
    pos += 2;
  }
  const entries = Number(payload.slice(pos, pos + 2));
  if (!Number.isInteger(entries) || entries < 1 || entries > 20) return null;
  pos += 2;
  const designators: SubfileDesignator[] = [];
  for (let i = 0; i < entries; i++) {
    const d = /^([A-Z]{2})(.{4})(.{4})/s.exec(payload.slice(pos, pos + 10));
    if (!d) {
      quirks.push('HEADER_DESIGNATORS_SHORT');
      break;
    }
    // Non-numeric offsets or lengths (seen: "abac") leave the subfile to be found by its marker.
    const numeric = /^\d{4}$/.test(d[2]) && /^\d{4}$/.test(d[3]);
    if (!numeric) quirks.push('HEADER_DESIGNATOR_NOT_NUMERIC');
    designators.push({ type: d[1], offset: numeric ? Number(d[2]) : -1, length: numeric ? Number(d[3]) : 0 });
    pos += 10;
  }
  return { iin: m[3], version, jurisdictionVersion: Number.isNaN(jurisdictionVersion) ? null : jurisdictionVersion, entries, designators, end: pos, quirks };
}
