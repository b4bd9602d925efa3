// What the chip reader hands over reaches the appliance intact: a ChipRead (here from the simulated
// PACE chip) put into the 'document-chip' container the way the kiosk does it (every byte string
// base64, chipAuthentication's fields by name), parsed by the appliance's own parser, and checked
// with the appliance's Active and Chip Authentication verifiers.
import t from 'tap';
import { readEmrtd } from '../../src/documents/emrtd/reader/read-emrtd.js';
import { verifyActiveAuthentication, verifyChipAuthentication } from '../../src/documents/emrtd/index.js';
import { parseChipContainer } from '../../src/verification/first-time/chip-container.js';
import { simulatedPaceChip } from '../helpers/simulated-pace-chip.js';

t.test('a PACE read with AA and CA becomes a chip container the appliance accepts and verifies', async (t) => {
  const chip = simulatedPaceChip();
  const read = await readEmrtd(chip.transport, chip.key);
  const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
  const ca = read.chipAuthentication!;
  const container = {
    sod: b64(read.files.sod),
    dataGroups: { 1: b64(read.files.dg1), 2: b64(read.files.dg2), 14: b64(read.files.dg14!), 15: b64(read.files.dg15!) },
    activeAuthentication: { challenge: b64(read.activeAuthentication!.challenge), response: b64(read.activeAuthentication!.signature) },
    chipAuthentication: {
      protocol: ca.protocol, terminalPrivateKey: b64(ca.terminalPrivateKey), terminalPublicKey: b64(ca.terminalPublicKey!),
      protectedResponse: b64(ca.protectedResponse!), sendSequenceCounter: ca.sendSequenceCounter,
    },
  };
  const reading = parseChipContainer(Buffer.from(JSON.stringify(container), 'utf8'));
  t.ok(Buffer.from(reading.sod).equals(chip.files.sod));
  t.ok(Buffer.from(reading.dataGroups.get(2)!).equals(chip.files.dg2));
  const aa = verifyActiveAuthentication({ dg15: reading.dataGroups.get(15)!, ...reading.activeAuthentication! });
  t.equal(aa.outcome, 'pass', aa.reason);
  const caResult = verifyChipAuthentication({ dg14: reading.dataGroups.get(14)!, ...reading.chipAuthentication! });
  t.equal(caResult.outcome, 'pass', caResult.reason);
});
