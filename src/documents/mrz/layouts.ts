// Where each field of each MRZ format sits (0-based line, start, end exclusive) and which
// characters it may hold. The parser reads fields through this table and the OCR correction
// helper uses the character classes and check groups, so both agree on one description.
export type MrzFormat = 'TD1' | 'TD2' | 'TD3' | 'MRVA' | 'MRVB' | 'FRENCH_ID';

export type MrzFieldName =
  | 'documentCode' | 'issuingState' | 'name' | 'surname' | 'givenNames' | 'administrativeCode'
  | 'documentNumber' | 'documentNumberCheckDigit' | 'nationality'
  | 'dateOfBirth' | 'dateOfBirthCheckDigit' | 'sex' | 'dateOfExpiry' | 'dateOfExpiryCheckDigit'
  | 'personalNumber' | 'personalNumberCheckDigit' | 'optionalData1' | 'optionalData2' | 'compositeCheckDigit';

/** digit: 0-9; digitOrFiller: 0-9 or '<' (dates with unknown parts, optional check digits); alpha: A-Z or '<'; any: A-Z 0-9 '<'. */
export type CharClass = 'digit' | 'digitOrFiller' | 'alpha' | 'any';

export interface FieldSpec {
  readonly name: MrzFieldName;
  readonly line: number;
  readonly start: number;
  readonly end: number;
  readonly cls: CharClass;
}

export interface Span { readonly line: number; readonly start: number; readonly end: number }

export type CheckName = 'documentNumber' | 'dateOfBirth' | 'dateOfExpiry' | 'personalNumber' | 'composite';

export interface CheckSpec {
  readonly name: CheckName;
  readonly data: readonly Span[];
  readonly digit: { readonly line: number; readonly pos: number };
}

export interface Layout {
  readonly format: MrzFormat;
  readonly lineCount: number;
  readonly lineLength: number;
  readonly fields: readonly FieldSpec[];
  readonly checks: readonly CheckSpec[];
}

const f = (name: MrzFieldName, line: number, start: number, end: number, cls: CharClass): FieldSpec => ({ name, line, start, end, cls });
const span = (line: number, start: number, end: number): Span => ({ line, start, end });
const check = (name: CheckName, digit: [number, number], ...data: Span[]): CheckSpec => ({ name, data, digit: { line: digit[0], pos: digit[1] } });

/** Line 2 of TD3, TD2 and both visas share positions 1-28 (1-based). */
const LINE2_COMMON = (line: number): FieldSpec[] => [
  f('documentNumber', line, 0, 9, 'any'),
  f('documentNumberCheckDigit', line, 9, 10, 'digitOrFiller'),
  f('nationality', line, 10, 13, 'alpha'),
  f('dateOfBirth', line, 13, 19, 'digitOrFiller'),
  f('dateOfBirthCheckDigit', line, 19, 20, 'digit'),
  f('sex', line, 20, 21, 'alpha'),
  f('dateOfExpiry', line, 21, 27, 'digitOrFiller'),
  f('dateOfExpiryCheckDigit', line, 27, 28, 'digit'),
];
const LINE2_CHECKS = [
  check('documentNumber', [1, 9], span(1, 0, 9)),
  check('dateOfBirth', [1, 19], span(1, 13, 19)),
  check('dateOfExpiry', [1, 27], span(1, 21, 27)),
];
const header = (nameEnd: number): FieldSpec[] => [
  f('documentCode', 0, 0, 2, 'alpha'),
  f('issuingState', 0, 2, 5, 'alpha'),
  f('name', 0, 5, nameEnd, 'alpha'),
];

