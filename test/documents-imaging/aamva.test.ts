import t from 'tap';
import { crossCheckFront, parseAamva, readAamvaBarcode, type AamvaParsed } from '../../src/documents/aamva/index.js';
import { encodeTestPdf417, renderTestCard } from '../helpers/native-test-addon.js';
import { testConfig } from '../helpers/documents-imaging/cards.js';

const config = testConfig();

/** Composes a standard-conforming payload: header, designators with correct offsets, subfiles. */
function composePayload(opts: { iin: string; version: number; subfiles: Array<{ type: string; elements: Array<[string, string]> }> }): string {
  const bodies = opts.subfiles.map((s) => `${s.type}${s.elements.map(([id, v]) => `${id}${v}`).join('\n')}\r`);
  const headerLength = 21 + 10 * opts.subfiles.length;
  let offset = headerLength;
  const designators = opts.subfiles.map((s, i) => {
    const d = `${s.type}${String(offset).padStart(4, '0')}${String(bodies[i].length).padStart(4, '0')}`;
    offset += bodies[i].length;
    return d;
  });
  return `@\n\x1e\rANSI ${opts.iin}${String(opts.version).padStart(2, '0')}00${String(opts.subfiles.length).padStart(2, '0')}${designators.join('')}${bodies.join('')}`;
}

const usElements: Array<[string, string]> = [
  ['DCA', 'D'], ['DCB', 'NONE'], ['DCD', 'NONE'], ['DBA', '03152031'], ['DCS', 'QUINTERO'], ['DAC', 'ADA'], ['DAD', 'MARIE'],
  ['DBD', '03152023'], ['DBB', '11021990'], ['DBC', '2'], ['DAY', 'GRN'], ['DAU', '066 in'], ['DAG', '12 TEST AVE'],
  ['DAI', 'RICHMOND'], ['DAJ', 'VA'], ['DAK', '232690000  '], ['DAQ', 'T00000042'], ['DCF', 'DOC0001'], ['DCG', 'USA'],
  ['DDE', 'N'], ['DDF', 'N'], ['DDG', 'N'], ['DDA', 'F'],
];
const usPayload = composePayload({ iin: '636000', version: 10, subfiles: [{ type: 'DL', elements: usElements }, { type: 'ZV', elements: [['ZVA', '01']] }] });

t.test('parses a standard version-10 US payload', async (t) => {
  const r = parseAamva(usPayload) as AamvaParsed;
  t.equal(r.ok, true);
  t.same(r.problems, []);
  t.equal(r.header.iin, '636000');
  t.equal(r.header.version, 10);
  t.equal(r.issuerJurisdiction, 'VA');
  t.equal(r.dateOrder, 'MMDDCCYY');
  t.same(r.subfiles.map((s) => s.type), ['DL', 'ZV']);
  t.match(r.fields, { familyName: 'QUINTERO', givenNames: 'ADA', middleNames: 'MARIE', documentNumber: 'T00000042', dateOfBirth: '1990-11-02', dateOfIssue: '2023-03-15', dateOfExpiry: '2031-03-15', sex: 'F', jurisdiction: 'VA', country: 'USA', compliance: 'F' });
});

t.test('Canadian payloads write dates CCYYMMDD', async (t) => {
  const payload = composePayload({ iin: '636012', version: 3, subfiles: [{ type: 'DL', elements: [['DAQ', 'Q1234-56789-01234'], ['DCS', 'TREMBLAY'], ['DCT', 'LUC,ANDRE'], ['DBB', '19851130'], ['DBD', '20200101'], ['DBA', '20250101'], ['DBC', '1'], ['DAJ', 'ON'], ['DCG', 'CAN']] }] });
  const r = parseAamva(payload) as AamvaParsed;
  t.equal(r.dateOrder, 'CCYYMMDD');
  t.match(r.fields, { dateOfBirth: '1985-11-30', givenNames: 'LUC', middleNames: 'ANDRE', sex: 'M' });
});

