// MRZ dates are YYMMDD with no century, and unknown parts written as '<'. ICAO gives no
// century rule, so: a birth date takes the latest century that does not put it in the future;
// an expiry date takes the century that puts it within `expiryWindowYears` of today.
export interface MrzDate {
  readonly raw: string;
  /** YYYY-MM-DD when fully known and a real calendar date; null otherwise. */
  readonly iso: string | null;
  readonly year: number | null;
  readonly month: number | null;
  readonly day: number | null;
  /** Some part is '<' (unknown), as ICAO allows for birth dates. */
  readonly partial: boolean;
  /** Syntax and calendar validity (a partial date with valid known parts is valid). */
  readonly valid: boolean;
}

export type MrzDateKind = 'birth' | 'expiry';

const isUnknown = (s: string) => s === '<<';

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function parseMrzDate(raw: string, kind: MrzDateKind, now: Date, expiryWindowYears: number): MrzDate {
  const invalid: MrzDate = { raw, iso: null, year: null, month: null, day: null, partial: false, valid: false };
  if (!/^[0-9<]{6}$/.test(raw)) return invalid;
  const parts = [raw.slice(0, 2), raw.slice(2, 4), raw.slice(4, 6)];
  if (parts.some((p) => p.includes('<') && !isUnknown(p))) return invalid;
  const [yy, mm, dd] = parts.map((p) => (isUnknown(p) ? null : Number(p)));
  const partial = yy === null || mm === null || dd === null;
  if (mm !== null && (mm < 1 || mm > 12)) return { ...invalid, partial };
  if (dd !== null && (dd < 1 || dd > 31)) return { ...invalid, partial };

  let year: number | null = null;
  if (yy !== null) year = kind === 'birth' ? birthYear(yy, mm, dd, now) : expiryYear(yy, now, expiryWindowYears);
  if (dd !== null && mm !== null && dd > daysInMonth(year ?? 2000, mm)) return { ...invalid, partial, year };
  const iso = partial ? null : `${String(year).padStart(4, '0')}-${String(mm).padStart(2, '0')}-${String(dd).padStart(2, '0')}`;
  return { raw, iso, year, month: mm, day: dd, partial, valid: true };
}

function birthYear(yy: number, mm: number | null, dd: number | null, now: Date): number {
  const nowYear = now.getUTCFullYear();
  let year = Math.floor(nowYear / 100) * 100 + yy;
  if (year > nowYear) return year - 100;
  if (year === nowYear && mm !== null) {
    // Same year: only a date later in the year than today moves it back a century.
    const candidate = Date.UTC(year, mm - 1, Math.min(dd ?? 1, daysInMonth(year, mm)));
    if (candidate > now.getTime()) year -= 100;
  }
  return year;
}

function expiryYear(yy: number, now: Date, window: number): number {
  const nowYear = now.getUTCFullYear();
  let year = Math.floor(nowYear / 100) * 100 + yy;
  if (year > nowYear + window) year -= 100;
  else if (year <= nowYear + window - 100) year += 100;
  return year;
}

/** Whether the document has expired on `now` (expiry day itself still valid); null if unknown. */
export function isExpired(expiry: MrzDate, now: Date): boolean | null {
  if (!expiry.valid || expiry.iso === null) return null;
  const endOfDay = Date.parse(`${expiry.iso}T23:59:59.999Z`);
  return endOfDay < now.getTime();
}
