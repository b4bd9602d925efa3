import t, { type Test } from 'tap';
import { buildConfig } from '../../src/config/index.js';
import { applyMrzPolicy, correctMrz, mrzCheckDigit, MRZ_LOOKALIKES, type MrzAlternative, type MrzCorrectionResult } from '../../src/documents/mrz/index.js';
import { buildTd3 } from '../helpers/documents/mrz-builder.js';

const now = new Date('2026-11-24T12:00:00Z');
const L1 = 'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<';
const L2 = 'L898902C36UTO7408122F1204159ZE184226B<<<<<10';
const policy = buildConfig({}).documents.mrz.correction;

/**
 * Alternatives as an OCR reports them: the read character first (confidence 0.95, unless `extra` at
 * that position lists the read character itself with its own), then `extra` at a position.
 */
function alternatives(lines: readonly string[], extra: Record<string, MrzAlternative[]>): MrzAlternative[][][] {
  return lines.map((l, li) => Array.from(l, (ch, p) => {
    const more = extra[`${li}:${p}`] ?? [];
    const own = more.find((a) => a.char === ch);
    return [own ?? { char: ch, confidence: 0.95 }, ...more.filter((a) => a !== own)];
  }));
}

function assertUnreadable(t: Test, r: MrzCorrectionResult, asRead: readonly string[]): void {
  t.equal(r.unreadable, true, 'unreadable');
  t.same(r.lines, asRead, 'the lines come back exactly as read');
  t.same(r.corrections, [], 'nothing changed');
  t.equal(r.result.valid, false);
  t.ok(r.result.problems.some((p) => p.code === 'MRZ_UNREADABLE' && p.severity === 'error' && /read the document again/.test(p.message)), 'MRZ_UNREADABLE');
}

t.test('the documented defaults: confidence floor 0.85, score margin 0.02, at most 2 changes per field, change cost 0.05', async (t) => {
  t.same(policy, { minAlternativeConfidence: 0.85, minScoreMargin: 0.02, maxChangesPerField: 2, maxChangeCost: 0.05 });
  t.throws(() => buildConfig({ documents: { mrz: { correction: { maxChangeCost: 0.6 } } } }), { message: 'config config.documents.mrz.correction.maxChangeCost: expected a number in 0..0.5, received 0.6' });
  t.throws(() => buildConfig({ documents: { mrz: { correction: { maxChangeCost: -0.01 } } } }), { message: 'config config.documents.mrz.correction.maxChangeCost: expected a number in 0..0.5, received -0.01' });
  t.throws(() => buildConfig({ documents: { mrz: { correction: { minScoreMargin: -0.1 } } } }), { message: 'config config.documents.mrz.correction.minScoreMargin: expected a number in 0..1, received -0.1' });
  t.throws(() => buildConfig({ documents: { mrz: { correction: { minAlternativeConfidence: 0.3 } } } }), { message: 'config config.documents.mrz.correction.minAlternativeConfidence: expected a number in 0.5..1, received 0.3' });
  t.throws(() => buildConfig({ documents: { mrz: { correction: { maxChangesPerField: 1.5 } } } }), { message: 'config config.documents.mrz.correction.maxChangesPerField: expected an integer in 0..3, received 1.5' });
  t.throws(() => buildConfig({ documents: { mrz: { correction: { floor: 0.9 } } } }), { message: 'config config.documents.mrz.correction.floor: expected no such key (misspelled?), received 0.9' });
});

t.test('letters read in digit-only positions become their digit look-alike (class), confirmed by the check digits', async (t) => {
  const r = correctMrz({ lines: [L1, 'L898902C36UTO74O8122F12O4159ZE184226B<<<<<1O'] }, { now });
  t.same(r.lines, [L1, L2]);
  t.same(r.corrections.map((c) => [c.line, c.position, c.from, c.to, c.reason, c.confidence]), [
    [1, 15, 'O', '0', 'class', null], [1, 23, 'O', '0', 'class', null], [1, 43, 'O', '0', 'class', null],
  ]);
  t.equal(r.unreadable, false);
  t.equal(r.result.valid, true);
});

t.test('digits read in letter-only positions (state codes, names) become letters', async (t) => {
  const r = correctMrz({ lines: ['P<UT0ERIKSSON<<ANNA<MAR1A<<<<<<<<<<<<<<<<<<<', 'L898902C36UT07408122F1204159ZE184226B<<<<<10'] }, { now });
  t.same(r.lines, [L1, L2]);
  t.equal(r.result.valid, true);
});

