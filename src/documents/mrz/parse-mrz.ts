// MRZ parser and validator for TD1, TD2, TD3, MRV-A, MRV-B and the pre-2021 French ID card.
// Never throws on bad text: malformed input gives { ok: false } with problems, a well-formed MRZ
// gives every field with its own validity, every check digit, and a list of problems.
import { mrzCheckDigit } from './check-digit.js';
import { isExpired, parseMrzDate, type MrzDate } from './dates.js';
import { LAYOUTS, readSpan, type CheckName, type Layout, type MrzFieldName, type MrzFormat } from './layouts.js';
import { parseFrenchName, parseMrzName, type MrzName } from './names.js';
import { problem, type MrzProblem } from './problems.js';
import { classifyStateCode, type StateCodeKind } from './state-codes.js';

export interface MrzParseOptions {
  /** "Today" for the century rules and the expiry check. */
  now?: Date;
  /** An expiry YY is read in the century that puts it at most this many years ahead of today. */
  expiryWindowYears?: number;
}

export interface MrzFieldResult {
  /** Characters exactly as in the MRZ. */
  readonly raw: string;
  /** Value with filler removed (names: see `name`). */
  readonly value: string;
  readonly valid: boolean;
  readonly line: number;
  readonly start: number;
  readonly end: number;
}

export interface MrzCheckResult {
  readonly name: CheckName;
  readonly found: string;
  /** The digit the data computes to (for a long document number: for the variant that matched, else ICAO's). */
  readonly expected: string;
  readonly valid: boolean;
}

export type LongNumberVariant = 'icao' | 'with-filler';

export interface MrzParsed {
  readonly ok: true;
  readonly format: MrzFormat;
  /** No problem of severity 'error'. */
  readonly valid: boolean;
  readonly lines: readonly string[];
  readonly documentCode: string;
  readonly issuingState: string;
  readonly issuingStateKind: StateCodeKind;
  readonly documentNumber: string;
  /** Set for a TD1/TD2 number longer than 9 characters: which check-digit rule validated it. */
  readonly longDocumentNumber: { readonly variant: LongNumberVariant | null } | null;
  readonly nationality: string | null;
  readonly dateOfBirth: MrzDate;
  readonly sex: string;
  readonly dateOfExpiry: MrzDate | null;
  readonly expired: boolean | null;
  readonly personalNumber: string | null;
  readonly optionalData1: string | null;
  readonly optionalData2: string | null;
  readonly name: MrzName;
  /** ICAO 9303-11 MRZ_information (document number, birth and expiry dates with check digits): the BAC key seed input. */
  readonly mrzInformation: string | null;
  readonly fields: Partial<Record<MrzFieldName, MrzFieldResult>>;
  readonly checks: readonly MrzCheckResult[];
  readonly problems: readonly MrzProblem[];
}

export interface MrzUnparsed {
  readonly ok: false;
  readonly valid: false;
  readonly format: null;
  readonly problems: readonly MrzProblem[];
}

export type MrzResult = MrzParsed | MrzUnparsed;

const DEFAULT_EXPIRY_WINDOW = 50;
const SHAPES: Record<string, MrzFormat[]> = { '3x30': ['TD1'], '2x44': ['TD3', 'MRVA'], '2x36': ['TD2', 'MRVB', 'FRENCH_ID'] };

const unparsed = (...problems: MrzProblem[]): MrzUnparsed => ({ ok: false, valid: false, format: null, problems });

/** Splits input into lines: a string with newlines, or an array of lines. Surrounding whitespace is ignored. */
function toLines(input: unknown): string[] | MrzProblem {
  if (Array.isArray(input)) {
    if (!input.every((l) => typeof l === 'string')) return problem('MRZ_NOT_TEXT', 'error', 'MRZ lines must be strings');
    return input.map((l: string) => l.trim()).filter((l) => l.length > 0);
  }
  if (typeof input !== 'string') return problem('MRZ_NOT_TEXT', 'error', 'MRZ must be a string or an array of lines');
  return input.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
}

