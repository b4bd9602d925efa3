// Each gap of the `mrz` npm package (5.0.2, the peer named in specs/documents.md) side by side
// with what proofgate's parser does on the same input.
import t from 'tap';
import { parse as peerParse } from 'mrz';
import { parseMrz, type MrzParsed } from '../../src/documents/mrz/index.js';
import { buildTd3 } from '../helpers/documents/mrz-builder.js';

const now = new Date('2026-11-24T12:00:00Z');
const ours = (lines: string[]) => parseMrz(lines, { now });
const peerFails = (lines: string[]) => peerParse(lines).details.filter((d) => !d.valid).map((d) => d.field);

t.test('UTO specimens: the peer rejects the state code, we accept it and flag it as a specimen', async (t) => {
  const lines = ['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C36UTO7408122F1204159ZE184226B<<<<<10'];
  const peer = peerParse(lines);
  t.equal(peer.valid, false);
  t.same(peerFails(lines), ['issuingState', 'nationality']);
  const r = ours(lines) as MrzParsed;
  t.equal(r.valid, true);
  t.equal(r.issuingStateKind, 'specimen');
  t.ok(r.problems.some((p) => p.code === 'MRZ_SPECIMEN_STATE_CODE' && p.severity === 'warning'));
});

t.test('visas: the peer has no MRV format, we parse MRV-A and MRV-B', async (t) => {
  const mrva = ['V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L8988901C4XXX4009078F96121096ZE184226B<<<<<<'];
  const peer = peerParse(mrva);
  t.equal(peer.format, 'TD3', 'the peer reads a visa as a passport');
  t.equal(peer.valid, false);
  t.ok(peerFails(mrva).includes('documentCode'));
  t.ok(peerFails(mrva).includes('compositeCheckDigit'));
  const r = ours(mrva) as MrzParsed;
  t.equal(r.format, 'MRVA');
  t.equal(r.valid, true);
  const mrvb = ours(['V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<', 'L8988901C4XXX4009078F9612109<<<<<<<<']);
  t.equal(mrvb.format, 'MRVB');
  t.equal(mrvb.valid, true);
});

t.test('calendar: the peer accepts 31 February as a birth date, we reject it', async (t) => {
  const lines = buildTd3({ dob: '960231' });
  const peer = peerParse(lines);
  t.equal(peer.valid, true);
  t.equal(peer.fields.birthDate, '960231', 'raw YYMMDD, no century');
  const r = ours(lines) as MrzParsed;
  t.equal(r.valid, false);
  t.same(r.problems.filter((p) => p.severity === 'error').map((p) => p.code), ['MRZ_BAD_DATE']);
  t.equal(r.fields.dateOfBirth?.valid, false);
});

t.test('century: the peer returns no century, we resolve birth and expiry years', async (t) => {
  const lines = buildTd3({ dob: '300101', expiry: '300101' });
  t.equal(peerParse(lines).fields.birthDate, '300101');
  const r = ours(lines) as MrzParsed;
  t.equal(r.dateOfBirth.iso, '1930-01-01');
  t.equal(r.dateOfExpiry?.iso, '2030-01-01');
});

t.test('lowercase: the peer parses lowercase text field by field, we reject it as a charset error', async (t) => {
  const lines = ['p<utoeriksson<<anna<maria<<<<<<<<<<<<<<<<<<<', 'l898902c36uto7408122f1204159ze184226b<<<<<10'];
  const peer = peerParse(lines);
  t.equal(peer.format, 'TD3', 'no charset error: the line check has no anchors');
  t.ok(peerFails(lines).length > 3);
  const r = ours(lines);
  t.equal(r.ok, false);
  t.same(r.problems.map((p) => p.code), ['MRZ_BAD_CHARSET']);
});

t.test('sex X: the peer rejects it, we accept it with a warning', async (t) => {
  const lines = buildTd3({ sex: 'X' });
  t.same(peerFails(lines), ['sex']);
  const r = ours(lines) as MrzParsed;
  t.equal(r.valid, true);
  t.equal(r.sex, 'X');
  t.same(r.problems.map((p) => p.code), ['MRZ_SEX_X']);
});

t.test('both agree on the plain vectors', async (t) => {
  const td1 = ['I<UTOD23145890<7349<<<<<<<<<<<', '3407127M9507122UTO<<<<<<<<<<<2', 'STEVENSON<<PETER<JOHN<<<<<<<<<'];
  t.equal(peerParse(td1).fields.documentNumber, 'D23145890734');
  t.equal((ours(td1) as MrzParsed).documentNumber, 'D23145890734');
  const fr = ['IDFRABERTHIER<<<<<<<<<<<<<<<<<<<<<<<', '9409923102854CORINNE<<<<<<<6512068F4'];
  t.equal(peerParse(fr).valid, true);
  t.equal(ours(fr).valid, true);
});