t.test('a misread document number is never "repaired" into another number whose check digit validates', async (t) => {
  // The true number L898902C3 (check digit 6) with its L misread as E. The look-alike search used to
  // change the 8 at position 2 to B: EB98902C3 also has check digit 6, a wrong number that validates.
  t.equal(mrzCheckDigit('EB98902C3'), 6, 'the trap is real: the wrong repair validates');
  const misread = [L1, `E${L2.slice(1)}`];
  const r = correctMrz({ lines: misread }, { now });
  assertUnreadable(t, r, misread);
  t.same(r.unsupported, ['documentNumber']);
  t.same(applyMrzPolicy(r.result, buildConfig({ documents: { mrz: { acceptSpecimens: true } } }).documents.mrz, now).reasons.includes('MRZ_UNREADABLE'), true, 'policy refuses it');

  // The OCR offering B for that 8, but below the confidence floor, is no support either.
  const weak = correctMrz({ lines: misread, alternatives: alternatives(misread, { '1:1': [{ char: 'B', confidence: 0.7 }] }) }, { now });
  assertUnreadable(t, weak, misread);
  // With the true letter offered well above the floor, the read is repaired to the true number.
  const strong = correctMrz({ lines: misread, alternatives: alternatives(misread, { '1:0': [{ char: 'L', confidence: 0.9 }], '1:1': [{ char: 'B', confidence: 0.7 }] }) }, { now });
  t.equal(strong.unreadable, false);
  t.same(strong.lines, [L1, L2]);
  t.same(strong.corrections, [{ line: 1, position: 0, from: 'E', to: 'L', reason: 'check-digit', confidence: 0.9 }]);
});

t.test('every single-character misread of a document number: no look-alike repair without OCR support', async (t) => {
  // Each position of each number misread as every other character; without OCR alternatives the
  // document number may only come back as read (valid by chance, 1 in 10) or unreadable.
  let traps = 0;
  let unreadable = 0;
  for (const number of ['L898902C3', 'C01X00T47', 'AB1234567']) {
    const [l1, l2] = buildTd3({ number, state: 'UTO', nationality: 'UTO' });
    for (let p = 0; p < 9; p++) {
      for (const c of '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ') {
        if (c === number[p]) continue;
        const misread = [l1, l2.slice(0, p) + c + l2.slice(p + 1)];
        const r = correctMrz({ lines: misread }, { now });
        if (r.unreadable) unreadable++;
        else t.same(r.lines, misread, `${misread[1]} is left as read`);
        // Would a one-character look-alike change of the misread have validated? Then the old search had a wrong repair.
        const read = misread[1].slice(0, 9);
        if ([...read].some((ch, q) => (MRZ_LOOKALIKES[ch] ?? []).some((alt) => String(mrzCheckDigit(read.slice(0, q) + alt + read.slice(q + 1))) === misread[1][9]))) traps++;
      }
    }
  }
  t.ok(traps > 50, `${traps} misreads had a validating look-alike repair`);
  t.ok(unreadable > 800, `${unreadable} misreads reported unreadable`);
});

t.test('O read for 0 in a document number: repaired only when the OCR offers the 0 itself with high confidence', async (t) => {
  const read = [L1, 'L8989O2C36UTO7408122F1204159ZE184226B<<<<<10'];
  assertUnreadable(t, correctMrz({ lines: read }, { now }), read);
  const offered = correctMrz({ lines: read, alternatives: alternatives(read, { '1:5': [{ char: '0', confidence: 0.93 }] }) }, { now });
  t.same(offered.lines, [L1, L2]);
  t.same(offered.corrections, [{ line: 1, position: 5, from: 'O', to: '0', reason: 'check-digit', confidence: 0.93 }]);
  const belowFloor = correctMrz({ lines: read, alternatives: alternatives(read, { '1:5': [{ char: '0', confidence: 0.84 }] }) }, { now });
  assertUnreadable(t, belowFloor, read);
  // A near tie below the floor: the floor alone refuses it, and a lower configured floor admits it.
  const nearTieBelow = alternatives(read, { '1:5': [{ char: 'O', confidence: 0.86 }, { char: '0', confidence: 0.84 }] });
  assertUnreadable(t, correctMrz({ lines: read, alternatives: nearTieBelow }, { now }), read);
  const lowerFloor = correctMrz({ lines: read, alternatives: nearTieBelow }, { now, correction: { ...policy, minAlternativeConfidence: 0.8 } });
  t.same(lowerFloor.lines, [L1, L2], 'the floor is the configured one');
});

