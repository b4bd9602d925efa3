import t from 'tap';
import { parseMrz, mrzCheckDigit, type MrzParsed, type MrzResult } from '../../src/documents/mrz/index.js';
import { buildTd3 } from '../helpers/documents/mrz-builder.js';
import { deriveBacKeys } from '../../src/documents/emrtd/index.js';

const now = new Date('2026-11-24T12:00:00Z');
const parsed = (r: MrzResult): MrzParsed => {
  if (!r.ok) throw new Error(`not parsed: ${JSON.stringify(r.problems)}`);
  return r;
};
const codes = (r: MrzResult) => r.problems.map((p) => p.code);
const errors = (r: MrzResult) => r.problems.filter((p) => p.severity === 'error').map((p) => p.code);
const checks = (r: MrzParsed) => Object.fromEntries(r.checks.map((c) => [c.name, `${c.found}${c.valid ? '' : `!=${c.expected}`}`]));

const TD3_L1 = 'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<';

t.test('check digit: ICAO weights 7,3,1, letters 10..35, < is 0, other characters rejected', async (t) => {
  t.equal(mrzCheckDigit('L898902C3'), 6);
  t.equal(mrzCheckDigit('740812'), 2);
  t.equal(mrzCheckDigit('<<<<<<'), 0);
  t.equal(mrzCheckDigit('ZE184226B<<<<<'), 1);
  t.equal(mrzCheckDigit('l898902c3'), null);
  t.equal(mrzCheckDigit('L898 902'), null);
});

t.test('9303-4 TD3 specimen', async (t) => {
  const r = parsed(parseMrz([TD3_L1, 'L898902C36UTO7408122F1204159ZE184226B<<<<<10'], { now }));
  t.equal(r.format, 'TD3');
  t.equal(r.valid, true);
  t.equal(r.documentCode, 'P');
  t.equal(r.issuingState, 'UTO');
  t.equal(r.issuingStateKind, 'specimen');
  t.equal(r.name.primary, 'ERIKSSON');
  t.equal(r.name.secondary, 'ANNA MARIA');
  t.same(r.name.secondaryParts, ['ANNA', 'MARIA']);
  t.equal(r.documentNumber, 'L898902C3');
  t.equal(r.nationality, 'UTO');
  t.equal(r.dateOfBirth.iso, '1974-08-12');
  t.equal(r.sex, 'F');
  t.equal(r.dateOfExpiry?.iso, '2012-04-15');
  t.equal(r.personalNumber, 'ZE184226B');
  t.same(checks(r), { documentNumber: '6', dateOfBirth: '2', dateOfExpiry: '9', personalNumber: '1', composite: '0' });
  t.equal(r.expired, true);
  t.same(codes(r), ['MRZ_SPECIMEN_STATE_CODE', 'MRZ_SPECIMEN_STATE_CODE', 'MRZ_DOCUMENT_EXPIRED']);
  t.ok(r.problems.every((p) => p.severity === 'warning'));
  t.equal(r.fields.documentNumber?.valid, true);
  t.same([r.fields.personalNumber?.line, r.fields.personalNumber?.start, r.fields.personalNumber?.end], [1, 28, 42]);
});

t.test('9303-11 App. D.1 BAC example: document number with filler, MRZ_information', async (t) => {
  const r = parsed(parseMrz(`${TD3_L1}\nL898902C<3UTO6908061F9406236ZE184226B<<<<<14`, { now }));
  t.equal(r.valid, true);
  t.equal(r.documentNumber, 'L898902C');
  t.equal(r.fields.documentNumber?.raw, 'L898902C<');
  t.same(checks(r), { documentNumber: '3', dateOfBirth: '1', dateOfExpiry: '6', personalNumber: '1', composite: '4' });
  t.equal(r.dateOfBirth.iso, '1969-08-06');
  t.equal(r.dateOfExpiry?.iso, '1994-06-23');
  t.equal(r.mrzInformation, 'L898902C<369080619406236');
});

