// A chip-reader test double for the agent's tests, behind the agent's ChipReaderPort: it answers fixed
// data groups for the right access key and refuses any other as a chip refuses BAC/PACE with a wrong key.
// The real PC/SC reader, BAC, PACE and secure messaging are src/kiosk/devices/chip/ and their own tests.
import type { DeviceStatus } from '../../../src/kiosk/devices/device.js';
import type { ChipAccessKey, ChipReaderPort, ChipReadResult } from '../../../src/kiosk/devices/chip-port.js';
import { KioskDeviceError } from '../../../src/kiosk/devices/device-error.js';

export class ChipReaderDouble implements ChipReaderPort {
  readonly name = 'chip' as const;
  reads = 0;
  #removed = false;

  constructor(readonly acceptedKey: ChipAccessKey = { documentNumber: 'L898902C3', dateOfBirth: '740812', dateOfExpiry: '120415' }) {}

  removeCard(): void {
    this.#removed = true;
  }

  async selftest(): Promise<DeviceStatus> {
    return { device: 'chip', ok: true, detail: 'chip reader test double (no PC/SC), not a real device' };
  }

  async read(key: ChipAccessKey): Promise<ChipReadResult> {
    if (this.#removed) throw new KioskDeviceError('chip', 'removed', 'the document was taken off the reader during the read (test double)');
    if (JSON.stringify(key) !== JSON.stringify(this.acceptedKey)) throw new KioskDeviceError('chip', 'access-denied', 'the chip refused the access key (BAC mutual authentication failed)');
    this.reads++;
    return {
      protocol: 'BAC',
      files: { com: Buffer.from('600a5f0104303130375c026175', 'hex'), dg1: Buffer.from('615b5f1f58', 'hex'), dg2: Buffer.from('7582', 'hex'), sod: Buffer.from('778230', 'hex') },
      readMs: 1200,
    };
  }
}