export function parseMrz(input: string | readonly string[], options: MrzParseOptions = {}): MrzResult {
  const lines = toLines(input);
  if (!Array.isArray(lines)) return unparsed(lines);
  if (lines.length === 0) return unparsed(problem('MRZ_EMPTY', 'error', 'no MRZ text'));
  if (lines.length !== 2 && lines.length !== 3) {
    return unparsed(problem('MRZ_BAD_LINE_COUNT', 'error', `an MRZ has 2 or 3 lines, found ${lines.length}`));
  }
  const lengths = lines.map((l) => l.length);
  const formats = lengths.every((n) => n === lengths[0]) ? SHAPES[`${lines.length}x${lengths[0]}`] : undefined;
  if (!formats) {
    const expected = lines.length === 3 ? '3 lines of 30' : '2 lines of 44 or 2 lines of 36';
    return unparsed(problem('MRZ_BAD_LINE_LENGTH', 'error', `expected ${expected} characters, found line lengths ${lengths.join(', ')}`));
  }
  for (let li = 0; li < lines.length; li++) {
    const bad = /[^A-Z0-9<]/.exec(lines[li]);
    if (bad) {
      return unparsed(problem('MRZ_BAD_CHARSET', 'error',
        `line ${li + 1} position ${bad.index + 1}: ${JSON.stringify(bad[0])} is not an MRZ character (A-Z, 0-9, <)`));
    }
  }
  const now = options.now ?? new Date();
  const window = options.expiryWindowYears ?? DEFAULT_EXPIRY_WINDOW;
  const candidates = chooseFormats(lines, formats);
  // Where the shape allows two formats (French CNI vs ICAO TD2) the reading with fewer errors wins.
  let best: MrzParsed | null = null;
  for (const format of candidates) {
    const parsed = parseLayout(LAYOUTS[format], lines, now, window);
    const errors = parsed.problems.filter((p) => p.severity === 'error').length;
    if (!best || errors < best.problems.filter((p) => p.severity === 'error').length) best = parsed;
  }
  return best!;
}

function chooseFormats(lines: string[], shapeFormats: MrzFormat[]): MrzFormat[] {
  const first = lines[0][0];
  if (shapeFormats.includes('MRVA') || shapeFormats.includes('MRVB')) {
    if (first === 'V') return shapeFormats.filter((f) => f === 'MRVA' || f === 'MRVB');
    const rest = shapeFormats.filter((f) => f !== 'MRVA' && f !== 'MRVB');
    if (lines[0].startsWith('IDFRA')) return ['FRENCH_ID', 'TD2'];
    return rest.filter((f) => f !== 'FRENCH_ID');
  }
  return shapeFormats;
}

const strip = (s: string) => s.replace(/<+$/, '');