t.test('the reading the OCR scores best wins when it leads the next valid one; a tie refuses', async (t) => {
  const read = [L1, 'L8989O2C36UTO7408122F1204159ZE184226B<<<<<10'];
  // As the reader saw it on a rendered TD3: O for 0, and B offered (above the floor) for both 8s.
  // The two 8->B changes cancel in the sum (weights 3 and 7: +30), so L898902C3 and LB9B902C3 both
  // validate; the second costs two more near-misses (0.03 each here): the first is taken.
  t.equal(mrzCheckDigit('LB9B902C3'), mrzCheckDigit('L898902C3'));
  const nearTie = (read: string, alt: string): MrzAlternative[] => [{ char: read, confidence: 0.91 }, { char: alt, confidence: 0.88 }];
  const far = correctMrz({ lines: read, alternatives: alternatives(read, { '1:1': nearTie('8', 'B'), '1:3': nearTie('8', 'B'), '1:5': nearTie('O', '0') }) }, { now });
  t.same(far.lines, [L1, L2]);
  t.same(far.corrections.map((c) => [c.position, c.to]), [[5, '0']]);
  // E offered for the C also validates with one change (L8989O2E3): two single-change readings, neither taken.
  t.equal(mrzCheckDigit('L8989O2E3'), 6);
  const tie = correctMrz({ lines: read, alternatives: alternatives(read, { '1:5': nearTie('O', '0'), '1:7': nearTie('C', 'E') }) }, { now });
  t.same(tie.ambiguous, ['documentNumber']);
  assertUnreadable(t, tie, read);
});

t.test('a number whose every 0/O is a near tie: many readings validate, none is taken', async (t) => {
  // The OCR scores 0 and O within 0.005 of each other along the whole number, as on a worn page.
  const read = [L1, `AO0O0O0O02${L2.slice(10)}`];
  const extra: Record<string, MrzAlternative[]> = {};
  for (let p = 1; p < 9; p++) extra[`1:${p}`] = [{ char: read[1][p] === 'O' ? '0' : 'O', confidence: 0.945 }];
  let validReadings = 0;
  for (let mask = 0; mask < 256; mask++) {
    const number = [...read[1].slice(0, 9)].map((ch, p) => (p > 0 && mask & (1 << (p - 1)) ? (ch === 'O' ? '0' : 'O') : ch)).join('');
    if (String(mrzCheckDigit(number)) === '2') validReadings++;
  }
  t.ok(validReadings > 2, `${validReadings} readings validate`);
  const r = correctMrz({ lines: read, alternatives: alternatives(read, extra) }, { now });
  t.same(r.ambiguous, ['documentNumber']);
  assertUnreadable(t, r, read);
});

t.test('a strong alternative at a correctly read position does not "repair" a misread elsewhere, however few readings validate', async (t) => {
  // The ICAO specimen number L898902C3 read as L888902C3: the misread at position 2 has no
  // alternative. At position 5, read correctly with 0.95, the OCR offers '1' at 0.86, above the
  // floor: L888912C3 validates and is the only supported reading that does, so no runner-up exists
  // and the margin rule cannot refuse it. The composite digit cannot either: the number's characters
  // carry the same 7-3-1 weights there.
  t.equal(mrzCheckDigit('L888902C3'), 5, 'as read, the number fails its check digit (6)');
  t.equal(mrzCheckDigit('L888912C3'), 6, 'the trap is real: the wrong repair validates');
  const read = [L1, `L888902C3${L2.slice(9)}`];
  const trap = alternatives(read, { '1:5': [{ char: '1', confidence: 0.86 }] });
  const r = correctMrz({ lines: read, alternatives: trap }, { now });
  assertUnreadable(t, r, read);
  t.same(r.unsupported, ['documentNumber']);
  t.same(r.ambiguous, []);
  t.ok(applyMrzPolicy(r.result, buildConfig({ documents: { mrz: { acceptSpecimens: true } } }).documents.mrz, now).reasons.includes('MRZ_UNREADABLE'), 'policy refuses it');
  // The unique valid reading meets the same bar as a contested one: only a cost bar loose enough to
  // admit the 0.09 gap takes it (which is why the key is bounded and documented).
  const loose = correctMrz({ lines: read, alternatives: trap }, { now, correction: { ...policy, maxChangeCost: 0.1 } });
  t.same(loose.lines[1].slice(0, 9), 'L888912C3', 'the bar, not the margin, is what refuses it');
  // With the true digit offered as a near tie at the misread position, the read is repaired to the
  // truth, and the strong runner-up at position 5 plays no part.
  const truthOffered = alternatives(read, { '1:2': [{ char: '8', confidence: 0.9 }, { char: '9', confidence: 0.88 }], '1:5': [{ char: '1', confidence: 0.86 }] });
  const fixed = correctMrz({ lines: read, alternatives: truthOffered }, { now });
  t.equal(fixed.unreadable, false);
  t.same(fixed.lines, [L1, L2]);
  t.same(fixed.corrections, [{ line: 1, position: 2, from: '8', to: '9', reason: 'check-digit', confidence: 0.88 }]);
});

