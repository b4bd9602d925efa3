// What the agent asks of a document scanner: which lights it offers (white always; infrared and
// ultraviolet where the scanner has them) and one page image per light. The SANE adapter
// (sane-scanner.ts) drives real scanners through scanimage.
import type { KioskDevice } from '../device.js';

export type ScanLight = 'white' | 'ir' | 'uv';

export interface ScannedPage {
  light: ScanLight;
  mediaType: 'image/png';
  bytes: Buffer;
  width: number;
  height: number;
}

export interface DocumentScanner extends KioskDevice {
  readonly name: 'scanner';
  lights(signal?: AbortSignal): Promise<ScanLight[]>;
  scan(light: ScanLight, signal?: AbortSignal): Promise<ScannedPage>;
}
