import t, { type Test } from 'tap';
import { parseAamva, type AamvaParsed, type AamvaResult } from '../../src/documents/aamva/index.js';
import { usPayload } from '../helpers/documents/aamva-payload.js';

const standard = usPayload();
const FIELDS = { familyName: 'QUINTERO', givenNames: 'ADA', documentNumber: 'T00000042', dateOfBirth: '1990-11-02', dateOfExpiry: '2031-03-15', jurisdiction: 'VA' };

function parsed(t: Test, r: AamvaResult): AamvaParsed {
  t.ok(r.ok, `parsed (${r.problems.join(' ')})`);
  return r as AamvaParsed;
}

t.test('a standard header has no finding', async (t) => {
  const r = parsed(t, parseAamva(standard));
  t.same(r.problems, []);
  t.same(r.header.separators, { element: ['\n'], segment: ['\r'] });
});

t.test('stray and undefined bytes between "@" and the file type: parsed, each named', async (t) => {
  // CR LF after the separators and a NUL: seven bytes where the standard has three.
  const r = parsed(t, parseAamva(standard.replace('@\n\x1e\r', '@\n\x1e\r\r\n\x00\x00')));
  t.match(r.fields, FIELDS);
  t.same(r.problems, ['HEADER_SEPARATORS', 'HEADER_UNDEFINED_BYTES', 'AAMVA_SUBFILE_OFFSET']);
  const oneStray = parsed(t, parseAamva(standard.replace('@\n\x1e\r', '@\n\x1e\r\x7fA')));
  t.match(oneStray.fields, FIELDS);
  t.ok(oneStray.problems.includes('HEADER_UNDEFINED_BYTES'));
});

t.test('a stray byte between the file type and the IIN, and before "@": parsed, named', async (t) => {
  const r = parsed(t, parseAamva(standard.replace('ANSI 636000', 'ANSI\x00636000')));
  t.equal(r.header.iin, '636000');
  t.match(r.fields, FIELDS);
  t.same(r.problems, ['HEADER_STRAY_BYTES', 'HEADER_UNDEFINED_BYTES']);
  const before = parsed(t, parseAamva(`\x02${standard}`));
  t.same(before.problems, ['HEADER_LEADING_BYTES', 'AAMVA_SUBFILE_OFFSET'], 'bytes before "@" are leading bytes, not header bytes');
});

t.test('declared non-standard separators are honoured for the body', async (t) => {
  // GS between elements, FS as record separator, US after each subfile: all declared in the header.
  const r = parsed(t, parseAamva(usPayload('\x1d\x1c\x1f')));
  t.match(r.fields, FIELDS);
  t.same(r.subfiles.map((s) => s.type), ['DL', 'ZV']);
  t.equal(r.subfiles[1].elements.get('ZVA'), '01');
  t.same(r.header.separators, { element: ['\n', '\x1d'], segment: ['\r', '\x1f'] });
  t.same(r.problems, ['HEADER_SEPARATORS', 'HEADER_UNDEFINED_BYTES']);
  // LF declared as both element separator and segment terminator (a CR lost in transit): LF only splits elements.
  const lf = parsed(t, parseAamva(standard.replace('@\n\x1e\r', '@\n\x1e\n')));
  t.same(lf.header.separators, { element: ['\n'], segment: ['\r'] });
  t.match(lf.fields, FIELDS);
});

t.test('no compliance indicator, an unreadable jurisdiction version or entry count: parsed, named', async (t) => {
  const noAt = parsed(t, parseAamva(standard.slice(1)));
  t.match(noAt.fields, FIELDS);
  t.ok(noAt.problems.includes('HEADER_COMPLIANCE_INDICATOR_MISSING'));
  const entries = parsed(t, parseAamva(standard.replace('ANSI 636000100002', 'ANSI 63600010 0\x00\x00')));
  t.match(entries.fields, FIELDS);
  t.equal(entries.header.entries, 2, 'the count is taken from the designators');
  t.equal(entries.header.jurisdictionVersion, null);
  t.same(entries.problems, ['HEADER_JURISDICTION_VERSION_INVALID', 'HEADER_ENTRIES_INVALID', 'HEADER_UNDEFINED_BYTES']);
});

t.test('what is not an AAMVA payload is still refused', async (t) => {
  t.same(parseAamva('hello world'), { ok: false, problems: ['AAMVA_HEADER_INVALID'] });
  t.same(parseAamva('https://example.test/?q=ANSI 636000100102DL00410278'), { ok: false, problems: ['AAMVA_HEADER_INVALID'] }, 'the file type too far in');
  t.same(parseAamva('@\n\x1e\rANSI hello'), { ok: false, problems: ['AAMVA_HEADER_INVALID'] }, 'no IIN and version');
  t.same(parseAamva('@\n\x1e\rANSI 636000100099'), { ok: false, problems: ['AAMVA_HEADER_INVALID'] }, 'no designator');
  t.same(parseAamva('@\n\x1e\rANSI 6360001000xxDLabcdefghzz'), { ok: false, problems: ['AAMVA_HEADER_INVALID'] }, 'no count and no numeric designator');
  t.same(parseAamva('@\n\x1e\rANSI 636000100001DL00310010DL12345678\r'), { ok: false, problems: ['AAMVA_NO_ELEMENTS'] }, 'a header over no data element');
  // Random bytes, and random text that starts like a header, never parse.
  let seed = 11;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  let accepted = 0;
  for (let i = 0; i < 2000; i++) {
    const bytes = Buffer.from(Array.from({ length: 20 + Math.floor(rnd() * 300) }, () => Math.floor(rnd() * 256)));
    if (i % 2 === 0) bytes.write('@\n\x1e\rANSI 63', 0, 'latin1');
    if (parseAamva(bytes).ok) accepted++;
  }
  t.equal(accepted, 0);
});

t.test('mutated headers never throw and always say what they found', async (t) => {
  let seed = 5;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  let parsedCount = 0;
  let uncoded = 0;
  for (let i = 0; i < 3000; i++) {
    const chars = [...standard];
    for (let k = 1 + Math.floor(rnd() * 3); k > 0; k--) chars[Math.floor(rnd() * 41)] = String.fromCharCode(Math.floor(rnd() * 256));
    const r = parseAamva(chars.join(''));
    if (r.ok) parsedCount++;
    else if (r.problems.length === 0) uncoded++;
  }
  t.equal(uncoded, 0, 'every refusal has a code');
  // The file type and the IIN and version digits are required: a mutation there refuses.
  t.ok(parsedCount > 1000, `${parsedCount} of 3000 mutated headers still parse`);
});
