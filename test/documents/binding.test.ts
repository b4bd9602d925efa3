import t from 'tap';
import { bindHolderToAccount, holderFromMrz, toMrzTokens, type DirectoryIdentity } from '../../src/documents/binding/index.js';
import { parseMrz, type MrzParsed } from '../../src/documents/mrz/index.js';
import { buildTd3 } from '../helpers/documents/mrz-builder.js';

const now = new Date('2026-11-24T12:00:00Z');
const holder = (name: string, dob = '740812') => holderFromMrz(parseMrz(buildTd3({ name, dob }), { now }) as MrzParsed);
const bind = (name: string, id: DirectoryIdentity, dob?: string) => bindHolderToAccount(holder(name, dob), id);

t.test('ICAO transliteration and the accent-stripped alternative', async (t) => {
  const cases: Array<[string, string, string]> = [
    ['Müller', 'MUELLER', 'MULLER'],
    ['Jörg Groß', 'JOERG GROSS', 'JORG GROSS'],
    ['Åsa Ødegård', 'AASA OEDEGAARD', 'ASA OEDEGARD'],
    ['Þórunn', 'THORUNN', 'THORUNN'],
    ['Ægir', 'AEGIR', 'AEGIR'],
    ['José García-Núñez', 'JOSE GARCIA NUNEZ', 'JOSE GARCIA NUNEZ'],
    ["O'Brien", 'OBRIEN', 'OBRIEN'],
    ['Łukasz Wałęsa', 'LUKASZ WALESA', 'LUKASZ WALESA'],
    ['Иван Петров', 'IVAN PETROV', 'IVAN PETROV'],
    ['Юлия Щербакова', 'IULIIA SHCHERBAKOVA', 'IULIIA SHCHERBAKOVA'],
    ['Ðorđe', 'DORDE', 'DORDE'],
    ['Œuvray', 'OEUVRAY', 'OEUVRAY'],
  ];
  for (const [input, icao, stripped] of cases) {
    t.equal(toMrzTokens(input, 'icao').join(' '), icao, `${input} icao`);
    t.equal(toMrzTokens(input, 'accent-stripped').join(' '), stripped, `${input} stripped`);
  }
});

t.test('matches', async (t) => {
  const cases: Array<[string, string, DirectoryIdentity]> = [
    ['exact given/family', 'ERIKSSON<<ANNA<MARIA', { givenName: 'Anna Maria', familyName: 'Eriksson' }],
    ['display name only', 'ERIKSSON<<ANNA<MARIA', { displayName: 'Anna Maria Eriksson' }],
    ['display name "Family, Given"', 'ERIKSSON<<ANNA<MARIA', { displayName: 'Eriksson, Anna Maria' }],
    ['umlaut, ICAO form', 'MUELLER<<JOERG', { givenName: 'Jörg', familyName: 'Müller' }],
    ['umlaut, stripped form', 'MULLER<<JORG', { givenName: 'Jörg', familyName: 'Müller' }],
    ['sharp s', 'GROSS<<ERIKA', { givenName: 'Erika', familyName: 'Groß' }],
    ['Nordic letters', 'OEDEGAARD<<AASA', { givenName: 'Åsa', familyName: 'Ødegård' }],
    ['thorn', 'THORSDOTTIR<<THORUNN', { givenName: 'Þórunn', familyName: 'Þórsdóttir' }],
    ['ae ligature', 'AEBELOE<<SOEREN', { givenName: 'Søren', familyName: 'Æbelø' }],
    ['accents', 'GARCIA<NUNEZ<<JOSE', { givenName: 'José', familyName: 'García Núñez' }],
    ['hyphenated given name', 'ERIKSSON<<ANNA<MARIA', { givenName: 'Anna-Maria', familyName: 'Eriksson' }],
    ['apostrophe', 'OBRIEN<<SEAN', { givenName: 'Seán', familyName: "O'Brien" }],
    ['particle run together', 'VANDERBERG<<JAN', { givenName: 'Jan', familyName: 'van der Berg' }],
    ['particles split', 'VAN<DER<BERG<<JAN', { givenName: 'Jan', familyName: 'van der Berg' }],
    ['middle name missing in directory', 'ERIKSSON<<ANNA<MARIA', { givenName: 'Anna', familyName: 'Eriksson' }],
    ['known by the second given name', 'ERIKSSON<<ANNA<MARIA', { givenName: 'Maria', familyName: 'Eriksson' }],
    ['middle name missing on the document', 'ERIKSSON<<ANNA', { givenName: 'Anna Maria', familyName: 'Eriksson' }],
    ['given and family swapped in the directory', 'ERIKSSON<<ANNA<MARIA', { givenName: 'Eriksson', familyName: 'Anna Maria' }],
    ['display name family first', 'NAKAMURA<<HIROSHI', { displayName: 'Nakamura Hiroshi' }],
    ['Cyrillic directory name', 'PETROV<<IVAN', { givenName: 'Иван', familyName: 'Петров' }],
    ['case and spacing', 'ERIKSSON<<ANNA', { givenName: '  anna ', familyName: 'ERIKSSON' }],
    ['one-letter typo in the directory', 'ERIKSSON<<ANNA', { givenName: 'Anna', familyName: 'Erikson' }],
  ];
  for (const [label, mrzName, id] of cases) {
    const r = bind(mrzName, id);
    t.equal(r.outcome, 'match', `${label}: ${r.reason}`);
    t.ok(r.score >= r.threshold && r.score <= 1, `${label} score ${r.score}`);
  }
});