export const LAYOUTS: Readonly<Record<MrzFormat, Layout>> = {
  TD3: {
    format: 'TD3', lineCount: 2, lineLength: 44,
    fields: [...header(44), ...LINE2_COMMON(1),
      f('personalNumber', 1, 28, 42, 'any'), f('personalNumberCheckDigit', 1, 42, 43, 'digitOrFiller'),
      f('compositeCheckDigit', 1, 43, 44, 'digit')],
    checks: [...LINE2_CHECKS, check('personalNumber', [1, 42], span(1, 28, 42)),
      check('composite', [1, 43], span(1, 0, 10), span(1, 13, 20), span(1, 21, 43))],
  },
  TD2: {
    format: 'TD2', lineCount: 2, lineLength: 36,
    fields: [...header(36), ...LINE2_COMMON(1), f('optionalData1', 1, 28, 35, 'any'), f('compositeCheckDigit', 1, 35, 36, 'digit')],
    checks: [...LINE2_CHECKS, check('composite', [1, 35], span(1, 0, 10), span(1, 13, 20), span(1, 21, 35))],
  },
  MRVA: {
    format: 'MRVA', lineCount: 2, lineLength: 44,
    fields: [...header(44), ...LINE2_COMMON(1), f('optionalData1', 1, 28, 44, 'any')],
    checks: LINE2_CHECKS,
  },
  MRVB: {
    format: 'MRVB', lineCount: 2, lineLength: 36,
    fields: [...header(36), ...LINE2_COMMON(1), f('optionalData1', 1, 28, 36, 'any')],
    checks: LINE2_CHECKS,
  },
  TD1: {
    format: 'TD1', lineCount: 3, lineLength: 30,
    fields: [
      f('documentCode', 0, 0, 2, 'alpha'), f('issuingState', 0, 2, 5, 'alpha'),
      f('documentNumber', 0, 5, 14, 'any'), f('documentNumberCheckDigit', 0, 14, 15, 'digitOrFiller'),
      f('optionalData1', 0, 15, 30, 'any'),
      f('dateOfBirth', 1, 0, 6, 'digitOrFiller'), f('dateOfBirthCheckDigit', 1, 6, 7, 'digit'), f('sex', 1, 7, 8, 'alpha'),
      f('dateOfExpiry', 1, 8, 14, 'digitOrFiller'), f('dateOfExpiryCheckDigit', 1, 14, 15, 'digit'),
      f('nationality', 1, 15, 18, 'alpha'), f('optionalData2', 1, 18, 29, 'any'), f('compositeCheckDigit', 1, 29, 30, 'digit'),
      f('name', 2, 0, 30, 'alpha'),
    ],
    checks: [
      check('documentNumber', [0, 14], span(0, 5, 14)),
      check('dateOfBirth', [1, 6], span(1, 0, 6)),
      check('dateOfExpiry', [1, 14], span(1, 8, 14)),
      check('composite', [1, 29], span(0, 5, 30), span(1, 0, 7), span(1, 8, 15), span(1, 18, 29)),
    ],
  },
  // French national ID card 1988-2021 (not ICAO): no expiry, no nationality, 12-character number.
  FRENCH_ID: {
    format: 'FRENCH_ID', lineCount: 2, lineLength: 36,
    fields: [
      f('documentCode', 0, 0, 2, 'alpha'), f('issuingState', 0, 2, 5, 'alpha'), f('surname', 0, 5, 30, 'alpha'),
      f('administrativeCode', 0, 30, 36, 'any'),
      f('documentNumber', 1, 0, 12, 'any'), f('documentNumberCheckDigit', 1, 12, 13, 'digit'),
      f('givenNames', 1, 13, 27, 'alpha'), f('dateOfBirth', 1, 27, 33, 'digitOrFiller'),
      f('dateOfBirthCheckDigit', 1, 33, 34, 'digit'), f('sex', 1, 34, 35, 'alpha'), f('compositeCheckDigit', 1, 35, 36, 'digit'),
    ],
    checks: [
      check('documentNumber', [1, 12], span(1, 0, 12)),
      check('dateOfBirth', [1, 33], span(1, 27, 33)),
      check('composite', [1, 35], span(0, 0, 36), span(1, 0, 35)),
    ],
  },
};

export function readSpan(lines: readonly string[], s: Span): string {
  return lines[s.line].slice(s.start, s.end);
}
