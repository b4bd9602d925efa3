// SELECT EF and READ BINARY: the file's first bytes give its length (its TLV header), then the rest
// comes in chunks. READ BINARY's offset is 15 bits (P1 P2): what lies beyond offset 32767 comes in one
// extended-length read from the last offset below it (up to MAX_TAIL bytes, which needs a reader that
// passes extended-length APDUs, as the supported readers do). Longer files (odd-INS READ BINARY) are
// refused as unsupported.
import { ChipAccessError, hexSw } from '../access/chip-access-error.js';
import type { ChipChannel } from '../access/channel.js';
import { SW_OK } from '../access/apdu.js';
import { readTlvHeader } from '../access/tlv.js';

export interface ReadOptions {
  /** Bytes per READ BINARY: 223 fits any reader under 3DES secure messaging; extended-length readers may take more. */
  readonly chunkBytes: number;
}

export const MAX_OFFSET = 0x7fff;
export const MAX_CHUNK = 0xff00;
/** The longest read from one offset: Ne 65280 leaves room for secure messaging's objects in a 65536-byte response. */
export const MAX_TAIL = 0xff00;

/** SELECT EF by file identifier, no response data (P2 0C). Returns false when the chip has no such file. */
export async function selectFile(channel: ChipChannel, fid: number): Promise<boolean> {
  const { sw } = await channel.exchange({ cla: 0x00, ins: 0xa4, p1: 0x02, p2: 0x0c, data: Buffer.from([fid >> 8, fid & 0xff]) });
  if (sw === 0x6a82) return false;
  if (sw !== SW_OK) throw new ChipAccessError('status', `SELECT ${fid.toString(16).padStart(4, '0')}: the chip answered ${hexSw(sw)}`, sw);
  return true;
}

async function readBinary(channel: ChipChannel, offset: number, ne: number): Promise<Buffer> {
  return channel.send({ cla: 0x00, ins: 0xb0, p1: offset >> 8, p2: offset & 0xff, ne }, `READ BINARY at ${offset}`);
}

/** Reads the selected file whole. */
export async function readSelectedFile(channel: ChipChannel, options: ReadOptions): Promise<Buffer> {
  const chunk = options.chunkBytes;
  if (!Number.isInteger(chunk) || chunk < 8 || chunk > MAX_CHUNK) throw new RangeError(`chunkBytes must be 8 to ${MAX_CHUNK}`);
  // Six bytes hold any header here: a tag of up to two bytes and a length of up to four.
  const head = await readBinary(channel, 0, 6);
  if (head.length === 0) throw new ChipAccessError('malformed', 'the file is empty');
  const { headerLength, valueLength } = readTlvHeader(head, 'the file header');
  const total = headerLength + valueLength;
  if (total > MAX_OFFSET + Math.max(chunk, MAX_TAIL)) throw new ChipAccessError('unsupported', `the file is ${total} bytes, longer than READ BINARY's offsets reach`);
  const parts: Buffer[] = [head.subarray(0, Math.min(head.length, total))];
  let have = parts[0].length;
  while (have < total) {
    if (have > MAX_OFFSET) throw new ChipAccessError('unsupported', `the file is ${total} bytes, longer than READ BINARY's offsets reach`);
    const rest = total - have;
    // The next chunk would leave the rest beyond the last reachable offset: take the rest in one read.
    const wanted = have + chunk > MAX_OFFSET ? Math.min(rest, MAX_TAIL) : Math.min(chunk, rest);
    const piece = await readBinary(channel, have, wanted);
    if (piece.length === 0) throw new ChipAccessError('malformed', `the file ended at ${have} of ${total} bytes`);
    parts.push(piece.subarray(0, total - have));
    have += Math.min(piece.length, total - have);
  }
  return Buffer.concat(parts);
}

/** SELECT then read; null when the chip has no such file. */
export async function readFile(channel: ChipChannel, fid: number, options: ReadOptions): Promise<Buffer | null> {
  if (!(await selectFile(channel, fid))) return null;
  return readSelectedFile(channel, options);
}
