// The devices the CLI drives: always the real adapters. Simulated devices exist only in the tests, injected
// through createKioskAgent.
import type { KioskConfig } from '../config/kiosk-config.js';
import type { KioskDevices } from '../agent/create-kiosk-agent.js';
import { V4l2RgbdCamera } from '../devices/camera/v4l2-rgbd-camera.js';
import { SaneScanner } from '../devices/scanner/sane-scanner.js';
import { PcscChipReader } from '../devices/chip/pcsc-chip-reader.js';

export function realDevices(config: KioskConfig): KioskDevices {
  return { camera: new V4l2RgbdCamera(config.camera), scanner: new SaneScanner(config.scanner), chip: new PcscChipReader({ reader: config.chip.reader, timeoutMs: config.chip.timeoutMs }) };
}
