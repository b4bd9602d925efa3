// The station's eMRTD chip reader as the kiosk agent calls it (the kiosk contract's ChipReader).
import type { KioskDevice } from '../device.js';
import type { ChipAccessKey } from '../../../documents/emrtd/access/access-key.js';

export type { ChipAccessKey };

/**
 * What the appliance's Chip Authentication check needs besides DG14 (chip-container.ts field names):
 * version 1 carries the chip's first protected response under the new keys, version 2 its nonce and token.
 */
export type ChipAuthenticationCapture = {
  protocol: string;
  keyId?: number;
  terminalPrivateKey: Buffer;
  terminalPublicKey: Buffer;
  protectedResponse?: Buffer;
  sendSequenceCounter?: number;
  nonce?: Buffer;
  authenticationToken?: Buffer;
};

export interface ChipRead {
  protocol: 'PACE' | 'BAC';
  files: { cardAccess?: Buffer; com: Buffer; dg1: Buffer; dg2: Buffer; dg14?: Buffer; dg15?: Buffer; sod: Buffer };
  /** The raw INTERNAL AUTHENTICATE exchange, when the chip has DG15. */
  activeAuthentication?: { challenge: Buffer; signature: Buffer };
  chipAuthentication?: ChipAuthenticationCapture;
  readMs: number;
}

export interface ChipReader extends KioskDevice {
  readonly name: 'chip';
  read(key: ChipAccessKey, signal?: AbortSignal): Promise<ChipRead>;
}