t.test('9303-5 TD1 specimen', async (t) => {
  const r = parsed(parseMrz(['I<UTOD231458907<<<<<<<<<<<<<<<', '7408122F1204159UTO<<<<<<<<<<<6', 'ERIKSSON<<ANNA<MARIA<<<<<<<<<<'], { now }));
  t.equal(r.format, 'TD1');
  t.equal(r.valid, true);
  t.equal(r.documentCode, 'I');
  t.equal(r.documentNumber, 'D23145890');
  t.equal(r.longDocumentNumber, null);
  t.equal(r.optionalData1, '');
  t.equal(r.optionalData2, '');
  t.equal(r.dateOfBirth.iso, '1974-08-12');
  t.equal(r.dateOfExpiry?.iso, '2012-04-15');
  t.equal(r.nationality, 'UTO');
  t.equal(r.name.primary, 'ERIKSSON');
  t.equal(r.name.secondary, 'ANNA MARIA');
  t.same(checks(r), { documentNumber: '7', dateOfBirth: '2', dateOfExpiry: '9', composite: '6' });
});

t.test('9303-11 App. D.2 TD1 with a 12-character document number', async (t) => {
  const r = parsed(parseMrz(['I<UTOD23145890<7349<<<<<<<<<<<', '3407127M9507122UTO<<<<<<<<<<<2', 'STEVENSON<<PETER<JOHN<<<<<<<<<'], { now }));
  t.equal(r.valid, true);
  t.equal(r.documentNumber, 'D23145890734');
  t.same(r.longDocumentNumber, { variant: 'icao' });
  t.same(checks(r), { documentNumber: '9', dateOfBirth: '7', dateOfExpiry: '2', composite: '2' });
  t.equal(r.dateOfBirth.iso, '1934-07-12');
  t.equal(r.sex, 'M');
  t.equal(r.dateOfExpiry?.iso, '1995-07-12');
  t.equal(r.mrzInformation, 'D23145890734934071279507122');
  t.equal(r.optionalData1, '');
});

t.test('the same data in TD2 form', async (t) => {
  const r = parsed(parseMrz(['I<UTOSTEVENSON<<PETER<JOHN<<<<<<<<<<', 'D23145890<UTO3407127M95071227349<<<8'], { now }));
  t.equal(r.format, 'TD2');
  t.equal(r.valid, true);
  t.equal(r.documentNumber, 'D23145890734');
  t.same(r.longDocumentNumber, { variant: 'icao' });
  t.same(checks(r), { documentNumber: '9', dateOfBirth: '7', dateOfExpiry: '2', composite: '8' });
});

t.test('9303-6 TD2 specimen', async (t) => {
  const r = parsed(parseMrz(['I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<', 'D231458907UTO7408122F1204159<<<<<<<6'], { now }));
  t.equal(r.format, 'TD2');
  t.equal(r.valid, true);
  t.equal(r.documentNumber, 'D23145890');
  t.same(checks(r), { documentNumber: '7', dateOfBirth: '2', dateOfExpiry: '9', composite: '6' });
});

t.test('9303-7 MRV-A and MRV-B (no composite)', async (t) => {
  const a = parsed(parseMrz(['V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L8988901C4XXX4009078F96121096ZE184226B<<<<<<'], { now }));
  t.equal(a.format, 'MRVA');
  t.equal(a.valid, true);
  t.equal(a.documentCode, 'V');
  t.equal(a.documentNumber, 'L8988901C');
  t.equal(a.nationality, 'XXX');
  t.equal(a.dateOfBirth.iso, '1940-09-07');
  t.equal(a.dateOfExpiry?.iso, '1996-12-10');
  t.equal(a.optionalData1, '6ZE184226B');
  t.same(checks(a), { documentNumber: '4', dateOfBirth: '8', dateOfExpiry: '9' });
  const b = parsed(parseMrz(['V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<', 'L8988901C4XXX4009078F9612109<<<<<<<<'], { now }));
  t.equal(b.format, 'MRVB');
  t.equal(b.valid, true);
  t.equal(b.optionalData1, '');
  t.equal(b.dateOfExpiry?.iso, '1996-12-10');
});