t.test('class corrections need no near tie: the read character cannot occur there', async (t) => {
  // O in the birth date, the OCR scoring the 0 well below the O: the O is impossible, so the 0 is taken.
  const read = [L1, 'L898902C36UTO74O8122F1204159ZE184226B<<<<<10'];
  const r = correctMrz({ lines: read, alternatives: alternatives(read, { '1:15': [{ char: '0', confidence: 0.86 }] }) }, { now });
  t.same(r.lines, [L1, L2]);
  t.same(r.corrections, [{ line: 1, position: 15, from: 'O', to: '0', reason: 'class', confidence: 0.86 }]);
});

t.test('at most maxChangesPerField characters change in one field', async (t) => {
  // Three misreads (8->B, 0->O, 2->Z), each with the truth offered; only the full repair validates.
  const read = [L1, 'L89B9OZC36UTO7408122F1204159ZE184226B<<<<<10'];
  const alts = alternatives(read, { '1:3': [{ char: '8', confidence: 0.9 }], '1:5': [{ char: '0', confidence: 0.9 }], '1:6': [{ char: '2', confidence: 0.9 }] });
  const two = correctMrz({ lines: read, alternatives: alts }, { now });
  assertUnreadable(t, two, read);
  t.same(two.unsupported, ['documentNumber']);
  const three = correctMrz({ lines: read, alternatives: alts }, { now, correction: { ...policy, maxChangesPerField: 3 } });
  t.same(three.lines, [L1, L2]);
  t.equal(three.corrections.length, 3);
  // Class corrections count too: with a budget of 0 no identifying character changes at all.
  const letterInDate = [L1, 'L898902C36UTO74O8122F1204159ZE184226B<<<<<10'];
  assertUnreadable(t, correctMrz({ lines: letterInDate }, { now, correction: { ...policy, maxChangesPerField: 0 } }), letterInDate);
  // Two class corrections in the birth date fit the default budget; three do not.
  const twoLetters = [L1, 'L898902C36UTO74O8I22F1204159ZE184226B<<<<<10'];
  t.same(correctMrz({ lines: twoLetters }, { now }).lines, [L1, L2]);
  const threeLetters = [L1, 'L898902C36UTO74O8IZ2F1204159ZE184226B<<<<<10'];
  assertUnreadable(t, correctMrz({ lines: threeLetters }, { now }), threeLetters);
  t.same(correctMrz({ lines: threeLetters }, { now, correction: { ...policy, maxChangesPerField: 3 } }).lines, [L1, L2]);
});

t.test('a class correction whose check digit then fails is not kept', async (t) => {
  // O in the birth date becomes 0, but the date was also misread elsewhere (7 for 1): the digit stays wrong.
  const read = [L1, 'L898902C36UTO74O8722F1204159ZE184226B<<<<<10'];
  const r = correctMrz({ lines: read }, { now });
  assertUnreadable(t, r, read);
  t.same(r.unsupported, ['dateOfBirth']);
});

t.test('two equally good supported readings: nothing is changed, the check is ambiguous and the read unreadable', async (t) => {
  // Z at positions 28 and 34 (0-based) have the same weight in the personal number's sum, so its digit cannot decide.
  const read = [L1, 'L898902C36UTO7408122F1204159ZE1842Z6B<<<<<10'];
  const r = correctMrz({ lines: read, alternatives: alternatives(read, { '1:28': [{ char: '2', confidence: 0.9 }], '1:34': [{ char: '2', confidence: 0.9 }] }) }, { now });
  t.same(r.ambiguous, ['personalNumber']);
  assertUnreadable(t, r, read);
});

t.test('a valid MRZ is left alone', async (t) => {
  const r = correctMrz({ lines: [L1, L2], alternatives: alternatives([L1, L2], { '1:5': [{ char: 'O', confidence: 0.94 }] }) }, { now });
  t.same(r.corrections, []);
  t.equal(r.unreadable, false);
});

