// A document-scanner test double behind the agent's DocumentScanner port: it "scans" a given data page
// (a PNG rendered by the test addon, see holder-passport.ts) under white light only, as a flatbed
// scanner without infrared or ultraviolet lamps does. The real adapter is SaneScanner; the agent's CLI
// never builds this double.
import type { DeviceStatus } from '../../../src/kiosk/devices/device.js';
import type { DocumentScanner, ScanLight, ScannedPage } from '../../../src/kiosk/devices/scanner/document-scanner.js';
import { checkPngStructure } from '../../../src/kiosk/devices/scanner/png-structure.js';

export class PassportPageScanner implements DocumentScanner {
  readonly name = 'scanner' as const;
  readonly #width: number;
  readonly #height: number;
  scans = 0;

  constructor(readonly page: Buffer) {
    const size = checkPngStructure(page, 40_000_000);
    if ('problem' in size) throw new Error(`the data page is not a usable PNG: ${size.problem}`);
    this.#width = size.width;
    this.#height = size.height;
  }

  async selftest(): Promise<DeviceStatus> {
    return { device: 'scanner', ok: true, detail: `scanner test double (a rendered passport data page, ${this.#width}x${this.#height}, white light), not a real device` };
  }

  async lights(): Promise<ScanLight[]> {
    return ['white'];
  }

  async scan(light: ScanLight): Promise<ScannedPage> {
    if (light !== 'white') throw new Error(`the scanner test double has no ${light} lamp (lights() offers white only)`);
    this.scans++;
    return { light, mediaType: 'image/png', bytes: Buffer.from(this.page), width: this.#width, height: this.#height };
  }
}