t.test('BSI TR-03105-5 reference passport: state D, empty personal number with "<" check digit', async (t) => {
  const r = parsed(parseMrz(['P<D<<MUSTERMANN<<ERIKA<<<<<<<<<<<<<<<<<<<<<<', 'C11T002JM4D<<9608122F2310314<<<<<<<<<<<<<<<4'], { now }));
  t.equal(r.valid, true);
  t.equal(r.issuingState, 'D');
  t.equal(r.issuingStateKind, 'icao');
  t.equal(r.nationality, 'D');
  t.equal(r.name.primary, 'MUSTERMANN');
  t.equal(r.name.secondary, 'ERIKA');
  t.equal(r.documentNumber, 'C11T002JM');
  t.equal(r.dateOfBirth.iso, '1996-08-12');
  t.equal(r.dateOfExpiry?.iso, '2023-10-31');
  t.equal(r.personalNumber, '');
  t.same(checks(r), { documentNumber: '4', dateOfBirth: '2', dateOfExpiry: '4', personalNumber: '<', composite: '4' });
});

t.test('French ID card 1988-2021', async (t) => {
  const r = parsed(parseMrz(['IDFRABERTHIER<<<<<<<<<<<<<<<<<<<<<<<', '9409923102854CORINNE<<<<<<<6512068F4'], { now }));
  t.equal(r.format, 'FRENCH_ID');
  t.equal(r.valid, true);
  t.equal(r.issuingState, 'FRA');
  t.equal(r.documentNumber, '940992310285');
  t.equal(r.name.primary, 'BERTHIER');
  t.equal(r.name.secondary, 'CORINNE');
  t.equal(r.dateOfBirth.iso, '1965-12-06');
  t.equal(r.sex, 'F');
  t.equal(r.dateOfExpiry, null);
  t.equal(r.nationality, null);
  t.same(checks(r), { documentNumber: '4', dateOfBirth: '8', composite: '4' });
});

t.test('long document numbers: both check-digit variants, and which one matched', async (t) => {
  const bel1 = parsed(parseMrz(['IDBEL000590240<6013<<<<<<<<<<<', '8512017F1311048BEL851201002007', 'REINARTZ<<ULRIKE<KATIA<E<<<<<<'], { now }));
  t.equal(bel1.documentNumber, '000590240601');
  t.same(bel1.longDocumentNumber, { variant: 'with-filler' });
  t.equal(bel1.valid, true);
  t.ok(codes(bel1).includes('MRZ_LONG_DOCUMENT_NUMBER_FILLER_IN_CHECK_DIGIT'));
  t.same(checks(bel1), { documentNumber: '3', dateOfBirth: '7', dateOfExpiry: '8', composite: '7' });
  t.equal(bel1.name.secondary, 'ULRIKE KATIA E');
  t.equal(bel1.optionalData2, '85120100200');

  const bel2 = parsed(parseMrz(['IDBEL600001795<0152<<<<<<<<<<<', '1301014F2311207BEL130101987398', 'SPECIMEN<<SPECIMEN<<<<<<<<<<<<'], { now }));
  t.equal(bel2.documentNumber, '600001795015');
  t.same(bel2.longDocumentNumber, { variant: 'icao' });
  t.same(checks(bel2), { documentNumber: '2', dateOfBirth: '4', dateOfExpiry: '7', composite: '8' });
  t.equal(bel2.valid, true);

  const prt = parsed(parseMrz(['I<PRT007777779<ZZ92<<<<<<<<<<<', '8303143M3405282PRT<<<<<<<<<<<2', 'CACADOR<DE<ARAUJO<<ANDRE<ESTEV'], { now }));
  t.equal(prt.documentNumber, '007777779ZZ9');
  t.same(prt.longDocumentNumber, { variant: 'icao' });
  t.same(checks(prt), { documentNumber: '2', dateOfBirth: '3', dateOfExpiry: '2', composite: '2' });
  t.equal(prt.name.primary, 'CACADOR DE ARAUJO');
  t.equal(prt.name.secondary, 'ANDRE ESTEV');
  t.equal(prt.name.mayBeTruncated, true);
  t.ok(codes(prt).includes('MRZ_NAME_MAY_BE_TRUNCATED'));
  t.equal(prt.valid, true);

  const broken = parsed(parseMrz(['I<PRT007777779<ZZ93<<<<<<<<<<<', '8303143M3405282PRT<<<<<<<<<<<2', 'CACADOR<DE<ARAUJO<<ANDRE<ESTEV'], { now }));
  t.equal(broken.valid, false);
  t.same(broken.longDocumentNumber, { variant: null });
  t.ok(errors(broken).includes('MRZ_CHECK_DIGIT_MISMATCH'));

  const noTail = parsed(parseMrz(['I<UTOD23145890<<<<<<<<<<<<<<<<', '3407127M9507122UTO<<<<<<<<<<<2', 'STEVENSON<<PETER<JOHN<<<<<<<<<'], { now }));
  t.ok(errors(noTail).includes('MRZ_LONG_DOCUMENT_NUMBER_MALFORMED'));
});