t.test('optional data without its own check digit is never steered, only class-corrected', async (t) => {
  // TD1 optional data: an alternative the OCR offers there has nothing to validate it.
  const td1 = ['I<UTOD231458907<<<<<<<<<<<<<<<', '7408122F1204159UTO<<<<<<<<<<<6', 'ERIKSSON<<ANNA<MARIA<<<<<<<<<<'];
  const r = correctMrz({ lines: td1, alternatives: alternatives(td1, { '0:20': [{ char: 'A', confidence: 0.99 }] }) }, { now });
  t.same(r.lines, td1);
  t.same(r.corrections, []);
  const letterComposite = [td1[0], `${td1[1].slice(0, 29)}G`, td1[2]];
  const c = correctMrz({ lines: letterComposite }, { now });
  t.same(c.lines, td1, 'G in the composite digit is the 6 the composite confirms');
  t.same(c.corrections.map((x) => [x.from, x.to, x.reason]), [['G', '6', 'class']]);
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
  t.equal(r.unreadable, false);
  t.equal(r.result.ok, false);
});

t.test('random misreads with random alternatives: every change to an identifying field is supported, bounded and confirmed', async (t) => {
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const pick = (s: string) => s[Math.floor(rnd() * s.length)];
  const mrzChars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<';
  const noise = `${mrzChars}<<<<<<<Kk \u00e9`;
  const base = [L1, L2];
  let unexplained = 0;
  let corrected = 0;
  let unsupportedChanges = 0;
  let overBudget = 0;
  let wrongByCorrection = 0;
  let wrongAsRead = 0;
  for (let i = 0; i < 3000; i++) {
    // One to three misreads; at each, the OCR offers the true character at a random confidence (or not).
    const lines = base.map((l) => [...l]);
    const extra: Record<string, MrzAlternative[]> = {};
    for (let k = 1 + Math.floor(rnd() * 3); k > 0; k--) {
      const li = rnd() < 0.8 ? 1 : 0;
      const p = Math.floor(rnd() * 44);
      lines[li][p] = pick(noise);
      if (rnd() < 0.7) extra[`${li}:${p}`] = [{ char: base[li][p], confidence: 0.5 + rnd() / 2 }];
      const q = Math.floor(rnd() * 44);
      if (rnd() < 0.5) extra[`${li}:${q}`] = [...(extra[`${li}:${q}`] ?? []), { char: pick(mrzChars), confidence: 0.5 + rnd() / 2 }];
    }
    const read = lines.map((l) => l.join(''));
    if (rnd() < 0.05) read[1] = read[1].slice(0, Math.floor(rnd() * 44));
    const r = correctMrz({ lines: read, alternatives: alternatives(read, extra) }, { now });
    if (!r.result.valid && !r.result.problems.some((p) => p.severity === 'error')) unexplained++;
    // Identifying data (number, dates, their digits) other than the truth, in a reading whose digits all validate.
    const identifying = (l: string) => l.slice(0, 10) + l.slice(13, 20) + l.slice(21, 28);
    if (!r.unreadable && r.result.ok && r.result.checks.every((c) => c.valid) && identifying(r.lines[1]) !== identifying(L2)) {
      if (r.corrections.some((c) => c.line === 1 && identifying(L2.slice(0, c.position)).length < identifying(L2.slice(0, c.position + 1)).length)) wrongByCorrection++;
      else wrongAsRead++;
    }
    const perField = new Map<string, number>();
    for (const c of r.corrections) {
      if (c.line !== 1) continue;
      corrected++;
      const field = c.position < 10 ? 'number' : c.position >= 13 && c.position < 20 ? 'birth' : c.position >= 21 && c.position < 28 ? 'expiry' : c.position >= 28 && c.position < 43 ? 'personal' : c.position === 43 ? 'composite' : 'other';
      if (field === 'other') continue;
      perField.set(field, (perField.get(field) ?? 0) + 1);
      // The read character scored 0.95 (the helper's default) wherever it may occur.
      if (!(c.reason === 'class' || (c.confidence !== null && c.confidence >= policy.minAlternativeConfidence && 0.95 - c.confidence <= policy.maxChangeCost + 1e-9))) unsupportedChanges++;
    }
    if ([...perField.values()].some((n) => n > policy.maxChangesPerField)) overBudget++;
  }
  t.equal(unexplained, 0, 'an invalid result always says why');
  t.equal(unsupportedChanges, 0, 'no identifying character changed without class or OCR support');
  t.equal(overBudget, 0, 'no field changed beyond the budget');
  t.ok(corrected > 300, `${corrected} line-2 corrections made`);
  t.comment(`wrong identifying data with valid digits: ${wrongAsRead} read so (the checksum's own 1 in 10), ${wrongByCorrection} after a supported correction`);
  t.ok(wrongByCorrection < wrongAsRead / 10, 'supported corrections add far less risk than the check digit itself leaves');
});
