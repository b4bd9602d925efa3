// The chip reader slot when this build has no eMRTD chip-reader adapter (src/kiosk/devices/chip/, PC/SC with
// BAC, PACE and secure messaging): selftest says so, and a read is refused as a missing device, so the
// station never pretends to have read a chip.
import type { DeviceStatus } from './device.js';
import { KioskDeviceError } from './device-error.js';
import type { ChipReaderPort, ChipReadResult } from './chip-port.js';

export class ChipReaderNotInstalled implements ChipReaderPort {
  readonly name = 'chip' as const;

  async selftest(): Promise<DeviceStatus> {
    return { device: 'chip', ok: false, detail: 'no eMRTD chip-reader adapter in this build', remedy: 'install a release that includes the PC/SC chip reader, or verify without the chip' };
  }

  async read(): Promise<ChipReadResult> {
    throw new KioskDeviceError('chip', 'unplugged', 'no eMRTD chip-reader adapter in this build');
  }
}