t.test('negative: TD3 specimen ending in "20" fails personal-number and composite checks', async (t) => {
  const r = parsed(parseMrz([TD3_L1, 'L898902C36UTO7408122F1204159ZE184226B<<<<<20'], { now }));
  t.equal(r.valid, false);
  // The composite covers the (wrong) personal-number digit too, so it fails as well; over the
  // corrected data (the specimen above) it is 0.
  t.same(checks(r), { documentNumber: '6', dateOfBirth: '2', dateOfExpiry: '9', personalNumber: '2!=1', composite: '0!=1' });
  t.same(errors(r), ['MRZ_CHECK_DIGIT_MISMATCH', 'MRZ_CHECK_DIGIT_MISMATCH']);
  t.equal(r.problems.find((p) => p.code === 'MRZ_CHECK_DIGIT_MISMATCH')?.field, 'personalNumberCheckDigit');
  t.equal(r.fields.personalNumber?.valid, false);
  t.equal(r.fields.documentNumber?.valid, true);
  const c = parsed(parseMrz([TD3_L1, 'L898902C36UTO7408122F1204159ZE184226B<<<<<11'], { now }));
  t.same(checks(c).composite, '1!=0');
  t.equal(c.problems.find((p) => p.severity === 'error')?.message, 'composite check digit is 1, the data gives 0');
});

t.test('malformed input gives a clear error result, never an exception', async (t) => {
  const cases: Array<[unknown, string]> = [
    ['', 'MRZ_EMPTY'],
    ['   \n  ', 'MRZ_EMPTY'],
    [42, 'MRZ_NOT_TEXT'],
    [null, 'MRZ_NOT_TEXT'],
    [[1, 2], 'MRZ_NOT_TEXT'],
    ['P<UTO', 'MRZ_BAD_LINE_COUNT'],
    [['a', 'b', 'c', 'd'], 'MRZ_BAD_LINE_COUNT'],
    [[TD3_L1, 'L898902C36UTO7408122F1204159ZE184226B<<<<<1'], 'MRZ_BAD_LINE_LENGTH'],
    [[TD3_L1.slice(0, 36), 'L898902C36UTO7408122F1204159ZE184226B<<<<<10'], 'MRZ_BAD_LINE_LENGTH'],
    [[TD3_L1, 'L898902C36UTO7408122F1204159ZE184226B<<<<<1é'], 'MRZ_BAD_CHARSET'],
    [[TD3_L1.toLowerCase(), 'L898902C36UTO7408122F1204159ZE184226B<<<<<10'], 'MRZ_BAD_CHARSET'],
    [[TD3_L1, 'L898902C36UTO7408122F1204159ZE184226B<<<< 10'], 'MRZ_BAD_CHARSET'],
  ];
  for (const [input, code] of cases) {
    const r = parseMrz(input as string);
    t.equal(r.ok, false, `${JSON.stringify(input)} not parsed`);
    t.equal(r.valid, false);
    t.same(codes(r), [code], `${JSON.stringify(input)} -> ${code}`);
  }
  const lower = parseMrz([TD3_L1.toLowerCase(), 'L898902C36UTO7408122F1204159ZE184226B<<<<<10']);
  t.equal(lower.problems[0].message, 'line 1 position 1: "p" is not an MRZ character (A-Z, 0-9, <)');
  t.same(codes(parseMrz(`\r\n${TD3_L1}\r\nL898902C36UTO7408122F1204159ZE184226B<<<<<10\r\n`, { now })).includes('MRZ_BAD_LINE_LENGTH'), false, 'CRLF and blank lines are tolerated');
});

