// SELECT EF and READ BINARY: the file's first bytes give its length (its TLV header), then the rest
// comes in chunks. READ BINARY's offset is 15 bits (P1 P2), so a file may end at most one chunk past
// 32767 bytes; longer files (odd-INS READ BINARY) are refused as unsupported.
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
  const head = await readBinary(channel, 0, 4);
  if (head.length === 0) throw new ChipAccessError('malformed', 'the file is empty');
  const { headerLength, valueLength } = readTlvHeader(head, 'the file header');
  const total = headerLength + valueLength;
  if (total > MAX_OFFSET + chunk) throw new ChipAccessError('unsupported', `the file is ${total} bytes, longer than READ BINARY's offsets reach`);
  const parts: Buffer[] = [head.subarray(0, Math.min(head.length, total))];
  let have = parts[0].length;
  while (have < total) {
    const piece = await readBinary(channel, have, Math.min(chunk, total - have));
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