function parseLayout(layout: Layout, lines: string[], now: Date, window: number): MrzParsed {
  const problems: MrzProblem[] = [];
  const fields: Partial<Record<MrzFieldName, MrzFieldResult>> = {};
  const raw = (name: MrzFieldName): string => {
    const spec = layout.fields.find((x) => x.name === name);
    return spec ? lines[spec.line].slice(spec.start, spec.end) : '';
  };
  const setField = (name: MrzFieldName, value: string, valid: boolean) => {
    const spec = layout.fields.find((x) => x.name === name)!;
    fields[name] = { raw: raw(name), value, valid, line: spec.line, start: spec.start, end: spec.end };
  };
  const has = (name: MrzFieldName) => layout.fields.some((x) => x.name === name);

  // Document code.
  const documentCode = raw('documentCode');
  const codeOk = documentCodeAllowed(layout.format, documentCode);
  if (!codeOk) problems.push(problem('MRZ_BAD_DOCUMENT_CODE', 'error', `document code ${JSON.stringify(documentCode)} is not allowed in ${layout.format}`, 'documentCode'));
  setField('documentCode', strip(documentCode), codeOk);

  // Issuing state and nationality.
  const issuingState = strip(raw('issuingState'));
  const issuingStateKind = checkState('issuingState', issuingState, problems);
  setField('issuingState', issuingState, issuingStateKind !== 'unknown');
  let nationality: string | null = null;
  if (has('nationality')) {
    nationality = strip(raw('nationality'));
    const kind = checkState('nationality', nationality, problems);
    setField('nationality', nationality, kind !== 'unknown');
  }

  // Names.
  const name = layout.format === 'FRENCH_ID' ? parseFrenchName(raw('surname'), raw('givenNames')) : parseMrzName(raw('name'));
  const nameFields: MrzFieldName[] = layout.format === 'FRENCH_ID' ? ['surname', 'givenNames'] : ['name'];
  const nameHasDigits = nameFields.some((n) => /[0-9]/.test(raw(n)));
  const nameOk = !nameHasDigits && name.primary.length > 0 && !/^</.test(raw(nameFields[0]));
  if (!nameOk) problems.push(problem('MRZ_BAD_NAME', 'error', nameHasDigits ? 'name holds digits' : 'primary identifier is empty', nameFields[0]));
  if (name.mayBeTruncated) problems.push(problem('MRZ_NAME_MAY_BE_TRUNCATED', 'warning', 'name fills its field and may be truncated', nameFields[0]));
  if (layout.format === 'FRENCH_ID') {
    setField('surname', name.primary, nameOk);
    setField('givenNames', name.secondary, !nameHasDigits);
    setField('administrativeCode', strip(raw('administrativeCode')), true);
  } else {
    setField('name', `${name.primary}, ${name.secondary}`, nameOk);
  }

  // Sex.
  const sex = raw('sex');
  const sexOk = sex === 'M' || sex === 'F' || sex === '<' || sex === 'X';
  if (!sexOk) problems.push(problem('MRZ_BAD_SEX', 'error', `sex ${JSON.stringify(sex)} is not M, F, X or <`, 'sex'));
  if (sex === 'X') problems.push(problem('MRZ_SEX_X', 'warning', 'sex X (unspecified) is allowed by ICAO since 2015 but not read by every system', 'sex'));
  setField('sex', sex === '<' ? '' : sex, sexOk);

  // Check digits of fixed-position fields.
  const checks: MrzCheckResult[] = [];
  const runCheck = (name: CheckName, data: string, digitField: MrzFieldName, allowEmptyFiller = false): MrzCheckResult => {
    const found = raw(digitField);
    const computed = mrzCheckDigit(data);
    const expected = computed === null ? '?' : String(computed);
    let valid = found === expected;
    if (!valid && allowEmptyFiller && /^<*$/.test(data) && (found === '<' || found === '0')) valid = true;
    if (!valid && !/^[0-9]$/.test(found) && !(allowEmptyFiller && found === '<')) {
      problems.push(problem('MRZ_CHECK_DIGIT_NOT_A_DIGIT', 'error', `${name} check digit ${JSON.stringify(found)} is not a digit`, digitField));
    } else if (!valid) {
      problems.push(problem('MRZ_CHECK_DIGIT_MISMATCH', 'error', `${name} check digit is ${found}, the data gives ${expected}`, digitField));
    }
    const result = { name, found, expected, valid };
    checks.push(result);
    return result;
  };

  // Document number, with the TD1/TD2 long-number rule.
  let documentNumber = strip(raw('documentNumber'));
  let longDocumentNumber: MrzParsed['longDocumentNumber'] = null;
  let optionalData1: string | null = has('optionalData1') ? raw('optionalData1') : null;
  const docDigit = raw('documentNumberCheckDigit');
  const longCapable = layout.format === 'TD1' || layout.format === 'TD2';
  if (longCapable && docDigit === '<' && optionalData1 !== null) {
    const run = /^[A-Z0-9]+/.exec(optionalData1)?.[0] ?? '';
    if (run.length < 2 || /</.test(raw('documentNumber'))) {
      problems.push(problem('MRZ_LONG_DOCUMENT_NUMBER_MALFORMED', 'error', 'check digit position holds "<" but the optional data does not continue the document number', 'documentNumber'));
      checks.push({ name: 'documentNumber', found: '<', expected: '?', valid: false });
      longDocumentNumber = { variant: null };
    } else {
      const head = raw('documentNumber');
      const tail = run.slice(0, -1);
      const found = run.slice(-1);
      const icao = String(mrzCheckDigit(head + tail));
      const withFiller = String(mrzCheckDigit(`${head}<${tail}`));
      documentNumber = head + tail;
      let variant: LongNumberVariant | null = null;
      if (found === icao) variant = 'icao';
      else if (found === withFiller) {
        variant = 'with-filler';
        problems.push(problem('MRZ_LONG_DOCUMENT_NUMBER_FILLER_IN_CHECK_DIGIT', 'warning',
          'the long document number\'s check digit includes the "<" (as old Belgian cards do), not ICAO\'s rule', 'documentNumber'));
      } else {
        problems.push(problem('MRZ_CHECK_DIGIT_MISMATCH', 'error', `documentNumber check digit is ${found}, the data gives ${icao} (or ${withFiller} counting the "<")`, 'documentNumber'));
      }
      longDocumentNumber = { variant };
      checks.push({ name: 'documentNumber', found, expected: variant === 'with-filler' ? withFiller : icao, valid: variant !== null });
      optionalData1 = optionalData1.slice(run.length);
    }
  } else {
    runCheck('documentNumber', raw('documentNumber'), 'documentNumberCheckDigit');
  }
  const docCheck = checks.find((c) => c.name === 'documentNumber')!;
  const docNumberOk = docCheck.valid && documentNumber.length > 0;
  setField('documentNumber', documentNumber, docNumberOk);
  setField('documentNumberCheckDigit', docCheck.found, docCheck.valid);

  // Dates.
  const dateOfBirth = parseMrzDate(raw('dateOfBirth'), 'birth', now, window);
  if (!dateOfBirth.valid) problems.push(problem('MRZ_BAD_DATE', 'error', `date of birth ${raw('dateOfBirth')} is not a calendar date`, 'dateOfBirth'));
  else if (dateOfBirth.partial) problems.push(problem('MRZ_DATE_PARTIALLY_UNKNOWN', 'warning', 'date of birth is partly unknown', 'dateOfBirth'));
  const dobCheck = runCheck('dateOfBirth', raw('dateOfBirth'), 'dateOfBirthCheckDigit');
  setField('dateOfBirth', dateOfBirth.iso ?? raw('dateOfBirth'), dateOfBirth.valid && dobCheck.valid);
  setField('dateOfBirthCheckDigit', dobCheck.found, dobCheck.valid);

  let dateOfExpiry: MrzDate | null = null;
  let expired: boolean | null = null;
  if (has('dateOfExpiry')) {
    dateOfExpiry = parseMrzDate(raw('dateOfExpiry'), 'expiry', now, window);
    const expCheck = runCheck('dateOfExpiry', raw('dateOfExpiry'), 'dateOfExpiryCheckDigit');
    if (!dateOfExpiry.valid || dateOfExpiry.partial) {
      problems.push(problem('MRZ_BAD_DATE', 'error', `date of expiry ${raw('dateOfExpiry')} is not a calendar date`, 'dateOfExpiry'));
    }
    expired = isExpired(dateOfExpiry, now);
    if (expired) problems.push(problem('MRZ_DOCUMENT_EXPIRED', 'warning', `document expired on ${dateOfExpiry.iso}`, 'dateOfExpiry'));
    if (dateOfBirth.iso && dateOfExpiry.iso && dateOfExpiry.iso <= dateOfBirth.iso) {
      problems.push(problem('MRZ_EXPIRY_BEFORE_BIRTH', 'error', `expiry ${dateOfExpiry.iso} is not after birth ${dateOfBirth.iso}`, 'dateOfExpiry'));
    }
    setField('dateOfExpiry', dateOfExpiry.iso ?? raw('dateOfExpiry'), dateOfExpiry.valid && !dateOfExpiry.partial && expCheck.valid);
    setField('dateOfExpiryCheckDigit', expCheck.found, expCheck.valid);
  }

  // Personal number (TD3) and optional data.
  let personalNumber: string | null = null;
  if (has('personalNumber')) {
    personalNumber = strip(raw('personalNumber'));
    const pnCheck = runCheck('personalNumber', raw('personalNumber'), 'personalNumberCheckDigit', true);
    setField('personalNumber', personalNumber, pnCheck.valid);
    setField('personalNumberCheckDigit', pnCheck.found, pnCheck.valid);
  }
  const optional1 = optionalData1 === null ? null : strip(optionalData1.replace(/^<+/, ''));
  if (optional1 !== null) setField('optionalData1', optional1, true);
  const optionalData2 = has('optionalData2') ? strip(raw('optionalData2')) : null;
  if (optionalData2 !== null) setField('optionalData2', optionalData2, true);

  // Composite.
  const compositeSpec = layout.checks.find((c) => c.name === 'composite');
  if (compositeSpec) {
    const data = compositeSpec.data.map((s) => readSpan(lines, s)).join('');
    const composite = runCheck('composite', data, 'compositeCheckDigit');
    setField('compositeCheckDigit', composite.found, composite.valid);
  }

  const mrzInformation = layout.format === 'FRENCH_ID' ? null
    : `${longDocumentNumber ? documentNumber : raw('documentNumber')}${docCheck.found}${raw('dateOfBirth')}${raw('dateOfBirthCheckDigit')}${raw('dateOfExpiry')}${raw('dateOfExpiryCheckDigit')}`;

  return {
    ok: true,
    format: layout.format,
    valid: !problems.some((p) => p.severity === 'error'),
    lines,
    documentCode: strip(documentCode),
    issuingState,
    issuingStateKind,
    documentNumber,
    longDocumentNumber,
    nationality,
    dateOfBirth,
    sex: sex === '<' ? '' : sex,
    dateOfExpiry,
    expired,
    personalNumber,
    optionalData1: optional1,
    optionalData2,
    name,
    mrzInformation,
    fields,
    checks,
    problems,
  };
}

function documentCodeAllowed(format: MrzFormat, code: string): boolean {
  const second = /^[A-Z<]$/.test(code[1]);
  switch (format) {
    case 'TD3': return code[0] === 'P' && second;
    case 'MRVA': case 'MRVB': return code[0] === 'V' && second;
    case 'TD1': case 'TD2': return /^[ACI]$/.test(code[0]) && second;
    case 'FRENCH_ID': return code === 'ID';
  }
}

function checkState(field: MrzFieldName, code: string, problems: MrzProblem[]): StateCodeKind {
  const kind = /^[A-Z]{1,3}$/.test(code) ? classifyStateCode(code) : 'unknown';
  if (kind === 'unknown') problems.push(problem('MRZ_UNKNOWN_STATE_CODE', 'error', `${JSON.stringify(code)} is not an ISO 3166 or ICAO state code`, field));
  if (kind === 'specimen') problems.push(problem('MRZ_SPECIMEN_STATE_CODE', 'warning', `${code} is the ICAO specimen state`, field));
  return kind;
}