t.test('dates: century rules and calendar validity', async (t) => {
  const dob = (d: string) => parsed(parseMrz(buildTd3({ dob: d }), { now })).dateOfBirth;
  t.equal(dob('261124').iso, '2026-11-24', 'today is not in the future');
  t.equal(dob('261125').iso, '1926-11-25', 'tomorrow this year is last century');
  t.equal(dob('270101').iso, '1927-01-01');
  t.equal(dob('000229').iso, '2000-02-29', 'leap day 2000');
  t.equal(dob('960231').valid, false, '31 February');
  t.equal(dob('961301').valid, false, 'month 13');
  t.equal(dob('960400').valid, false, 'day 0');
  t.equal(dob('960431').valid, false, '31 April');
  const partial = dob('96<<<<');
  t.equal(partial.partial, true);
  t.equal(partial.valid, true);
  t.equal(partial.year, 1996);
  t.equal(partial.iso, null);
  t.equal(dob('9<0101').valid, false, 'half-unknown year');
  const feb30 = parseMrz(buildTd3({ dob: '960230' }), { now });
  t.same(errors(feb30), ['MRZ_BAD_DATE']);
  t.equal(feb30.ok && feb30.fields.dateOfBirth?.valid, false);

  const exp = (d: string, years?: number) => parsed(parseMrz(buildTd3({ expiry: d }), { now, expiryWindowYears: years })).dateOfExpiry!;
  t.equal(exp('341231').iso, '2034-12-31');
  t.equal(exp('761231').iso, '2076-12-31', 'inside the 50-year window');
  t.equal(exp('771231').iso, '1977-12-31', 'beyond the window: last century');
  t.equal(exp('771231', 60).iso, '2077-12-31', 'window is configurable');
  t.equal(exp('290229').valid, false, '2029 is no leap year');
  t.equal(exp('280229').iso, '2028-02-29');
  const expired = parsed(parseMrz(buildTd3({ expiry: '261123' }), { now }));
  t.equal(expired.expired, true);
  t.ok(codes(expired).includes('MRZ_DOCUMENT_EXPIRED'));
  t.equal(expired.valid, true, 'expiry is a warning: policy decides');
  t.equal(parsed(parseMrz(buildTd3({ expiry: '261124' }), { now })).expired, false, 'valid on its expiry day');
  t.same(errors(parseMrz(buildTd3({ dob: '900101', expiry: '891231' }), { now })), ['MRZ_EXPIRY_BEFORE_BIRTH']);
  t.same(errors(parseMrz(buildTd3({ expiry: '34<<<<' }), { now })), ['MRZ_BAD_DATE'], 'expiry must be complete');
});

t.test('sex: M, F, < accepted, X accepted with a warning, others rejected', async (t) => {
  for (const s of ['M', 'F', '<']) t.same(parseMrz(buildTd3({ sex: s }), { now }).problems, [], `sex ${s}`);
  const x = parsed(parseMrz(buildTd3({ sex: 'X' }), { now }));
  t.equal(x.valid, true);
  t.equal(x.sex, 'X');
  t.same(codes(x), ['MRZ_SEX_X']);
  t.same(errors(parseMrz(buildTd3({ sex: 'Q' }), { now })), ['MRZ_BAD_SEX']);
});

