// PACE-ECDH-GM-AES, AES secure messaging, Active and Chip Authentication through the reader's
// protocol code, against a simulated chip (test/helpers/simulated-pace-chip.ts) behind the same
// transport PC/SC gives it. What the reader hands over is checked with the appliance's own verifiers.
import t from 'tap';
import { readEmrtd } from '../../src/documents/emrtd/reader/read-emrtd.js';
import { ChipAccessError } from '../../src/documents/emrtd/access/chip-access-error.js';
import { verifyActiveAuthentication, verifyChipAuthentication } from '../../src/documents/emrtd/index.js';
import { ecChipKey } from '../helpers/documents/ca-chip.js';
import { simulatedPaceChip } from '../helpers/simulated-pace-chip.js';

const appFileReads = (chip: ReturnType<typeof simulatedPaceChip>) => chip.log.filter((c) => c.ins === 0xb0 && c.protected);

t.test('PACE with the MRZ key: every file, then AA and CA evidence the appliance verifies', async (t) => {
  const chip = simulatedPaceChip();
  const read = await readEmrtd(chip.transport, chip.key);
  t.equal(read.protocol, 'PACE');
  for (const name of ['cardAccess', 'com', 'dg1', 'dg2', 'dg14', 'dg15', 'sod'] as const) t.ok(read.files[name]?.equals(chip.files[name]), name);
  const aa = verifyActiveAuthentication({ dg15: read.files.dg15!, challenge: read.activeAuthentication!.challenge, response: read.activeAuthentication!.signature });
  t.equal(aa.outcome, 'pass', aa.reason);
  t.equal(read.activeAuthentication!.challenge.length, 8);
  const ca = verifyChipAuthentication({ dg14: read.files.dg14!, ...read.chipAuthentication! });
  t.equal(ca.outcome, 'pass', ca.reason);
  t.equal(read.chipAuthentication!.sendSequenceCounter, 2);
  // After CA, everything else was read under the CA session keys.
  const afterCa = chip.log.slice(chip.log.findIndex((c) => c.ins === 0x86 && c.keys === 'pace') + 1);
  t.ok(afterCa.length > 0 && afterCa.every((c) => c.keys === 'ca'), 'DG1, DG2, DG15, AA and EF.SOD under CA keys');
});

t.test('a DG2 past offset 32767 comes whole: the rest in one extended-length read', async (t) => {
  const chip = simulatedPaceChip({ imageBytes: 50_000 });
  const read = await readEmrtd(chip.transport, chip.key);
  t.equal(read.files.dg2.length, chip.files.dg2.length);
  t.ok(read.files.dg2.equals(chip.files.dg2), `DG2 of ${chip.files.dg2.length} bytes`);
  const beyond = chip.log.filter((c) => c.ins === 0xb0 && ((c.p1 << 8) | c.p2) > 0x7fff);
  t.same(beyond, [], 'no READ BINARY offset beyond 32767');
  const huge = simulatedPaceChip({ imageBytes: 100_000 });
  const err = await readEmrtd(huge.transport, huge.key).catch((e: unknown) => e);
  t.same({ reason: (err as ChipAccessError).reason, message: (err as Error).message }, { reason: 'unsupported', message: `the file is ${huge.files.dg2.length} bytes, longer than READ BINARY's offsets reach` });
});

t.test('PACE with the card access number', async (t) => {
  const chip = simulatedPaceChip({ can: '482913' });
  const read = await readEmrtd(chip.transport, { can: '482913' });
  t.equal(read.protocol, 'PACE');
  t.ok(read.files.dg1.equals(chip.files.dg1));
});

t.test('a wrong MRZ or CAN is access-denied at the mutual authentication, with nothing read', async (t) => {
  for (const key of [{ documentNumber: 'L898902C4', dateOfBirth: '740812', dateOfExpiry: '341231' }, { can: '000000' }]) {
    const chip = simulatedPaceChip();
    const err = await readEmrtd(chip.transport, key).catch((e: unknown) => e);
    t.ok(err instanceof ChipAccessError, 'ChipAccessError');
    t.equal((err as ChipAccessError).reason, 'access-denied');
    t.equal((err as ChipAccessError).sw, 0x6300);
    t.same(appFileReads(chip), [], 'no file read under secure messaging');
  }
});

t.test('a tampered MAC in a response ends the read at once', async (t) => {
  for (const n of [1, 5, 40]) {
    const chip = simulatedPaceChip({ tamperResponseMac: n });
    const err = await readEmrtd(chip.transport, chip.key).catch((e: unknown) => e);
    t.ok(err instanceof ChipAccessError && err.reason === 'secure-messaging', `response ${n}: ${(err as Error).message}`);
    t.equal(chip.log.filter((c) => c.protected).length, n, 'no command after the bad response');
  }
});

t.test("a chip without DG14's private key fails Chip Authentication: its next answer does not verify", async (t) => {
  const chip = simulatedPaceChip({ cloneCaKey: ecChipKey('brainpoolP256r1') });
  const err = await readEmrtd(chip.transport, chip.key).catch((e: unknown) => e);
  t.ok(err instanceof ChipAccessError, 'ChipAccessError');
  t.equal((err as ChipAccessError).reason, 'secure-messaging');
  t.match((err as Error).message, /session keys differ/);
  t.equal((err as ChipAccessError).sw, 0x6988);
});

t.test('Active Authentication: a signature by another key fails the appliance check', async (t) => {
  const chip = simulatedPaceChip();
  const other = simulatedPaceChip();
  const read = await readEmrtd(chip.transport, chip.key);
  const r = verifyActiveAuthentication({ dg15: other.files.dg15, challenge: read.activeAuthentication!.challenge, response: read.activeAuthentication!.signature });
  t.equal(r.outcome, 'fail');
});

t.test('a chip without PACE needs the MRZ: a CAN is refused before anything is sent under BAC', async (t) => {
  const sent: number[] = [];
  const err = await readEmrtd(async (apdu) => { sent.push(apdu[1]); return Buffer.from([0x6a, 0x82]); }, { can: '123456' }).catch((e: unknown) => e);
  t.equal((err as ChipAccessError).reason, 'unsupported');
  t.same(sent, [0xa4]);
});
