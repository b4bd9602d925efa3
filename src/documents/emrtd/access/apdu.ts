// ISO/IEC 7816-4 command and response APDUs, short and extended length. Extended encoding is used
// only when the data or the expected length needs it (data > 255 bytes, Ne > 256), as the contactless
// readers eMRTDs meet accept both.
import { ChipAccessError } from './chip-access-error.js';

export interface CommandApdu {
  readonly cla: number;
  readonly ins: number;
  readonly p1: number;
  readonly p2: number;
  readonly data?: Uint8Array;
  /** Expected response length Ne: 1..65536; absent when no data is expected. 256 / 65536 encode as 00 / 0000. */
  readonly ne?: number;
}

export interface ResponseApdu {
  readonly data: Buffer;
  readonly sw: number;
}

export const MAX_SHORT_DATA = 255;
export const MAX_SHORT_NE = 256;
export const MAX_EXTENDED_NE = 65536;

export const isExtended = (c: CommandApdu): boolean => (c.data?.length ?? 0) > MAX_SHORT_DATA || (c.ne ?? 0) > MAX_SHORT_NE;

const byte = (v: number, what: string): number => {
  if (!Number.isInteger(v) || v < 0 || v > 0xff) throw new RangeError(`APDU ${what} must be one byte`);
  return v;
};

/** The Le field for `ne` in short or extended form (the extended form's leading 00 only when there is no Lc). */
export function encodeLe(ne: number, extended: boolean, hasLc: boolean): Buffer {
  if (!Number.isInteger(ne) || ne < 1 || ne > (extended ? MAX_EXTENDED_NE : MAX_SHORT_NE)) throw new RangeError(`APDU Ne ${ne} out of range`);
  if (!extended) return Buffer.from([ne & 0xff]);
  const le = Buffer.from([(ne >> 8) & 0xff, ne & 0xff]);
  return hasLc ? le : Buffer.concat([Buffer.from([0]), le]);
}

export function encodeCommand(c: CommandApdu): Buffer {
  const header = Buffer.from([byte(c.cla, 'CLA'), byte(c.ins, 'INS'), byte(c.p1, 'P1'), byte(c.p2, 'P2')]);
  const data = c.data ?? Buffer.alloc(0);
  if (data.length > 65535) throw new RangeError('APDU data must be at most 65535 bytes');
  const extended = isExtended(c);
  const lc = data.length === 0 ? Buffer.alloc(0) : extended ? Buffer.from([0, data.length >> 8, data.length & 0xff]) : Buffer.from([data.length]);
  const le = c.ne === undefined ? Buffer.alloc(0) : encodeLe(c.ne, extended, data.length > 0);
  return Buffer.concat([header, lc, data, le]);
}

export function parseResponse(bytes: Uint8Array): ResponseApdu {
  if (bytes.length < 2) throw new ChipAccessError('malformed', `a response APDU needs SW1 SW2; ${bytes.length} byte(s) came`);
  const b = Buffer.from(bytes);
  return { data: b.subarray(0, b.length - 2), sw: b.readUInt16BE(b.length - 2) };
}

export const SW_OK = 0x9000;
