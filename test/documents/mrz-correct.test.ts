import t from 'tap';
import { correctMrz } from '../../src/documents/mrz/index.js';

const now = new Date('2026-11-24T12:00:00Z');
const L1 = 'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<';
const L2 = 'L898902C36UTO7408122F1204159ZE184226B<<<<<10';

t.test('letters read in digit-only positions become their digit look-alike', async (t) => {
  const r = correctMrz({ lines: [L1, 'L898902C36UTO74O8122F12O4159ZE184226B<<<<<1O'] }, { now });
  t.same(r.lines, [L1, L2]);
  t.same(r.corrections.map((c) => [c.line, c.position, c.from, c.to, c.reason]), [
    [1, 15, 'O', '0', 'class'], [1, 23, 'O', '0', 'class'], [1, 43, 'O', '0', 'class'],
  ]);
  t.equal(r.result.valid, true);
});

t.test('digits read in letter-only positions (state codes, names) become letters', async (t) => {
  const r = correctMrz({ lines: ['P<UT0ERIKSSON<<ANNA<MAR1A<<<<<<<<<<<<<<<<<<<', 'L898902C36UT07408122F1204159ZE184226B<<<<<10'] }, { now });
  t.same(r.lines, [L1, L2]);
  t.equal(r.result.valid, true);
});

t.test('an alphanumeric field is corrected only when its check digit singles out one reading', async (t) => {
  const r = correctMrz({ lines: [L1, 'L8989O2C36UTO7408122F1204159ZE184226B<<<<<10'] }, { now });
  t.same(r.lines, [L1, L2]);
  t.same(r.corrections, [{ line: 1, position: 5, from: 'O', to: '0', reason: 'check-digit' }]);
  t.same(r.ambiguous, []);
});

t.test('8/B confusion with several valid readings is reported, not guessed', async (t) => {
  // B->8 at 2, 8->B at 4 and 2->Z at 7 all satisfy the document-number digit.
  const r = correctMrz({ lines: [L1, 'LB98902C36UTO7408122F1204159ZE184226B<<<<<10'] }, { now });
  t.same(r.ambiguous, ['documentNumber']);
  t.same(r.corrections, []);
  t.same(correctMrz({ lines: [L1, L2] }, { now }).corrections, [], 'a valid MRZ is left alone');
});

t.test('two equally good readings: nothing is changed and the check is reported ambiguous', async (t) => {
  // Z at positions 29 and 35 have the same weight in both sums, so neither digit can decide.
  const r = correctMrz({ lines: [L1, 'L898902C36UTO7408122F1204159ZE1842Z6B<<<<<10'] }, { now });
  t.same(r.ambiguous, ['personalNumber']);
  t.same(r.corrections, []);
  t.equal(r.result.valid, false);
});

t.test('OCR-supplied alternatives are tried, best first', async (t) => {
  const lines = [L1, 'L898902C36UTO7408122F1204159ZE184226B<<<<<10'.replace('C36', 'E36')];
  // Where the OCR gives alternatives they replace the look-alike table, so only E/C/F is in play here.
  const candidates = lines.map((l) => Array.from(l, (ch) => [ch]));
  candidates[1][7] = ['E', 'C', 'F'];
  const r = correctMrz({ lines, candidates }, { now });
  t.same(r.lines, [L1, L2]);
  t.same(r.corrections, [{ line: 1, position: 7, from: 'E', to: 'C', reason: 'check-digit' }]);
});

t.test('K read for < in a name filler run', async (t) => {
  const r = correctMrz({ lines: ['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<K<<<<<KK<', L2] }, { now });
  t.same(r.lines, [L1, L2]);
  t.ok(r.corrections.every((c) => c.reason === 'filler' && c.from === 'K' && c.to === '<'));
  const keep = correctMrz({ lines: ['P<UTOERIKSSON<<KARL<KLAUS<<<<<<<<<<<<<<<<<<<', L2] }, { now });
  t.same(keep.corrections, [], 'K inside names stays');
});

t.test('wrong shapes are passed to the parser unchanged', async (t) => {
  const r = correctMrz({ lines: ['P<UTO', 'X'] }, { now });
  t.same(r.corrections, []);
  t.equal(r.result.ok, false);
});

t.test('random and mutated input never throws, and a result always says why it is invalid', async (t) => {
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<<<<<<<<Kk \u00e9';
  const base = [L1, L2];
  let unexplained = 0;
  let parsedCount = 0;
  for (let i = 0; i < 2000; i++) {
    const lines = base.map((l) => Array.from(l, (ch) => (rnd() < 0.05 ? alphabet[Math.floor(rnd() * alphabet.length)] : ch)).join(''));
    if (rnd() < 0.1) lines[1] = lines[1].slice(0, Math.floor(rnd() * 44));
    const r = correctMrz({ lines }, { now });
    if (r.result.ok) parsedCount++;
    if (!r.result.valid && !r.result.problems.some((p) => p.severity === 'error')) unexplained++;
  }
  t.equal(unexplained, 0);
  t.ok(parsedCount > 500, `${parsedCount} of the mutated MRZs still parse`);
});