t.test('state codes: ISO, ICAO extras, specimen, unknown', async (t) => {
  for (const code of ['D', 'XXA', 'XXB', 'XXC', 'XXX', 'UNO', 'UNA', 'UNK', 'EUE', 'GBD', 'GBN', 'GBO', 'GBP', 'GBS', 'RKS', 'XXK', 'XOM', 'DEU', 'NZL']) {
    const r = parsed(parseMrz(buildTd3({ nationality: code }), { now }));
    t.equal(r.valid, true, `${code} accepted`);
    t.equal(r.nationality, code);
  }
  const uto = parsed(parseMrz(buildTd3({ state: 'UTO', nationality: 'UTO' }), { now }));
  t.equal(uto.valid, true);
  t.same(codes(uto), ['MRZ_SPECIMEN_STATE_CODE', 'MRZ_SPECIMEN_STATE_CODE']);
  const bad = parsed(parseMrz(buildTd3({ state: 'ZZZ' }), { now }));
  t.same(errors(bad), ['MRZ_UNKNOWN_STATE_CODE']);
  t.equal(bad.fields.issuingState?.valid, false);
});

t.test('document codes per format', async (t) => {
  t.same(errors(parseMrz(buildTd3({ code: 'X' }), { now })), ['MRZ_BAD_DOCUMENT_CODE']);
  t.same(errors(parseMrz(buildTd3({ code: 'PO' }), { now })), []);
  const td1 = parseMrz(['X<UTOD231458907<<<<<<<<<<<<<<<', '7408122F1204159UTO<<<<<<<<<<<6', 'ERIKSSON<<ANNA<MARIA<<<<<<<<<<'], { now });
  t.same(errors(td1), ['MRZ_BAD_DOCUMENT_CODE']);
});

t.test('names: split, multiple components, digits rejected', async (t) => {
  const r = parsed(parseMrz(buildTd3({ name: 'VAN<DER<BERG<<JAN<PIETER<KLAAS' }), { now }));
  t.equal(r.name.primary, 'VAN DER BERG');
  t.same(r.name.primaryParts, ['VAN', 'DER', 'BERG']);
  t.equal(r.name.secondary, 'JAN PIETER KLAAS');
  t.equal(r.name.mayBeTruncated, false);
  const mononym = parsed(parseMrz(buildTd3({ name: 'MADONNA' }), { now }));
  t.equal(mononym.name.primary, 'MADONNA');
  t.equal(mononym.name.secondary, '');
  t.same(errors(parseMrz(buildTd3({ name: 'SM1TH<<JOHN' }), { now })), ['MRZ_BAD_NAME']);
  t.same(errors(parseMrz(buildTd3({ name: '<<JOHN' }), { now })), ['MRZ_BAD_NAME']);
  const full = parsed(parseMrz(buildTd3({ name: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ<<ABCDEFGHIJKLMN' }), { now }));
  t.equal(full.name.mayBeTruncated, true);
});

t.test('9303-11 App. D.1: BAC keys from MRZ_information', async (t) => {
  const r = parsed(parseMrz(`${TD3_L1}\nL898902C<3UTO6908061F9406236ZE184226B<<<<<14`, { now }));
  const keys = deriveBacKeys(r.mrzInformation!);
  t.equal(keys.kseed.toString('hex').toUpperCase(), '239AB9CB282DAF66231DC5A4DF6BFBAE');
  t.equal(keys.kenc.toString('hex').toUpperCase(), 'AB94FDECF2674FDFB9B391F85D7F76F2');
  t.equal(keys.kmac.toString('hex').toUpperCase(), '7962D9ECE03D1ACD4C76089DCE131543');
  t.throws(() => deriveBacKeys('l898'), RangeError);
});
