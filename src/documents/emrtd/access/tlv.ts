// A bounded BER-TLV reader for the data objects of secure messaging and PACE (ISO/IEC 7816-4
// tags of one or two bytes, definite lengths of up to three bytes). Anything else is malformed.
import { ChipAccessError } from './chip-access-error.js';

export interface Tlv {
  readonly tag: number;
  readonly value: Buffer;
  /** The whole object, tag and length included. */
  readonly raw: Buffer;
}

/** Reads the TLV at `offset`; `what` names the structure in errors. */
export function readTlv(bytes: Buffer, offset: number, what: string): Tlv & { end: number } {
  const fail = (why: string): never => { throw new ChipAccessError('malformed', `${what}: ${why}`); };
  let i = offset;
  if (i >= bytes.length) fail('truncated tag');
  let tag = bytes[i++];
  if ((tag & 0x1f) === 0x1f) {
    if (i >= bytes.length) fail('truncated tag');
    if (bytes[i] & 0x80) fail('tags longer than two bytes are not used here');
    tag = (tag << 8) | bytes[i++];
  }
  if (i >= bytes.length) fail('truncated length');
  let length = bytes[i++];
  if (length === 0x80 || length > 0x83) fail('indefinite or oversized length');
  if (length > 0x80) {
    const n = length & 0x7f;
    if (i + n > bytes.length) fail('truncated length');
    length = 0;
    for (let k = 0; k < n; k++) length = length * 256 + bytes[i++];
  }
  if (i + length > bytes.length) fail(`length ${length} runs past the end`);
  return { tag, value: bytes.subarray(i, i + length), raw: bytes.subarray(offset, i + length), end: i + length };
}

/** Every TLV in `bytes`, which must hold nothing else. */
export function readTlvs(bytes: Buffer, what: string): Tlv[] {
  const out: Tlv[] = [];
  for (let offset = 0; offset < bytes.length;) {
    const t = readTlv(bytes, offset, what);
    out.push(t);
    offset = t.end;
  }
  return out;
}

/** Tag and length header followed by the value (definite length, minimal form). */
export function tlv(tag: number, value: Uint8Array): Buffer {
  const tagBytes = tag > 0xff ? Buffer.from([tag >> 8, tag & 0xff]) : Buffer.from([tag]);
  const n = value.length;
  const len = n < 0x80 ? Buffer.from([n]) : n <= 0xff ? Buffer.from([0x81, n]) : n <= 0xffff ? Buffer.from([0x82, n >> 8, n & 0xff]) : Buffer.from([0x83, n >> 16, (n >> 8) & 0xff, n & 0xff]);
  return Buffer.concat([tagBytes, len, value]);
}

/** The header of a TLV whose value has not been read yet: how long the header and the value are. */
export function readTlvHeader(bytes: Buffer, what: string): { headerLength: number; valueLength: number } {
  const fail = (why: string): never => { throw new ChipAccessError('malformed', `${what}: ${why}`); };
  if (bytes.length < 2) fail('truncated header');
  let i = (bytes[0] & 0x1f) === 0x1f ? 2 : 1;
  if (i >= bytes.length) fail('truncated header');
  const first = bytes[i++];
  if (first < 0x80) return { headerLength: i, valueLength: first };
  const n = first & 0x7f;
  if (n === 0 || n > 3) fail('indefinite or oversized length');
  if (i + n > bytes.length) fail('truncated header');
  let length = 0;
  for (let k = 0; k < n; k++) length = length * 256 + bytes[i++];
  return { headerLength: i, valueLength: length };
}
