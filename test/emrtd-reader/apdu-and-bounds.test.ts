// APDU encoding (short and extended length), the TLV readers' refusals, access keys, and the PC/SC
// wrapper's bounds, checked before anything reaches the addon.
import t from 'tap';
import { encodeCommand, parseResponse } from '../../src/documents/emrtd/access/apdu.js';
import { mrzInformation, pacePassword } from '../../src/documents/emrtd/access/access-key.js';
import { readTlvHeader, readTlvs } from '../../src/documents/emrtd/access/tlv.js';
import { ChipAccessError } from '../../src/documents/emrtd/access/chip-access-error.js';
import { PcscCard, MAX_COMMAND_APDU } from '../../src/native/pcsc.js';

const hex = (b: Buffer) => b.toString('hex');
const reasonOf = (f: () => unknown): string | null => {
  try { f(); return null; } catch (e) { return e instanceof ChipAccessError ? e.reason : `not a ChipAccessError: ${String(e)}`; }
};

t.test('short and extended APDUs', async (t) => {
  t.equal(hex(encodeCommand({ cla: 0, ins: 0x84, p1: 0, p2: 0, ne: 8 })), '0084000008');
  t.equal(hex(encodeCommand({ cla: 0, ins: 0xb0, p1: 0, p2: 0, ne: 256 })), '00b0000000', 'Ne 256 is Le 00');
  t.equal(hex(encodeCommand({ cla: 0, ins: 0xa4, p1: 2, p2: 0x0c, data: Buffer.from('011e', 'hex') })), '00a4020c02011e');
  t.equal(hex(encodeCommand({ cla: 0, ins: 0xb0, p1: 0, p2: 0, ne: 4096 })), '00b00000001000', 'extended Le without data: 00 HH LL');
  t.equal(hex(encodeCommand({ cla: 0, ins: 0xb0, p1: 0, p2: 0, ne: 65536 })), '00b00000000000', 'Ne 65536 is Le 00 00 00');
  const long = encodeCommand({ cla: 0, ins: 0x86, p1: 0, p2: 0, data: Buffer.alloc(300, 1), ne: 256 });
  t.equal(hex(long.subarray(0, 7)), '0086000000012c', 'extended Lc 00 01 2C');
  t.equal(hex(long.subarray(-2)), '0100', 'extended Le after data: HH LL');
  t.throws(() => encodeCommand({ cla: 0x100, ins: 0, p1: 0, p2: 0 }), RangeError);
  t.throws(() => encodeCommand({ cla: 0, ins: 0, p1: 0, p2: 0, ne: 0 }), RangeError);
  t.same(parseResponse(Buffer.from('01029000', 'hex')), { data: Buffer.from('0102', 'hex'), sw: 0x9000 });
  t.throws(() => parseResponse(Buffer.from([0x90])), ChipAccessError);
});

t.test('TLV readers refuse what runs past the end or uses indefinite lengths', async (t) => {
  t.same(readTlvHeader(Buffer.from('7582300000', 'hex'), 'DG2'), { headerLength: 4, valueLength: 0x3000 });
  t.same(readTlvHeader(Buffer.from('7f61820100', 'hex'), 'DG2 group'), { headerLength: 5, valueLength: 0x100 }, 'two-byte tags');
  t.equal(reasonOf(() => readTlvHeader(Buffer.from('7580', 'hex'), 'DG2')), 'malformed');
  t.equal(reasonOf(() => readTlvHeader(Buffer.from('7584ffffffff', 'hex'), 'DG2')), 'malformed');
  t.throws(() => readTlvs(Buffer.from('870501', 'hex'), 'response'), new ChipAccessError('malformed', 'response: length 5 runs past the end'));
});

t.test('access keys: MRZ_information with check digits, PACE passwords, bad input refused', async (t) => {
  // ICAO 9303-11 Appendix D.2 worked example.
  t.equal(mrzInformation({ documentNumber: 'L898902C', dateOfBirth: '690806', dateOfExpiry: '940623' }), 'L898902C<369080619406236');
  t.equal(pacePassword({ can: '123456' }).reference, 2);
  t.equal(pacePassword({ documentNumber: 'L898902C', dateOfBirth: '690806', dateOfExpiry: '940623' }).password.length, 20);
  t.equal(reasonOf(() => pacePassword({ can: '12345' })), 'access-denied');
  t.equal(reasonOf(() => mrzInformation({ documentNumber: 'L89;', dateOfBirth: '690806', dateOfExpiry: '940623' })), 'access-denied');
  t.equal(reasonOf(() => mrzInformation({ documentNumber: 'L898902C', dateOfBirth: '691306', dateOfExpiry: '940623' })), 'access-denied');
});

t.test('the PC/SC card refuses APDUs outside 4..65544 bytes before the addon sees them', async (t) => {
  const card = new PcscCard(0n, 2);
  await t.rejects(card.transmit(Buffer.alloc(3)), RangeError);
  await t.rejects(card.transmit(Buffer.alloc(MAX_COMMAND_APDU + 1)), RangeError);
});