t.test('truncated MRZ names', async (t) => {
  // TD3 name field is 39 characters; this one is cut inside the second given name.
  const r = bind('CACADOR<DE<ARAUJO<<ANDRE<ESTEVAO<MARIA<', { givenName: 'André Estevão Maria', familyName: 'Caçador de Araújo' });
  t.equal(r.outcome, 'match');
  const cut = holderFromMrz(parseMrz(['I<PRT007777779<ZZ92<<<<<<<<<<<', '8303143M3405282PRT<<<<<<<<<<<2', 'CACADOR<DE<ARAUJO<<ANDRE<ESTEV'], { now }) as MrzParsed);
  t.equal(cut.mayBeTruncated, true);
  const tr = bindHolderToAccount(cut, { givenName: 'André Estevão', familyName: 'Caçador de Araújo' });
  t.equal(tr.outcome, 'match');
  t.equal(tr.details.truncationUsed, true);
  t.match(tr.reason, /MRZ truncation/);
  const initial = bindHolderToAccount({ primaryParts: ['WOLFESCHLEGELSTEINHAUSENBERGERDORFF'], secondaryParts: ['H'], mayBeTruncated: true }, { givenName: 'Hubert', familyName: 'Wolfeschlegelsteinhausenbergerdorff' });
  t.equal(initial.outcome, 'match', 'truncated to an initial');
  const notTruncated = bindHolderToAccount({ primaryParts: ['ERIKSSON'], secondaryParts: ['AN'], mayBeTruncated: false }, { givenName: 'Anna', familyName: 'Eriksson' });
  t.equal(notTruncated.details.truncationUsed, false, 'a prefix only counts when the field is full');
});

t.test('mismatches', async (t) => {
  const cases: Array<[string, string, DirectoryIdentity]> = [
    ['another person', 'ERIKSSON<<ANNA<MARIA', { givenName: 'John', familyName: 'Smith' }],
    ['same given name, other surname', 'ERIKSSON<<ANNA', { givenName: 'Anna', familyName: 'Eriksen' }],
    ['same surname, other given name', 'ERIKSSON<<ANNA', { givenName: 'Peter', familyName: 'Eriksson' }],
    ['display name of someone else', 'ERIKSSON<<ANNA', { displayName: 'Anders Andersson' }],
    ['surname only matches as a given name', 'PETER<<JOHN', { givenName: 'Peter', familyName: 'Parker' }],
  ];
  for (const [label, mrzName, id] of cases) {
    const r = bind(mrzName, id);
    t.equal(r.outcome, 'mismatch', `${label}: ${r.reason} (${r.score})`);
    t.ok(r.score < r.threshold);
  }
  const smith = bind('ERIKSSON<<ANNA<MARIA', { givenName: 'John', familyName: 'Smith' });
  t.equal(smith.score, 0);
  t.equal(smith.reason, 'names differ (surname 0, given names 0; score 0 < 0.85)');
});

t.test('date of birth from the directory', async (t) => {
  const same = bind('ERIKSSON<<ANNA', { givenName: 'Anna', familyName: 'Eriksson', dateOfBirth: '1974-08-12' });
  t.equal(same.outcome, 'match');
  t.equal(same.details.dateOfBirth, 'match');
  const other = bind('ERIKSSON<<ANNA', { givenName: 'Anna', familyName: 'Eriksson', dateOfBirth: '1974-08-13' });
  t.equal(other.outcome, 'mismatch');
  t.equal(other.score, 0);
  t.equal(other.reason, 'date of birth differs from the directory');
  const partial = bind('ERIKSSON<<ANNA', { givenName: 'Anna', familyName: 'Eriksson', dateOfBirth: '1974-03-01' }, '74<<<<');
  t.equal(partial.details.dateOfBirth, 'match', 'unknown MRZ month and day are not held against the holder');
  t.equal(bind('ERIKSSON<<ANNA', { givenName: 'Anna', familyName: 'Eriksson' }).details.dateOfBirth, 'not-compared');
});

t.test('insufficient data and the threshold', async (t) => {
  const r = bind('ERIKSSON<<ANNA', {});
  t.equal(r.outcome, 'insufficient');
  t.equal(r.reason, 'the directory identity carries no name');
  t.equal(bind('ERIKSSON<<ANNA', { displayName: '   ' }).outcome, 'insufficient');
  const mid = bindHolderToAccount(holder('ERIKSSON<<ANNA'), { givenName: 'Anna', familyName: 'Erikson' }, 0.95);
  t.equal(mid.threshold, 0.95);
  t.equal(mid.outcome, 'mismatch', 'a typo no longer passes a strict threshold');
  const swapped = bind('ERIKSSON<<ANNA', { givenName: 'Eriksson', familyName: 'Anna' });
  t.equal(swapped.details.order, 'swapped');
  t.equal(swapped.score, 0.95);
});

t.test('hostile directory input is bounded', async (t) => {
  const started = Date.now();
  const huge = Array.from({ length: 5000 }, (_, i) => `Name${'abcdefghij'[i % 10]}x`).join(' ');
  const r = bind('ERIKSSON<<ANNA', { displayName: huge, givenName: huge, familyName: huge.repeat(3) });
  t.equal(r.outcome, 'mismatch');
  t.ok(Date.now() - started < 2000, 'answers quickly');
  t.equal(bind('ERIKSSON<<ANNA', { displayName: '\u0000\u202e<script>' }).outcome, 'mismatch');
});
