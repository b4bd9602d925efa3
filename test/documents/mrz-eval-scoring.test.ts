import t from 'tap';
import { scoreMrzRead, truthFromCell } from '../../eval/lib/mrz-scoring.js';

const TD3 = ['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C36UTO7408122F1204159ZE184226B<<<<<10'];

t.test('an image whose expected MRZ is empty: correct when nothing is read, wrong when anything is', async (t) => {
  const truth = truthFromCell('');
  t.same(truth, { kind: 'no-mrz' });
  t.same(truthFromCell('  '), { kind: 'no-mrz' });
  t.same(scoreMrzRead(truth, [], false), { truth: 'no-mrz', found: false, chars: 0, charsRight: 0, lines: 0, linesRight: 0, correct: true, checksValid: false });
  t.equal(scoreMrzRead(truth, TD3, true).correct, false, 'a valid MRZ read where there is none is wrong');
  t.equal(scoreMrzRead(truth, ['<<<<'], false).correct, false, 'so is any line at all');
});

t.test('labelled images: characters and lines in place, correct only when every line is exact', async (t) => {
  const truth = truthFromCell(TD3.join('|'));
  t.same(truth, { kind: 'lines', lines: TD3 });
  t.same(scoreMrzRead(truth, TD3, true), { truth: 'lines', found: true, chars: 88, charsRight: 88, lines: 2, linesRight: 2, correct: true, checksValid: true });
  const oneWrong = scoreMrzRead(truth, [TD3[0], TD3[1].replace('C36', 'C86')], false);
  t.same([oneWrong.charsRight, oneWrong.linesRight, oneWrong.correct], [87, 1, false]);
  const nothing = scoreMrzRead(truth, [], false);
  t.same([nothing.found, nothing.charsRight, nothing.correct], [false, 0, false]);
  t.equal(scoreMrzRead(truth, [...TD3, TD3[1]], true).correct, false, 'an extra line is not exact');
});

t.test('unlabeled images are not judged correct or wrong', async (t) => {
  t.same(scoreMrzRead({ kind: 'unlabeled' }, TD3, true), { truth: 'unlabeled', found: true, chars: 0, charsRight: 0, lines: 0, linesRight: 0, correct: null, checksValid: true });
});