t.test('jurisdiction quirks are tolerated and named', async (t) => {
  const quirky = `\ufeff  ${usPayload.replace('@\n\x1e\r', '@\n\x1e\n')}`;
  const r1 = parseAamva(quirky) as AamvaParsed;
  t.equal(r1.ok, true);
  t.ok(r1.problems.includes('HEADER_LEADING_BYTES'));
  t.ok(r1.problems.includes('HEADER_SEPARATORS'));
  t.equal(r1.fields.documentNumber, 'T00000042');
  const wrongOffsets = usPayload.replace(/DL\d{4}(\d{4})/, 'DL0000$1');
  const r2 = parseAamva(wrongOffsets) as AamvaParsed;
  t.ok(r2.problems.includes('AAMVA_SUBFILE_OFFSET'));
  t.equal(r2.fields.familyName, 'QUINTERO');
  const piped = usPayload.replace(/\n(?=[A-Z]{3})/g, '|');
  const r3 = parseAamva(piped) as AamvaParsed;
  t.ok(r3.problems.includes('AAMVA_PIPE_SEPARATORS'));
  t.equal(r3.fields.dateOfBirth, '1990-11-02');
  const v1 = '@\n\x1e\rANSI 6360060101DL00290070DLDAACORTEZ,PABLO,A\nDAQ123456789\nDBB19761007\nDBA20221007\nDAJCT\r';
  const r4 = parseAamva(v1) as AamvaParsed;
  t.match(r4.fields, { familyName: 'CORTEZ', givenNames: 'PABLO', middleNames: 'A', dateOfBirth: '1976-10-07', jurisdiction: 'CT' });
});

t.test('invalid payloads give { ok: false } with a code, never a throw', async (t) => {
  t.same(parseAamva(''), { ok: false, problems: ['AAMVA_EMPTY'] });
  t.same(parseAamva('hello world'), { ok: false, problems: ['AAMVA_HEADER_INVALID'] });
  t.same(parseAamva('@\n\x1e\rANSI 636000100099'), { ok: false, problems: ['AAMVA_HEADER_INVALID'] });
  t.same(parseAamva('x'.repeat(10_000)), { ok: false, problems: ['AAMVA_TOO_LONG'] });
  const truncated = parseAamva(usPayload.slice(0, 40));
  t.equal(truncated.ok, false);
});

t.test('cross-checks flag IIN/jurisdiction and date-order inconsistencies', async (t) => {
  const swapped = usElements.map(([id, v]): [string, string] => (id === 'DAJ' ? [id, 'MD'] : id === 'DBD' ? [id, '01011980'] : [id, v]));
  const r = parseAamva(composePayload({ iin: '636000', version: 10, subfiles: [{ type: 'DL', elements: swapped }] })) as AamvaParsed;
  t.ok(r.problems.includes('AAMVA_IIN_JURISDICTION_MISMATCH'));
  t.ok(r.problems.includes('AAMVA_DATES_BIRTH_AFTER_ISSUE'));
});

t.test('barcode vs front of the card', async (t) => {
  const r = parseAamva(usPayload) as AamvaParsed;
  const same = crossCheckFront(r.fields, { familyName: 'Quintero', givenNames: 'Ada', dateOfBirth: '1990-11-02', documentNumber: 'T 0000 0042' });
  t.same(same.map((c) => c.outcome), ['match', 'match', 'match', 'match']);
  const other = crossCheckFront(r.fields, { familyName: 'QUINTANA', dateOfBirth: '1990-11-03' });
  t.same(other.map((c) => c.outcome), ['mismatch', 'not-compared', 'mismatch', 'not-compared']);
});

t.test('round trip: payload -> PDF417 (zxing writer) -> photo decode -> parse', async (t) => {
  const png = await encodeTestPdf417(Buffer.from(usPayload, 'latin1'), { width: 800, height: 300, margin: 20, moduleScale: 2 });
  const read = await readAamvaBarcode(png, config.imaging);
  t.equal(read.found, true);
  t.equal(read.payload?.toString('latin1'), usPayload, 'payload bytes survive exactly, control characters included');
  t.equal(read.result?.ok, true);
  if (read.result?.ok) t.equal(read.result.fields.documentNumber, 'T00000042');
  t.equal(read.corners.length, 4);
});

t.test('the test encoder refuses non-ASCII payloads with a coded error', async (t) => {
  await t.rejects(encodeTestPdf417(Buffer.from('ANSI \xe9', 'latin1'), { width: 400, height: 200, margin: 10, moduleScale: 1 }), { code: 'ERR_BARCODE_ENCODE' });
});

t.test('a photo without a barcode', async (t) => {
  const { image } = await renderTestCard({ fontPath: '/usr/share/fonts/opentype/ocr-b/OCRB.otf', noCard: true });
  const read = await readAamvaBarcode(image, config.imaging);
  t.same({ found: read.found, payload: read.payload, result: read.result }, { found: false, payload: null, result: null });
});
