// sequences.csv for eval:remote-liveness: RFC 4180 quoting, line ends, and every malformed file refused
// with a message naming the line and the problem (never a silently shifted column or a missing frame
// found half-way through the run).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t, { type Test } from 'tap';
import { parseCsvRows } from '../../eval/lib/csv-rows.js';
import { loadSequences, parseSequences } from '../../eval/lib/sequences-csv.js';

const HEADER = 'sequence,label,species,source,frames,note';

function dataDir(t: Test): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sequences-csv-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(path.join(dir, 'a'));
  for (const f of ['a/1.jpg', 'a/2.jpg', 'a/3.jpg', 'still.jpg']) writeFileSync(path.join(dir, f), 'x');
  return dir;
}

t.test('quoted fields keep commas, quotes and line breaks; CRLF, BOM and blank lines are fine', async (t) => {
  t.same(parseCsvRows('a,"b,c","say ""hi""",\r\n\r\n"multi\nline",x\n'), [
    { line: 1, fields: ['a', 'b,c', 'say "hi"', ''] },
    { line: 3, fields: ['multi\nline', 'x'] },
  ]);
  t.same(parseCsvRows('\uFEFFh1,h2\nv1,v2'), [{ line: 1, fields: ['h1', 'h2'] }, { line: 2, fields: ['v1', 'v2'] }], 'BOM dropped, no final newline needed');
  t.same(parseCsvRows('"",x\n'), [{ line: 1, fields: ['', 'x'] }], 'an empty quoted field');

  const dir = dataDir(t);
  const rows = parseSequences(`\uFEFF${HEADER}\r\nlive-1,bona-fide,bona-fide,lab,a/1.jpg; a/2.jpg ;a/3.jpg,"frames, in order"\r\n`
    + `"print, held",attack,"print (paper, A4)",lab,still.jpg,"said ""still"""\r\n`, dir);
  t.equal(rows.length, 2);
  t.same(rows[0].frames, ['a/1.jpg', 'a/2.jpg', 'a/3.jpg'], 'frames split on ; and trimmed');
  t.equal(rows[0].framePaths[2], path.join(dir, 'a/3.jpg'));
  t.equal(rows[0].note, 'frames, in order');
  t.equal(rows[1].sequence, 'print, held');
  t.equal(rows[1].species, 'print (paper, A4)');
  t.equal(rows[1].note, 'said "still"');
  t.same(rows[1].frames, ['still.jpg'], 'a still is a one-frame sequence');
  const noNote = parseSequences('frames,label,sequence,species,source\na/1.jpg;a/2.jpg,attack,s1,print,lab\n', dir);
  t.equal(noNote[0].sequence, 's1', 'columns found by header name, in any order; note optional');
  t.equal(noNote[0].note, '');
});

t.test('malformed files are refused with the line and the problem', async (t) => {
  const dir = dataDir(t);
  const refuses = (body: string, message: RegExp, what: string) => t.throws(() => parseSequences(body, dir, 'x.csv'), message, what);
  refuses('', /x\.csv: empty/, 'empty file');
  refuses(`${HEADER}\n`, /no sequences after the header/, 'header only');
  refuses('sequence,label,species,frames\ns,attack,print,a/1.jpg\n', /line 1: header lacks source/, 'missing column');
  refuses(`${HEADER}\ns,attack,print,lab,a/1.jpg\n`, /line 2: 5 fields, the header has 6/, 'short row');
  refuses(`${HEADER}\ns,attack,print,lab,a/1.jpg,"open\n`, /line 2: a quoted field is never closed/, 'unterminated quote');
  refuses(`${HEADER}\ns,attack,print,lab,a/1.jpg,"a"b\n`, /line 2: text after a closing quote/, 'text after a closing quote');
  refuses(`${HEADER}\ns,attack,pr"int,lab,a/1.jpg,\n`, /line 2: a quote inside an unquoted field/, 'bare quote');
  refuses(`${HEADER}\ns,live,bona-fide,lab,a/1.jpg,\n`, /line 2: label must be bona-fide or attack \(got "live"\)/, 'unknown label');
  refuses(`${HEADER}\ns,bona-fide,print,lab,a/1.jpg,\n`, /line 2: a bona-fide sequence has species bona-fide/, 'label and species disagree');
  refuses(`${HEADER}\ns,attack,bona-fide,lab,a/1.jpg,\n`, /line 2: an attack needs its species/, 'attack without species');
  refuses(`${HEADER}\ns,attack,print,,a/1.jpg,\n`, /line 2: source is empty/, 'empty required field');
  refuses(`${HEADER}\ns,attack,print,lab,a/1.jpg,\ns,attack,print,lab,a/2.jpg,\n`, /line 3: sequence "s" already named on line 2/, 'duplicate name');
  refuses(`${HEADER}\ns,attack,print,lab,a/1.jpg;;a/2.jpg,\n`, /line 2: sequence "s": an empty frame path/, 'empty frame path');
  refuses(`${HEADER}\ns,attack,print,lab,a/1.jpg;a/9.jpg,\n`, /line 2: sequence "s": frame "a\/9\.jpg" is missing/, 'missing frame');
  refuses(`${HEADER}\ns,attack,print,lab,a,\n`, /frame "a" is missing/, 'a folder is not a frame');
  refuses(`${HEADER}\ns,attack,print,lab,../x.jpg,\n`, /frame "\.\.\/x\.jpg" is not a path inside the data folder/, 'path leaving the folder');
  refuses(`${HEADER}\ns,attack,print,lab,/etc/hostname,\n`, /not a path inside the data folder/, 'absolute path');
  t.throws(() => loadSequences(path.join(dir, 'a')), /sequences\.csv is missing: --data must be a folder with sequences\.csv/, 'no sequences.csv');
});
