// The chip reader as the agent calls it: the shape of src/kiosk/devices/chip/chip-reader.ts (the PC/SC
// adapter with BAC, PACE and secure messaging), restated structurally so the agent depends only on what
// it uses. Tests inject a double; the CLI builds the PC/SC adapter.
import type { KioskDevice } from './device.js';

/** From the MRZ: document number and the two dates as YYMMDD; or a card access number for PACE. */
export type ChipAccessKey = { documentNumber: string; dateOfBirth: string; dateOfExpiry: string } | { can: string };

export interface ChipReadResult {
  protocol: 'PACE' | 'BAC';
  files: { cardAccess?: Buffer; com: Buffer; dg1: Buffer; dg2: Buffer; dg14?: Buffer; dg15?: Buffer; sod: Buffer };
  activeAuthentication?: { challenge: Buffer; signature: Buffer };
  /** What the appliance's chip-authentication check reads (chip-container.ts field names; Buffers are sent as base64). */
  chipAuthentication?: Record<string, Buffer | number | string>;
  readMs: number;
}

export interface ChipReaderPort extends KioskDevice {
  readonly name: 'chip';
  read(key: ChipAccessKey, signal?: AbortSignal): Promise<ChipReadResult>;
}
