// The devices the CLI drives: always the real adapters. Simulated devices exist only in the tests, injected
// through createKioskAgent.
import type { KioskConfig } from '../config/kiosk-config.js';
import type { KioskDevices } from '../agent/create-kiosk-agent.js';
import { V4l2RgbdCamera } from '../devices/camera/v4l2-rgbd-camera.js';
import { SaneScanner } from '../devices/scanner/sane-scanner.js';
import { PcscChipReader } from '../devices/chip/pcsc-chip-reader.js';
import type { ChipReader } from '../devices/chip/chip-reader.js';
import type { ChipReaderPort } from '../devices/chip-port.js';

export function realDevices(config: KioskConfig): KioskDevices {
  return {
    camera: new V4l2RgbdCamera(config.camera), scanner: new SaneScanner(config.scanner),
    chip: chipPort(new PcscChipReader({ reader: config.chip.reader, timeoutMs: config.chip.timeoutMs })),
  };
}

/** The PC/SC reader behind the agent's chip port: the same read, its Chip Authentication fields without the absent ones. */
export function chipPort(reader: ChipReader): ChipReaderPort {
  return {
    name: 'chip',
    selftest: () => reader.selftest(),
    async read(key, signal) {
      const { chipAuthentication, ...read } = await reader.read(key, signal);
      if (!chipAuthentication) return read;
      const fields = Object.entries(chipAuthentication).filter((e): e is [string, Buffer | number | string] => e[1] !== undefined);
      return { ...read, chipAuthentication: Object.fromEntries(fields) };
    },
  };
}
